"""`dutydesk ticket …`: the queue, a ticket's thread, and answering and triaging it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.team.service import team_zone
from dutydesk.terminal import Wrap, cli_actor, print_json, print_table, runtime_of, table_time
from dutydesk.tickets import service
from dutydesk.tickets.reports import ticket_report
from dutydesk.tickets.schemas import report_read, ticket_detail, ticket_read
from dutydesk.tickets.support import support_policy
from dutydesk.timeparse import check_range, duration_text, local_text, parse_time

ticket_app = typer.Typer(
    no_args_is_help=True, help="Tenant tickets: the queue, replies, notes, triage."
)
AS_JSON = typer.Option("--json", help="JSON for scripts.")


@ticket_app.command("list")
def ticket_list(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="new, open, pending, solved, closed.")
    ] = None,
    priority: Annotated[str | None, typer.Option(help="P1, P2, P3 or P4.")] = None,
    tenant: Annotated[str | None, typer.Option(help="A tenant's id.")] = None,
    mine: Annotated[str | None, typer.Option("--assignee", help="A person's id.")] = None,
    unassigned: Annotated[bool, typer.Option(help="Only tickets nobody has picked up.")] = False,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """The queue (new, open and pending unless --status), the answer due soonest first."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    queue = service.Queue(
        statuses=tuple(status) if status else service.Queue.statuses,
        priority=priority,
        tenant_id=tenant,
        assignee_id=mine,
        unassigned=unassigned,
    )
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        reads = [ticket_read(t, zone) for t in service.list_tickets(session, queue)]
    if as_json:
        print_json([r.model_dump(mode="json") for r in reads])
        return
    print_table(
        "Tickets",
        ("#", "Pri", "Status", "Tenant", Wrap("Subject"), "Assignee", "Answer due"),
        (
            (
                str(r.id),
                r.priority or "—",
                r.status,
                r.tenant or "—",
                r.subject,
                r.assignee or "—",
                "paused" if r.answer.paused else table_time(r.answer.due_at, zone, now),
            )
            for r in reads
        ),
    )


@ticket_app.command("show")
def ticket_show(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """A ticket and its thread, internal notes included."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        ticket = service.get_ticket(session, ticket_id)
        detail = ticket_detail(
            ticket,
            list(service.thread_of(session, ticket_id)),
            service.followers_of(session, ticket_id),
            list(service.priority_changes(session, ticket_id)),
            zone,
        )
    if as_json:
        print_json(detail.model_dump(mode="json"))
        return
    due = detail.answer.due_at
    typer.echo(f"#{detail.id} {detail.subject}")
    typer.echo(
        f"{detail.status}, {detail.priority or 'untriaged'}, tenant {detail.tenant or '—'},"
        f" assigned to {detail.assignee or 'nobody'}"
    )
    if detail.answer.owed is not None:
        when = "paused" if detail.answer.paused else (local_text(due, zone) if due else "—")
        typer.echo(f"Owes its {detail.answer.owed.replace('_', ' ')}: {when}")
    for message in detail.messages:
        who = message.author_person or message.author_name or message.author_email or "?"
        typer.echo(f"\n— {message.kind} from {who}, {local_text(message.created_at, zone)}")
        typer.echo(message.body_text)


@ticket_app.command("open")
def ticket_open(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="What it is about.")],
    body: Annotated[str, typer.Option("--body", help="The tenant's request.")],
    requester: Annotated[
        str | None, typer.Option("--from", help="The requester's e-mail address.")
    ] = None,
    tenant: Annotated[
        str | None, typer.Option(help="The tenant (default: the requester's).")
    ] = None,
    priority: Annotated[str | None, typer.Option(help="P1 to P4 (default: untriaged).")] = None,
) -> None:
    """Open a ticket on a tenant's behalf."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        ticket = service.open_ticket(
            session,
            support_policy(session),
            subject=subject,
            first=service.Incoming(body, author_email=requester),
            source="cli",
            actor=cli_actor(),
            now=runtime.clock.now(),
            tenant_id=tenant,
            priority=priority,
        )
        session.commit()
        typer.echo(f"Opened ticket #{ticket.id}.")


@ticket_app.command("reply")
def ticket_reply(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    body: Annotated[str, typer.Argument(help="The reply the tenant reads.")],
    status: Annotated[
        str | None, typer.Option(help="Move the ticket too: pending, solved, closed.")
    ] = None,
    person: Annotated[str | None, typer.Option("--as", help="Your person id.")] = None,
) -> None:
    """A public reply, mailed to the requester."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.reply(
            session,
            support_policy(session),
            service.get_ticket(session, ticket_id),
            body,
            actor=person or cli_actor(),
            person_id=person,
            now=runtime.clock.now(),
            status=status,
        )
        session.commit()
    typer.echo(f"Replied on ticket #{ticket_id}.")


@ticket_app.command("note")
def ticket_note(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    body: Annotated[str, typer.Argument(help="The note; the tenant never sees it.")],
    person: Annotated[str | None, typer.Option("--as", help="Your person id.")] = None,
) -> None:
    """An internal note."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.add_note(
            session,
            service.get_ticket(session, ticket_id),
            body,
            actor=person or cli_actor(),
            person_id=person,
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Noted on ticket #{ticket_id}.")


@ticket_app.command("priority")
def ticket_priority(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    priority: Annotated[str, typer.Argument(help="P1, P2, P3 or P4.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the change).")],
) -> None:
    """Triage: give a ticket its priority, saying why; its clock takes that priority's target."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        ticket = service.get_ticket(session, ticket_id)
        service.set_priority(
            session,
            support_policy(session),
            ticket,
            priority,
            reason=reason,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Ticket #{ticket_id} is {priority}.")


@ticket_app.command("status")
def ticket_status(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    status: Annotated[str, typer.Argument(help="open, pending, solved or closed.")],
) -> None:
    """Move a ticket: pending pauses its clock, open resumes it, solved and closed stop it."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.set_status(
            session,
            support_policy(session),
            service.get_ticket(session, ticket_id),
            status,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Ticket #{ticket_id} is {status}.")


@ticket_app.command("assign")
def ticket_assign(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    person: Annotated[
        str | None, typer.Argument(help="A person's id; leave out for nobody.")
    ] = None,
) -> None:
    """Pick a ticket up for someone, or give it back."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.assign(
            session,
            service.get_ticket(session, ticket_id),
            person,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Ticket #{ticket_id} is {person or 'nobody'}'s.")


@ticket_app.command("follow")
def ticket_follow(
    ctx: typer.Context,
    ticket_id: Annotated[int, typer.Argument(metavar="NUMBER")],
    person: Annotated[str, typer.Argument(help="A person's id.")],
) -> None:
    """Involve someone: they are told of the ticket's replies and changes."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        added = service.follow(
            session,
            service.get_ticket(session, ticket_id),
            person,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"{person} follows ticket #{ticket_id}{'' if added else ' already'}.")


@ticket_app.command("report")
def ticket_report_command(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Start (ISO 8601); default 4 weeks ago.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="End (ISO 8601); default now.")] = None,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """First-response percentiles per priority, overdue answers, tickets per tenant per week."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        end = parse_time(until, zone, now, field="--until") if until else now
        start = parse_time(since, zone, now, field="--since") if since else end - timedelta(weeks=4)
        check_range(start, end, longest=timedelta(days=800), names=("--since", "--until"))
        read = report_read(ticket_report(session, support_policy(session), zone, start, end), zone)
    if as_json:
        print_json(read.model_dump(mode="json"))
        return
    print_table(
        f"First responses, {local_text(start, zone)} – {local_text(end, zone)}",
        ("Priority", "Tickets", "Answered", "Within target", "p50", "p90", "p95", "Longest"),
        (
            (
                r.priority,
                str(r.tickets),
                str(r.answered),
                str(r.within_target),
                *(_span(value) for value in (r.p50_seconds, r.p90_seconds, r.p95_seconds)),
                _span(r.longest_seconds),
            )
            for r in read.responses
        ),
    )
    overdue = ", ".join(f"{p}: {n}" for p, n in sorted(read.breaches.items())) or "none"
    typer.echo(f"Answers that came overdue: {overdue}")
    print_table(
        "Tickets per tenant per week",
        ("Tenant", "Week of", "Tickets"),
        (
            (tenant, monday, str(count))
            for tenant, weeks in read.per_tenant_week.items()
            for monday, count in weeks.items()
        ),
    )


def _span(seconds: float | None) -> str:
    return "—" if seconds is None else duration_text(timedelta(seconds=seconds))
