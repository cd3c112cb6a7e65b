"""`dutydesk alert …`: raise, list, show and act on alerts. Here, above alerts, because an alert
is shown with the pages sent for its group."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from dutydesk.alerts import actions
from dutydesk.alerts import service as alerts
from dutydesk.alerts.schemas import alert_read
from dutydesk.db import unit_of_work
from dutydesk.escalation.schemas import alert_detail
from dutydesk.escalation.service import pages_for
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
from dutydesk.text import one_line
from dutydesk.timeparse import parse_duration

alert_app = typer.Typer(no_args_is_help=True, help="Alerts: raise one, list, acknowledge, resolve.")

AlertId = Annotated[int, typer.Argument(help="The alert's id (see `alert list`).")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON for scripts.")]


@alert_app.command("trigger")
def alert_trigger(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help="The service's id (from the team file).")],
    summary: Annotated[str, typer.Option(help="What is wrong (up to 1024 characters).")],
    severity: Annotated[str, typer.Option(help="critical, error, warning or info.")] = "critical",
    source: Annotated[
        str | None, typer.Option(help="The affected system; default: this host's name.")
    ] = None,
    dedup_key: Annotated[
        str | None,
        typer.Option(help="Deduplicate by this key (up to 255 characters); default: a new one."),
    ] = None,
) -> None:
    """Raise an alert on SERVICE, deduplicated by key as the Events API does."""
    runtime = runtime_of(ctx)
    fields = alerts.AlertFields(
        summary=summary, source=source or socket.gethostname(), severity=severity
    )
    with unit_of_work(runtime.sessions) as session:
        alert, created = alerts.trigger_on_service(
            session, service, dedup_key, fields, runtime.clock.now(), actor=cli_actor()
        )
        session.commit()
    what = "Opened" if created else "Added the event to open"
    typer.echo(f"{what} alert {alert.id} on {service}, dedup key:", err=True)
    typer.echo(f"{alert.id} {alert.dedup_key}")


@alert_app.command("list")
def alert_list(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(help="triggered, acknowledged or resolved; default: the open ones."),
    ] = None,
    service: Annotated[str | None, typer.Option(help="Only this service's alerts.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 100,
    as_json: AsJson = False,
) -> None:
    """Alerts, newest first: the open ones (triggered and acknowledged) unless --status says."""
    runtime = runtime_of(ctx)
    statuses = alerts.OPEN_STATUSES if status is None else (status,)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        found = alerts.list_alerts(session, statuses=statuses, service_id=service, limit=limit)
        reads = [alert_read(alert, zone) for alert in found]
    if as_json:
        print_json([read.model_dump(mode="json", by_alias=True) for read in reads])
        return
    print_table(
        "Alerts",
        ("Id", "Opened", "Service", "Status", "Severity", Wrap("Summary")),
        (
            (
                str(r.id),
                table_time(r.created_at, zone, now),
                r.service,
                r.status,
                r.severity,
                # A sender's line breaks and escapes stay out of the table; the event count
                # only when there is more than one, to leave the summary room.
                one_line(r.summary) + (f" ({r.event_count} events)" if r.event_count > 1 else ""),
            )
            for r in reads
        ),
    )


@alert_app.command("show")
def alert_show(ctx: typer.Context, alert_id: AlertId, as_json: AsJson = False) -> None:
    """One alert with its log: every event and action, oldest first."""
    _act(ctx, lambda session, _now: alerts.view_alert(session, alert_id), as_json, None)


@alert_app.command("ack")
def alert_ack(ctx: typer.Context, alert_id: AlertId) -> None:
    """Acknowledge an alert: you are on it. A resolved alert cannot be acknowledged."""
    _act(
        ctx,
        lambda session, now: alerts.acknowledge_alert(session, alert_id, now, actor=cli_actor()),
        False,
        f"Alert {alert_id} is acknowledged.",
    )


@alert_app.command("resolve")
def alert_resolve(ctx: typer.Context, alert_id: AlertId) -> None:
    """Resolve an alert: the problem is over."""
    _act(
        ctx,
        lambda session, now: alerts.resolve_alert(session, alert_id, now, actor=cli_actor()),
        False,
        f"Alert {alert_id} is resolved.",
    )


@alert_app.command("note")
def alert_note(
    ctx: typer.Context,
    alert_id: AlertId,
    text: Annotated[str, typer.Argument(help="The note (up to 2000 characters).")],
) -> None:
    """Add a note to an alert's log."""
    _act(
        ctx,
        lambda session, now: alerts.add_note(session, alert_id, text, now, actor=cli_actor()),
        False,
        f"Noted on alert {alert_id}.",
    )


@alert_app.command("snooze")
def alert_snooze(
    ctx: typer.Context,
    alert_id: AlertId,
    length: Annotated[
        str, typer.Option("--for", help="How long: 1m to 7d, like 30m, 4h or 1d.")
    ] = "1h",
) -> None:
    """Acknowledge an alert for a while; still unresolved then, it pages again."""
    duration = parse_duration(length, field="--for")
    _act(
        ctx,
        lambda session, now: actions.snooze_alert(
            session, alert_id, duration, now, actor=cli_actor()
        ),
        False,
        f"Alert {alert_id} is snoozed for {length}.",
    )


@alert_app.command("reassign")
def alert_reassign(
    ctx: typer.Context,
    alert_id: AlertId,
    person: Annotated[str, typer.Argument(help="The person's id (from the team file).")],
) -> None:
    """Give an alert (and its group) to someone: they are paged at once."""
    _act(
        ctx,
        lambda session, now: actions.reassign_alert(
            session, alert_id, person, now, actor=cli_actor()
        ),
        False,
        f"Alert {alert_id} is reassigned to {person}.",
    )


def _act(
    ctx: typer.Context,
    action: Callable[[Session, datetime], alerts.AlertView],
    as_json: bool,
    done: str | None,
) -> None:
    """Run one alert action in one transaction, then say what became of the alert."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions if done else runtime.read_sessions) as session:
        zone = team_zone(session)
        view = action(session, now)
        pages = pages_for(session, view.alert)
        session.commit()
        detail = alert_detail(view, pages, zone)
    if as_json:
        print_json(detail.model_dump(mode="json", by_alias=True))
        return
    if done:
        stdout.print(done, markup=False)
    a = detail
    # Wrapped at the terminal's width: a summary can be a whole paragraph.
    stdout.print(
        f"Alert {a.id} on {a.service}: {a.status}, {a.severity}: {one_line(a.summary)}"
        f" (dedup key {a.dedup_key}, {a.event_count} event(s))",
        markup=False,
        soft_wrap=False,
        overflow="fold",
    )
    if done is None:
        print_table(
            f"Log of alert {a.id}",
            ("At", "What", "Who", Wrap("Details")),
            (
                (table_time(e.at, zone, now), e.kind, e.actor, str(e.details.get("text", "")))
                for e in detail.log
            ),
        )
