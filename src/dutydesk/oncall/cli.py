"""`dutydesk who` and `dutydesk schedule`."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.oncall import service as oncall
from dutydesk.team.service import team_zone
from dutydesk.terminal import (
    Wrap,
    print_json,
    print_table,
    runtime_of,
    table_time,
)
from dutydesk.timeparse import local_text, parse_time

TIME_HELP = "ISO 8601; without an offset it is the team's local time."


def who(
    ctx: typer.Context,
    rota: Annotated[list[str] | None, typer.Argument(help="Rotas to show (default: all).")] = None,
    at: Annotated[str | None, typer.Option(help=f"When to ask about. {TIME_HELP}")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Who is on call now (or at --at), on every rota or the ones named."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        instant = parse_time(at, zone, now, field="--at") if at else now
        answers = oncall.who(session, rota or [], instant)
    if as_json:
        # The API's schemas shape the JSON; only --json needs them built.
        from dutydesk.oncall.schemas import oncall_read

        print_json([oncall_read(a, zone).model_dump(mode="json", by_alias=True) for a in answers])
        return
    print_table(
        f"On call at {local_text(instant, zone)} ({zone.key})",
        (Wrap("Rota"), "On call", "From", "Until", "Source"),
        (
            (
                a.rota_name,
                a.now.person or "nobody",
                table_time(a.now.start, zone, now),
                table_time(a.now.end, zone, now),
                a.now.source or "",
            )
            for a in answers
        ),
    )


def schedule(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota.")],
    from_: Annotated[str, typer.Option("--from", help=f"Start. {TIME_HELP}")],
    to: Annotated[str, typer.Option("--to", help=f"End (exclusive). {TIME_HELP}")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The final schedule of a rota between two times."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        start = parse_time(from_, zone, now, field="--from")
        end = parse_time(to, zone, now, field="--to")
        segments = oncall.shifts(session, rota, start, end)
    if as_json:
        from dutydesk.oncall.schemas import shift_read

        print_json([shift_read(s, zone).model_dump(mode="json", by_alias=True) for s in segments])
        return
    print_table(
        f"{rota}: {local_text(start, zone)} – {local_text(end, zone)} ({zone.key})",
        ("On call", "From", "Until", "Source"),
        (
            (s.person, table_time(s.start, zone, now), table_time(s.end, zone, now), s.source)
            for s in segments
        ),
    )
