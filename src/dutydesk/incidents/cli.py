"""`dutydesk incident …`: declare an incident, hand its roles over, write its timeline, record
tenant updates and checks, move its status, export its timeline."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.incidents import links, review, service, timeline
from dutydesk.incidents.export import FORMATS, timeline_file
from dutydesk.incidents.models import ROLE_NAMES
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.schemas import incident_detail, incident_read
from dutydesk.incidents.views import view_incident
from dutydesk.tasks.service import NewTask
from dutydesk.team.service import team_zone
from dutydesk.terminal import Wrap, cli_actor, print_json, print_table, runtime_of
from dutydesk.timeparse import local_text, parse_time

incident_app = typer.Typer(
    no_args_is_help=True, help="Incidents: declare, roles, timeline, tenant updates, status."
)
AS_JSON = typer.Option("--json", help="JSON for scripts.")
AS = typer.Option("--as", help="Your person id (for the roles the rotas give).")
Number = Annotated[int, typer.Argument(metavar="NUMBER")]


@incident_app.command("list")
def incident_list(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="active, mitigated, resolved, reviewed (default open)."),
    ] = None,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Incidents, the newest first: the open ones unless --status."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        chosen = tuple(status) if status else ("active", "mitigated")
        reads = [
            incident_read(i, zone, runtime.settings.base_url)
            for i in service.list_incidents(session, statuses=chosen)
        ]
    if as_json:
        print_json([r.model_dump(mode="json") for r in reads])
        return
    print_table(
        "Incidents",
        ("#", "Pri", "Status", Wrap("Title"), "Declared"),
        (
            (str(r.id), r.priority, r.status, r.title, local_text(r.declared_at, zone))
            for r in reads
        ),
    )


@incident_app.command("declare")
def incident_declare(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is wrong, in a few words.")],
    priority: Annotated[str, typer.Option(help="P1, P2, P3 or P4.")] = "P2",
    alert: Annotated[list[int] | None, typer.Option(help="An alert to link (repeat).")] = None,
    ticket: Annotated[list[int] | None, typer.Option(help="A ticket to link (repeat).")] = None,
    lead: Annotated[
        str | None, typer.Option(help="The incident lead (default: the engineer on support).")
    ] = None,
    person: Annotated[str | None, AS] = None,
) -> None:
    """Declare an incident: roles from the rotas, their holders told, the channel posted to."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        incident = service.declare(
            session,
            incident_policy(session),
            service.Declaration(
                title=title,
                priority=priority,
                source="cli",
                alert_ids=alert or (),
                ticket_ids=ticket or (),
                lead=lead,
            ),
            actor=person or cli_actor(),
            person_id=person,
            now=runtime.clock.now(),
            base_url=runtime.settings.base_url,
        )
        session.commit()
        view = view_incident(session, incident.id)
        typer.echo(f"Declared incident {incident.id} ({incident.priority}): {incident.title}")
        for role, row in view.current_roles.items():
            typer.echo(f"{ROLE_NAMES[role]}: {view.name(row.person_id)} ({row.reason})")
        typer.echo(f"{runtime.settings.base_url}/incidents/{incident.id}")


@incident_app.command("show")
def incident_show(
    ctx: typer.Context, incident_id: Number, as_json: Annotated[bool, AS_JSON] = False
) -> None:
    """An incident: its roles, links and timeline."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        view = view_incident(session, incident_id)
        detail = incident_detail(view, zone, runtime.settings.base_url)
    if as_json:
        print_json(detail.model_dump(mode="json"))
        return
    typer.echo(f"Incident {detail.id} ({detail.priority}, {detail.status}): {detail.title}")
    for role, row in view.current_roles.items():
        typer.echo(f"{ROLE_NAMES[role]}: {view.name(row.person_id)}")
    if detail.alerts:
        typer.echo("Alerts: " + ", ".join(str(a) for a in detail.alerts))
    if detail.tickets:
        typer.echo("Tickets: " + ", ".join(f"#{t}" for t in detail.tickets))
    for entry in detail.timeline:
        pin = " (pinned)" if entry.pinned else ""
        typer.echo(f"{local_text(entry.occurred_at, zone)}{pin} [{entry.kind}] {entry.text}")


@incident_app.command("status")
def incident_status(
    ctx: typer.Context,
    incident_id: Number,
    status: Annotated[str, typer.Argument(help="active, mitigated or resolved.")],
    person: Annotated[str | None, AS] = None,
) -> None:
    """Move an incident: mitigated, resolved (its linked tickets' tenants are told), or active."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        service.set_status(
            session,
            incident_policy(session),
            incident,
            status,
            actor=person or cli_actor(),
            now=runtime.clock.now(),
            base_url=runtime.settings.base_url,
        )
        session.commit()
    typer.echo(f"Incident {incident_id} is {status} now.")


@incident_app.command("priority")
def incident_priority(
    ctx: typer.Context,
    incident_id: Number,
    priority: Annotated[str, typer.Argument(help="P1, P2, P3 or P4.")],
    person: Annotated[str | None, AS] = None,
) -> None:
    """Change an incident's priority; the update cadence follows."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        service.set_priority(
            session,
            incident_policy(session),
            incident,
            priority,
            actor=person or cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Incident {incident_id} is {priority} now.")


@incident_app.command("role")
def incident_role(
    ctx: typer.Context,
    incident_id: Number,
    role: Annotated[str, typer.Argument(help="lead, comms or escalation.")],
    to: Annotated[str, typer.Argument(help="The person id taking it over.")],
    person: Annotated[str | None, AS] = None,
) -> None:
    """Hand a role over: the new holder is told."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        service.hand_over(
            session,
            incident,
            role,
            to,
            actor=person or cli_actor(),
            now=runtime.clock.now(),
            base_url=runtime.settings.base_url,
        )
        session.commit()
    typer.echo(f"{to} has the role {role} of incident {incident_id} now.")


@incident_app.command("escalate")
def incident_escalate(
    ctx: typer.Context, incident_id: Number, person: Annotated[str | None, AS] = None
) -> None:
    """Call in the escalation contact: they are paged through their notification rules."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        called = service.call_escalation(
            session,
            service.get_incident(session, incident_id),
            actor=person or cli_actor(),
            now=runtime.clock.now(),
            base_url=runtime.settings.base_url,
        )
        session.commit()
        typer.echo(f"Paging {called.name}, the escalation contact of incident {incident_id}.")


@incident_app.command("note")
def incident_note(
    ctx: typer.Context,
    incident_id: Number,
    text: Annotated[str, typer.Argument(help="What happened.")],
    at: Annotated[
        str | None, typer.Option(help="When it happened (team time; default now).")
    ] = None,
    person: Annotated[str | None, AS] = None,
) -> None:
    """A timeline entry, backfilled with --at."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        occurred = parse_time(at, team_zone(session), now, field="--at") if at else now
        timeline.add_entry(
            session,
            service.get_incident(session, incident_id),
            text,
            occurred_at=occurred,
            actor=person or cli_actor(),
            now=now,
        )
        session.commit()
    typer.echo(f"Added to the timeline of incident {incident_id}.")


@incident_app.command("update")
def incident_update(
    ctx: typer.Context,
    incident_id: Number,
    text: Annotated[str, typer.Argument(help="What tenants were told.")],
    person: Annotated[str | None, AS] = None,
) -> None:
    """Record an update sent to tenants: the update cadence starts again."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.record_update(
            session,
            incident_policy(session),
            service.get_incident(session, incident_id, lock=True),
            text,
            actor=person or cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Recorded the tenant update of incident {incident_id}.")


@incident_app.command("check")
def incident_check(
    ctx: typer.Context,
    incident_id: Number,
    answer: Annotated[str, typer.Argument(help="ok, or help.")],
    note: Annotated[str, typer.Option(help="What they said.")] = "",
    person: Annotated[str | None, AS] = None,
) -> None:
    """Answer the check on the engineer: ok, or help (the escalation contact is told)."""
    if answer not in ("ok", "help"):
        raise Invalid("answer: ok, or help")
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.answer_check(
            session,
            incident_policy(session),
            service.get_incident(session, incident_id, lock=True),
            all_ok=answer == "ok",
            note=note,
            actor=person or cli_actor(),
            now=runtime.clock.now(),
            base_url=runtime.settings.base_url,
        )
        session.commit()
    typer.echo(f"Recorded the check on incident {incident_id}: {answer}.")


@incident_app.command("link")
def incident_link(
    ctx: typer.Context,
    incident_id: Number,
    alert: Annotated[int | None, typer.Option(help="An alert's number.")] = None,
    ticket: Annotated[int | None, typer.Option(help="A ticket's number.")] = None,
    person: Annotated[str | None, AS] = None,
) -> None:
    """Attach an alert or a ticket to an incident."""
    if (alert is None) == (ticket is None):
        raise Invalid("give one of --alert or --ticket")
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        actor, now = person or cli_actor(), runtime.clock.now()
        if alert is not None:
            links.link_alert(session, incident, alert, actor=actor, now=now)
        else:
            assert ticket is not None
            links.link_ticket(session, incident, ticket, actor=actor, now=now)
        session.commit()
    typer.echo(f"Linked to incident {incident_id}.")


@incident_app.command("export")
def incident_export(
    ctx: typer.Context,
    incident_id: Number,
    format: Annotated[str, typer.Option(help="markdown, csv or json.")] = "markdown",
) -> None:
    """The timeline, in the order things happened, on standard output."""
    if format not in FORMATS:
        raise Invalid(f"--format: one of {', '.join(FORMATS)}")
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        file = timeline_file(session, incident_id, team_zone(session), format)
    typer.echo(file.text, nl=False)


@incident_app.command("review")
def incident_review(
    ctx: typer.Context,
    incident_id: Number,
    what_happened: Annotated[str, typer.Option("--what-happened", help="Markdown.")],
    impact: Annotated[str, typer.Option(help="Who was affected, how badly.")] = "",
    went_well: Annotated[str, typer.Option("--went-well")] = "",
    went_badly: Annotated[str, typer.Option("--went-badly", help="What did not go well.")] = "",
    follow_up: Annotated[
        list[str] | None,
        typer.Option(
            "--follow-up", help='An action: "TITLE", "TITLE;OWNER" or "TITLE;OWNER;YYYY-MM-DD".'
        ),
    ] = None,
    person: Annotated[str | None, AS] = None,
) -> None:
    """Hold the review of a resolved incident: its follow-up actions become tasks."""
    actions = [_follow_up(text) for text in follow_up or ()]
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        _, tasks = review.hold_review(
            session,
            incident_policy(session),
            service.get_incident(session, incident_id, lock=True),
            {
                "what_happened": what_happened,
                "impact": impact,
                "went_well": went_well,
                "went_badly": went_badly,
            },
            actions,
            actor=person or cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
        for task in tasks:
            typer.echo(f"Task {task.id}: {task.title}")
    typer.echo(f"Incident {incident_id} is reviewed.")


def _follow_up(text: str) -> NewTask:
    title, _, rest = text.partition(";")
    owner, _, due = rest.partition(";")
    try:
        due_on = date.fromisoformat(due.strip()) if due.strip() else None
    except ValueError:
        raise Invalid(f"--follow-up: {due.strip()!r} is not a date (YYYY-MM-DD)") from None
    return NewTask(title.strip(), owner_id=owner.strip() or None, due_on=due_on)
