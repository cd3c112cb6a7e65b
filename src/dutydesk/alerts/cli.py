"""`dutydesk integration …`: the keys monitoring sends alerts with."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from dutydesk.alerts import integrations
from dutydesk.db import unit_of_work
from dutydesk.team.service import find_team, team_zone
from dutydesk.terminal import (
    Wrap,
    cli_actor,
    print_json,
    print_table,
    runtime_of,
    stdout,
    table_time,
)

integration_app = typer.Typer(
    no_args_is_help=True, help="Integration keys (Events API v2 routing keys) of services."
)


@integration_app.command("add")
def integration_add(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help="The service's id (from the team file).")],
    name: Annotated[str, typer.Option(help="What sends with this key.")] = "events-api",
) -> None:
    """Issue an integration key for a service; it is shown once, only its hash is kept."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        key, plain = integrations.add_integration(
            session, service, name, runtime.clock.now(), actor=cli_actor()
        )
        session.commit()
    note = f"Integration {key.id} for service {service} ({name}). It is shown once; keep it safe:"
    typer.echo(note, err=True)
    typer.echo(plain)


@integration_app.command("list")
def integration_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Every integration key's id, service and name (never the key itself)."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        # Keys belong to services, which come with the team; UTC until there is one.
        zone = team_zone(session) if find_team(session) is not None else ZoneInfo("UTC")
        keys = integrations.list_integrations(session)
    rows = [
        {
            "id": key.id,
            "service": key.service_id,
            "name": key.name,
            "created_at": key.created_at.isoformat(timespec="seconds"),
            "revoked_at": key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else None,
        }
        for key in keys
    ]
    if as_json:
        print_json(rows)
        return
    print_table(
        "Integrations",
        ("Id", "Service", Wrap("Name"), "Created", "Revoked"),
        (
            (
                str(key.id),
                key.service_id,
                key.name,
                table_time(key.created_at, zone, now),
                table_time(key.revoked_at, zone, now) if key.revoked_at else "",
            )
            for key in keys
        ),
    )


@integration_app.command("revoke")
def integration_revoke(
    ctx: typer.Context, key_id: Annotated[int, typer.Argument(help="The integration's id.")]
) -> None:
    """Stop an integration key working: events sent with it get 404 from now on."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        integrations.revoke_integration(session, key_id, runtime.clock.now(), actor=cli_actor())
        session.commit()
    stdout.print(f"Revoked integration {key_id}.")
