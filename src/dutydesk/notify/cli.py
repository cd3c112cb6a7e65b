"""`dutydesk deliveries` (the delivery log) and `dutydesk webhook secret`."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.channels.webhook import check_url
from dutydesk.notify.schemas import delivery_read
from dutydesk.notify.signing import webhook_secret
from dutydesk.team.service import find_team, team_zone
from dutydesk.terminal import Wrap, print_json, print_table, runtime_of, stdout, table_time

webhook_app = typer.Typer(no_args_is_help=True, help="Outgoing webhooks.")


def deliveries(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option(help="Only messages that are pending, sent, failed or dead.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (newest first).")] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON for scripts, with every attempt.")
    ] = False,
) -> None:
    """The delivery log: messages in the outbox, their state and their last error."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        # The team's zone when there is a team; messages can be sent before one is set up.
        zone = team_zone(session) if find_team(session) is not None else ZoneInfo("UTC")
        messages = service.list_deliveries(session, status=status, limit=limit)
        log = service.attempts_of(session, [m.id for m in messages])
    reads = [delivery_read(m, log[m.id]) for m in messages]
    if as_json:
        print_json([r.model_dump(mode="json") for r in reads])
        return
    print_table(
        f"Deliveries ({zone.key})",
        ("Id", "Channel", Wrap("To"), Wrap("Subject and last error"), "Status", "Next/sent"),
        (
            (
                str(r.id),
                r.channel,
                r.destination,
                # Under the subject rather than a column of its own: eight columns in 80
                # characters would leave each text a few letters wide.
                r.subject + (f"\nError: {r.last_error}" if r.last_error else ""),
                f"{r.status} ({r.attempts})" if r.attempts else r.status,
                table_time(r.sent_at if r.status == "sent" else r.due_at, zone, now)
                if r.status != "dead"
                else "—",
            )
            for r in reads
        ),
    )


@webhook_app.command("secret")
def webhook_secret_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The receiver's URL, exactly as messages use it.")],
) -> None:
    """The secret a webhook receiver at URL verifies Dutydesk-Signature headers with."""
    check_url(url)
    runtime = runtime_of(ctx)
    stdout.print(webhook_secret(runtime.secret_key(), url), markup=False)
