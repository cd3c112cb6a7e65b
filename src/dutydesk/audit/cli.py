"""`dutydesk audit`: who changed rotas, overrides, swaps and cover, and when."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.audit import service
from dutydesk.audit.schemas import audit_read
from dutydesk.db import unit_of_work
from dutydesk.team.service import team_zone
from dutydesk.terminal import Wrap, print_json, print_table, runtime_of, table_time
from dutydesk.timeparse import parse_time

TIME_HELP = "ISO 8601; without an offset it is the team's local time."


def audit(
    ctx: typer.Context,
    rota: Annotated[str | None, typer.Option(help="Only changes to this rota.")] = None,
    person: Annotated[str | None, typer.Option(help="Only changes concerning this person.")] = None,
    since: Annotated[
        str | None, typer.Option(help=f"Only changes from then on. {TIME_HELP}")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help=f"Only changes before then. {TIME_HELP}")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = service.DEFAULT_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The audit log, newest first: every change to rotas, overrides, swaps and cover."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        found = service.list_entries(
            session,
            rota_id=rota,
            person_id=person,
            since=None if since is None else parse_time(since, zone, now, field="--since"),
            until=None if until is None else parse_time(until, zone, now, field="--until"),
            limit=limit,
        )
    if as_json:
        print_json([audit_read(r, zone).model_dump(mode="json") for r in found])
        return
    print_table(
        f"Audit log ({zone.key})",
        ("When", "Who", "What", "Rota", Wrap("Summary")),
        (
            (
                table_time(r.entry.at, zone, now),
                r.entry.actor,
                r.entry.action,
                r.entry.rota_id or "",
                r.entry.summary,
            )
            for r in found
        ),
    )
