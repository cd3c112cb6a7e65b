"""JSON routes of tickets for staff: every signed-in user reads the queue and the threads
(internal notes included); responders and admins change them."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query

from dutydesk.deps import CurrentUser, ReadSessionDep, Responder, SessionDep, TeamTimeDep
from dutydesk.tickets import service
from dutydesk.tickets.reports import ticket_report
from dutydesk.tickets.schemas import (
    AssigneeChange,
    FollowerAdd,
    MessageRead,
    NoteCreate,
    PriorityChange,
    ReplyCreate,
    StatusChange,
    TicketCreate,
    TicketDetail,
    TicketRead,
    TicketReportRead,
    message_read,
    report_read,
    ticket_detail,
    ticket_read,
)
from dutydesk.tickets.support import support_policy
from dutydesk.timeparse import check_range

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])
# A ticket's number as the database can hold it (PostgreSQL's integer): a larger one is a 422,
# not an overflow deep in the driver.
TicketNumber = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get("", response_model=list[TicketRead])
def list_tickets(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    status: Annotated[list[str] | None, Query(description="Default: new, open, pending.")] = None,
    priority: str | None = None,
    tenant: str | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    due_before: Annotated[
        str | None, Query(description="ISO 8601: only answers due before (overdue included).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[TicketRead]:
    """The queue: the answer due soonest first."""
    queue = service.Queue(
        statuses=tuple(status) if status else service.Queue.statuses,
        priority=priority,
        tenant_id=tenant,
        assignee_id=assignee,
        unassigned=unassigned,
        due_before=team_time.parse(due_before, field="due_before") if due_before else None,
        limit=limit,
    )
    return [ticket_read(t, team_time.zone) for t in service.list_tickets(session, queue)]


@router.get("/report", response_model=TicketReportRead)
def report(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    since: Annotated[str | None, Query(description="ISO 8601; default: 4 weeks ago.")] = None,
    until: Annotated[str | None, Query(description="ISO 8601; default: now.")] = None,
) -> TicketReportRead:
    """Response-time percentiles per priority, answers that came overdue, tickets per tenant
    per week, for tickets that arrived in [since, until)."""
    end = team_time.parse_or_now(until, field="until")
    start = team_time.parse(since, field="since") if since else end - timedelta(weeks=4)
    check_range(start, end, longest=timedelta(days=800), names=("since", "until"))
    found = ticket_report(session, support_policy(session), team_time.zone, start, end)
    return report_read(found, team_time.zone)


@router.post("", response_model=TicketDetail, status_code=201)
def open_ticket(
    body: TicketCreate, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> TicketDetail:
    """Open a ticket on a tenant's behalf; its tenant is the one given, else the requester's."""
    ticket = service.open_ticket(
        session,
        support_policy(session),
        subject=body.subject,
        first=service.Incoming(
            body.body, author_email=body.requester_email, author_name=body.requester_name
        ),
        source="api",
        actor=user.username,
        now=team_time.now,
        tenant_id=body.tenant,
        priority=body.priority,
    )
    session.commit()
    return _detail(session, ticket.id, team_time)


@router.get("/{ticket_id}", response_model=TicketDetail)
def get_ticket(
    ticket_id: TicketNumber, _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> TicketDetail:
    """A ticket with its thread, followers and triage history."""
    return _detail(session, ticket_id, team_time)


@router.post("/{ticket_id}/replies", response_model=MessageRead, status_code=201)
def reply(
    ticket_id: TicketNumber,
    body: ReplyCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> MessageRead:
    """A public reply, mailed to the requester; `status` moves the ticket at the same time."""
    ticket = service.get_ticket(session, ticket_id)
    message = service.reply(
        session,
        support_policy(session),
        ticket,
        body.body,
        actor=user.username,
        person_id=user.person_id,
        now=team_time.now,
        status=body.status,
    )
    session.commit()
    return message_read(message, team_time.zone)


@router.post("/{ticket_id}/notes", response_model=MessageRead, status_code=201)
def add_note(
    ticket_id: TicketNumber,
    body: NoteCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> MessageRead:
    """An internal note: staff see it, the tenant never does."""
    ticket = service.get_ticket(session, ticket_id)
    note = service.add_note(
        session, ticket, body.body, actor=user.username, person_id=user.person_id, now=team_time.now
    )
    session.commit()
    return message_read(note, team_time.zone)


@router.post("/{ticket_id}/priority", response_model=TicketDetail)
def set_priority(
    ticket_id: TicketNumber,
    body: PriorityChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> TicketDetail:
    """Triage: a priority and why; the clock takes the priority's target."""
    ticket = service.get_ticket(session, ticket_id)
    service.set_priority(
        session,
        support_policy(session),
        ticket,
        body.priority,
        reason=body.reason,
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return _detail(session, ticket_id, team_time)


@router.post("/{ticket_id}/status", response_model=TicketDetail)
def set_status(
    ticket_id: TicketNumber,
    body: StatusChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> TicketDetail:
    """Pending pauses the clock, open resumes it, solved and closed stop it."""
    ticket = service.get_ticket(session, ticket_id)
    service.set_status(
        session,
        support_policy(session),
        ticket,
        body.status,
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return _detail(session, ticket_id, team_time)


@router.post("/{ticket_id}/assignee", response_model=TicketDetail)
def assign(
    ticket_id: TicketNumber,
    body: AssigneeChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> TicketDetail:
    """Pick the ticket up for someone (null: give it back)."""
    ticket = service.get_ticket(session, ticket_id)
    service.assign(session, ticket, body.person, actor=user.username, now=team_time.now)
    session.commit()
    return _detail(session, ticket_id, team_time)


@router.post("/{ticket_id}/followers", response_model=TicketDetail)
def follow(
    ticket_id: TicketNumber,
    body: FollowerAdd,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> TicketDetail:
    """Involve someone: they are told of replies and changes."""
    ticket = service.get_ticket(session, ticket_id)
    service.follow(session, ticket, body.person, actor=user.username, now=team_time.now)
    session.commit()
    return _detail(session, ticket_id, team_time)


def _detail(session: SessionDep, ticket_id: TicketNumber, team_time: TeamTimeDep) -> TicketDetail:
    ticket = service.get_ticket(session, ticket_id)
    return ticket_detail(
        ticket,
        list(service.thread_of(session, ticket_id)),
        service.followers_of(session, ticket_id),
        list(service.priority_changes(session, ticket_id)),
        team_time.zone,
    )
