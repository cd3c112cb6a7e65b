"""`dutydesk cover`: break cover, planned or right now."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.cover.service import add_cover
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.team.service import team_zone
from dutydesk.terminal import cli_actor, runtime_of, stdout
from dutydesk.timeparse import local_text, parse_duration, parse_time


def cover(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota to cover.")],
    by: Annotated[str, typer.Option("--by", help="Who covers.")],
    for_: Annotated[str, typer.Option("--for", help="How long: 45m, 1h30m …")],
    from_: Annotated[
        str | None,
        typer.Option("--from", help="When cover starts (ISO 8601 or 12:30 today, team time)."),
    ] = None,
    now: Annotated[bool, typer.Option("--now", help="Cover starts now.")] = False,
    note: Annotated[str | None, typer.Option(help="Why: lunch, a meeting …")] = None,
) -> None:
    """Have someone cover ROTA for a short while; the rota's channels are told."""
    if now == (from_ is not None):
        raise Invalid("give exactly one of --from TIME or --now")
    runtime = runtime_of(ctx)
    length = parse_duration(for_, field="--for")
    with unit_of_work(runtime.sessions) as session:
        zone = team_zone(session)
        instant = runtime.clock.now()
        start = instant if from_ is None else parse_time(from_, zone, instant, field="--from")
        created = add_cover(
            session,
            rota_id=rota,
            person_id=by,
            start=start,
            length=length,
            note=note,
            actor=cli_actor(),
            now=instant,
        )
        session.commit()
    stdout.print(
        f"Cover {created.id}: {by} covers {rota} from {local_text(created.start_at, zone)}"
        f" until {local_text(created.end_at, zone)}.",
        markup=False,
    )
