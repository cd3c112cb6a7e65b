"""Pydantic shapes of tickets for the API and `--json`: times in the team's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.tickets.models import Ticket, TicketMessage, TicketPriorityChange
from dutydesk.tickets.reports import TicketReport
from dutydesk.timeparse import in_zone

Priority = Literal["P1", "P2", "P3", "P4"]
Status = Literal["new", "open", "pending", "solved", "closed"]


class AnswerRead(BaseModel):
    """The answer a ticket owes: which, by when, and whether its clock is paused."""

    owed: Literal["first_response", "update"] | None = Field(
        description="None once the ticket is solved or closed."
    )
    due_at: datetime | None = Field(description="None while paused (pending) or stopped.")
    paused: bool
    breached_at: datetime | None = Field(description="When an answer first came overdue.")


class TicketRead(BaseModel):
    """A ticket as the queue lists it."""

    id: int
    subject: str
    tenant: str | None
    requester_email: str | None
    requester_name: str | None
    status: Status
    priority: Priority | None = Field(description="None until triage gives one.")
    assignee: str | None
    source: str
    external_url: str | None
    created_at: datetime
    updated_at: datetime
    answer: AnswerRead


class MessageRead(BaseModel):
    """One message of a ticket's thread."""

    id: int
    kind: Literal["tenant", "reply", "note"] = Field(
        description="tenant: the tenant's; reply: the team's public reply; note: internal."
    )
    author_person: str | None
    author_email: str | None
    author_name: str | None
    body_text: str
    created_at: datetime


class PriorityChangeRead(BaseModel):
    """Who gave the ticket a priority, and why."""

    old: Priority | None
    new: Priority
    changed_by: str
    reason: str
    changed_at: datetime


class TicketDetail(TicketRead):
    """A ticket with its thread (internal notes included), followers and triage history."""

    messages: list[MessageRead]
    followers: list[str]
    priority_changes: list[PriorityChangeRead]


class TicketCreate(BaseModel):
    """A ticket opened by staff on a tenant's behalf."""

    subject: str
    body: str = Field(description="The tenant's request.")
    requester_email: str | None = None
    requester_name: str | None = None
    tenant: str | None = Field(default=None, description="None: from the requester's address.")
    priority: Priority | None = None


class ReplyCreate(BaseModel):
    """A public reply; `status` moves the ticket at the same time (pending, solved …)."""

    body: str
    status: Literal["open", "pending", "solved", "closed"] | None = None


class NoteCreate(BaseModel):
    """An internal note."""

    body: str


class PriorityChange(BaseModel):
    """Triage: a priority and why."""

    priority: Priority
    reason: str


class StatusChange(BaseModel):
    """A new status."""

    status: Literal["open", "pending", "solved", "closed"]


class AssigneeChange(BaseModel):
    """Who picks the ticket up (null: nobody)."""

    person: str | None


class FollowerAdd(BaseModel):
    """Someone to involve."""

    person: str


def ticket_read(ticket: Ticket, zone: ZoneInfo) -> TicketRead:
    """A ticket with times in the team's zone."""
    return TicketRead(**_ticket_fields(ticket, zone))


def ticket_detail(
    ticket: Ticket,
    messages: list[TicketMessage],
    followers: list[str],
    changes: list[TicketPriorityChange],
    zone: ZoneInfo,
) -> TicketDetail:
    """A ticket with its thread, followers and triage history."""
    return TicketDetail(
        **_ticket_fields(ticket, zone),
        messages=[message_read(message, zone) for message in messages],
        followers=followers,
        priority_changes=[
            PriorityChangeRead(
                old=c.old,
                new=c.new,
                changed_by=c.changed_by,
                reason=c.reason,
                changed_at=c.changed_at.astimezone(zone),
            )
            for c in changes
        ],
    )


def message_read(message: TicketMessage, zone: ZoneInfo) -> MessageRead:
    """A message of a thread with its time in the team's zone."""
    return MessageRead(
        id=message.id,
        kind=message.kind,
        author_person=message.author_person_id,
        author_email=message.author_email,
        author_name=message.author_name,
        body_text=message.body_text,
        created_at=message.created_at.astimezone(zone),
    )


def _ticket_fields(ticket: Ticket, zone: ZoneInfo) -> dict[str, object]:
    return {
        "id": ticket.id,
        "subject": ticket.subject,
        "tenant": ticket.tenant_id,
        "requester_email": ticket.requester_email,
        "requester_name": ticket.requester_name,
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id,
        "source": ticket.source,
        "external_url": ticket.external_url,
        "created_at": ticket.created_at.astimezone(zone),
        "updated_at": ticket.updated_at.astimezone(zone),
        "answer": AnswerRead(
            owed=ticket.clock_kind,
            due_at=in_zone(ticket.answer_due_at, zone),
            paused=ticket.clock_kind is not None and ticket.clock_running_since is None,
            breached_at=in_zone(ticket.breached_at, zone),
        ),
    }


class ResponseTimesRead(BaseModel):
    """First responses of one priority's tickets, as its target counts time, in seconds."""

    priority: str
    tickets: int
    answered: int
    within_target: int
    p50_seconds: float | None
    p90_seconds: float | None
    p95_seconds: float | None
    longest_seconds: float | None


class TicketReportRead(BaseModel):
    """The figures of [since, until): response times, breaches, tickets per tenant per week."""

    since: datetime
    until: datetime
    responses: list[ResponseTimesRead]
    breaches: dict[str, int] = Field(description="Answers that came overdue, by priority.")
    per_tenant_week: dict[str, dict[str, int]] = Field(
        description="Tenant (or none) → the Monday of the week → tickets that arrived."
    )


def report_read(report: TicketReport, zone: ZoneInfo) -> TicketReportRead:
    """A report with its times in the team's zone and durations in seconds."""

    def seconds(value: timedelta | None) -> float | None:
        return None if value is None else value.total_seconds()

    return TicketReportRead(
        since=report.since.astimezone(zone),
        until=report.until.astimezone(zone),
        responses=[
            ResponseTimesRead(
                priority=r.priority,
                tickets=r.tickets,
                answered=r.answered,
                within_target=r.within_target,
                p50_seconds=seconds(r.percentiles.get(50)),
                p90_seconds=seconds(r.percentiles.get(90)),
                p95_seconds=seconds(r.percentiles.get(95)),
                longest_seconds=seconds(r.longest),
            )
            for r in report.responses
        ],
        breaches=report.breaches,
        per_tenant_week={
            tenant: {monday.isoformat(): count for monday, count in weeks.items()}
            for tenant, weeks in report.per_tenant_week.items()
        },
    )
