"""`dutydesk override …`: put someone on a rota in place of whoever is scheduled."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.overrides import service as overrides
from dutydesk.overrides.schemas import override_read
from dutydesk.team.service import team_zone
from dutydesk.terminal import (
    Wrap,
    cli_actor,
    print_json,
    print_table,
    runtime_of,
    stdout,
    table_time,
)
from dutydesk.timeparse import local_text, parse_time

TIME_HELP = "ISO 8601; without an offset it is the team's local time."
override_app = typer.Typer(
    no_args_is_help=True, help="Put someone on a rota in place of whoever is scheduled."
)


@override_app.command("add")
def override_add(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota.")],
    person: Annotated[str, typer.Option("--person", "-p", help="Who goes on call.")],
    from_: Annotated[str, typer.Option("--from", help=f"Start. {TIME_HELP}")],
    until: Annotated[str, typer.Option("--until", "--to", help=f"End. {TIME_HELP}")],
    note: Annotated[str | None, typer.Option(help="Why (shown to the team).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Put PERSON on ROTA between two times, whatever the layers say."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        created = overrides.add_override(
            session,
            rota_id=rota,
            person_id=person,
            start=parse_time(from_, zone, now, field="--from"),
            end=parse_time(until, zone, now, field="--until"),
            note=note,
            actor=cli_actor(),
            now=now,
        )
        session.commit()
    if as_json:
        print_json(override_read(created, zone).model_dump(mode="json", by_alias=True))
        return
    stdout.print(
        f"Override {created.id}: {person} on {rota} from {local_text(created.start_at, zone)}"
        f" until {local_text(created.end_at, zone)}",
        markup=False,
    )


@override_app.command("list")
def override_list(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota.")],
    include_past: Annotated[
        bool, typer.Option("--all", help="Include overrides already over.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """A rota's overrides (those not yet over, unless --all)."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        found = overrides.list_overrides(session, rota, start=None if include_past else now)
    if as_json:
        print_json([override_read(o, zone).model_dump(mode="json", by_alias=True) for o in found])
        return
    print_table(
        f"Overrides on {rota} ({zone.key})",
        ("Id", "Person", "From", "Until", Wrap("Note")),
        (
            (
                str(o.id),
                o.person_id,
                table_time(o.start_at, zone, now),
                table_time(o.end_at, zone, now),
                o.note or "",
            )
            for o in found
        ),
    )


@override_app.command("remove")
def override_remove(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota.")],
    override_id: Annotated[int, typer.Argument(help="The override's id (see `override list`).")],
) -> None:
    """Remove an override."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        removed = overrides.remove_override(
            session, rota, override_id, actor=cli_actor(), now=runtime.clock.now()
        )
        session.commit()
    stdout.print(f"Removed override {removed.id} ({removed.person_id} on {rota}).", markup=False)
