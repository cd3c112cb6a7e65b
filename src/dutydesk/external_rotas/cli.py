"""`dutydesk rota refresh`, `rota confirm` and `rota feeds`: external rotas from the command
line (the `rota` group is the team as code's: team_as_code/rota_cli.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.external_rotas.due import refresh_external_rotas
from dutydesk.external_rotas.refresh import confirm_suspect, team_facts
from dutydesk.external_rotas.service import feed_status, feed_statuses
from dutydesk.team.service import get_team, team_zone
from dutydesk.terminal import (
    cli_actor,
    err,
    print_json,
    print_table,
    runtime_of,
    stdout,
    table_time,
)
from dutydesk.timeparse import duration_text


def rota_feeds(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """External rotas: where each feed comes from (redacted) and how its last refresh went."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        statuses = feed_statuses(session, now)
    if as_json:
        # The shape the rotas API gives as an external rota's status, with the rota and source.
        from dutydesk.external_rotas.schemas import feed_read

        print_json([feed_read(s).model_dump(mode="json") for s in statuses])
        return
    print_table(
        "External rotas",
        ("Rota", "Source", "Every", "Refreshed", "State"),
        (
            (
                s.rota_id,
                s.source,
                duration_text(s.refresh),
                table_time(s.last_success_at, zone, now) if s.last_success_at else "never",
                _state(s.failure_message, s.stale, s.suspect_since is not None),
            )
            for s in statuses
        ),
    )


def rota_refresh(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The external rota to fetch now.")],
) -> None:
    """Fetch an external rota's feed now and keep what it says (or say why it cannot)."""
    runtime = runtime_of(ctx)
    refresh_external_rotas(runtime, only=rota)
    with unit_of_work(runtime.read_sessions) as session:
        status = feed_status(session, rota, runtime.clock.now())
    assert status is not None, "refresh_external_rotas refuses a rota that is not external"
    if status.failure_message:
        raise typer.Exit(_fail(f"{rota}: {status.failure_message} (the last good copy stays)"))
    if status.suspect_since is not None:
        stdout.print(
            f"{rota}: the feed now puts nobody on call next week; the copy in use is kept until"
            f" someone confirms the new one (dutydesk rota confirm {rota})",
            markup=False,
        )
        return
    stdout.print(f"{rota}: refreshed, {status.events_read} events read.", markup=False)


def rota_confirm(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The external rota.")],
) -> None:
    """Use the feed's new copy that puts nobody on call next week, as it is."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        confirm_suspect(
            session,
            rota,
            team_facts(session, get_team(session)),
            cli_actor(),
            runtime.clock.now(),
        )
        session.commit()
    stdout.print(f"{rota}: the feed's new copy is in use.", markup=False)


def _state(failure: str | None, stale: bool, suspect: bool) -> str:
    states = [f"failing: {failure}" if failure else "", "stale" if stale else ""]
    states.append("new copy waits to be confirmed" if suspect else "")
    return "; ".join(state for state in states if state) or "ok"


def _fail(message: str) -> int:
    err(message)
    return 1
