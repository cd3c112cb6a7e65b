"""`dutydesk heartbeat …`: monitors that expect a ping every so often from a job."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.heartbeats import service
from dutydesk.heartbeats.schemas import heartbeat_read
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
from dutydesk.timeparse import duration_text, parse_duration

heartbeat_app = typer.Typer(
    no_args_is_help=True, help="Heartbeat monitors: a job pings; a missed ping raises an alert."
)


@heartbeat_app.command("add")
def heartbeat_add(
    ctx: typer.Context,
    service_id: Annotated[
        str, typer.Argument(metavar="SERVICE", help="The service's id (from the team file).")
    ],
    name: Annotated[str, typer.Argument(help="The job that pings, such as nightly-backup.")],
    every: Annotated[
        str, typer.Option("--every", help="How often the job pings: 10m, 1h, 1d, 1h30m.")
    ],
    grace: Annotated[
        str,
        typer.Option(
            "--grace", help="How late a ping may be before it is missed (0m: not at all)."
        ),
    ] = "5m",
) -> None:
    """Expect a ping on SERVICE every --every; prints the ping URL once (its secret is not kept)."""
    interval = parse_duration(every, field="--every")
    allowance = parse_duration(grace, field="--grace")
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        heartbeat, token = service.add_heartbeat(
            session, service_id, name, interval, allowance, runtime.clock.now(), actor=cli_actor()
        )
        session.commit()
    typer.echo(
        f"Heartbeat {heartbeat.id} ({name}) on service {service_id}: ping every"
        f" {duration_text(interval)} (grace {duration_text(allowance)}). The URL is shown once;"
        " keep it safe:",
        err=True,
    )
    typer.echo(service.ping_url(runtime.settings.base_url, token))


@heartbeat_app.command("list")
def heartbeat_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Every heartbeat: status (ok, late, missed, never pinged, revoked), last ping, next due."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        reads = [heartbeat_read(h, zone, now) for h in service.list_heartbeats(session)]
    if as_json:
        print_json([read.model_dump(mode="json") for read in reads])
        return
    print_table(
        "Heartbeats",
        ("Id", Wrap("Service/name"), "Every +grace", "Status", "Last ping", "Next due"),
        (
            (
                str(r.id),
                f"{r.service}/{r.name}",
                f"{duration_text(timedelta(seconds=r.interval_seconds))}"
                f" +{duration_text(timedelta(seconds=r.grace_seconds))}",
                r.status,
                table_time(r.last_ping_at, zone, now),
                "—" if r.revoked_at else table_time(r.due_at, zone, now),
            )
            for r in reads
        ),
    )


@heartbeat_app.command("revoke")
def heartbeat_revoke(
    ctx: typer.Context,
    heartbeat_id: Annotated[int, typer.Argument(metavar="ID", help="The heartbeat's id.")],
) -> None:
    """Stop a heartbeat: its URL answers 404 from now on and an open miss alert is resolved."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.revoke_heartbeat(session, heartbeat_id, runtime.clock.now(), actor=cli_actor())
        session.commit()
    stdout.print(f"Revoked heartbeat {heartbeat_id}.")
