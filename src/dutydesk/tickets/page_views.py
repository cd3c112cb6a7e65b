"""Read queries for the ticket pages and the dashboard's panel: tickets as the queue lists them
and one ticket with its thread, in a few queries whatever the number of rows (names are read
once per page, never per row).

Nothing here changes anything; the pages' forms call tickets.service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.untrusted import web_url
from dutydesk.audit.actors import actor_text
from dutydesk.audit.service import subject_history
from dutydesk.people.service import person_names
from dutydesk.tenants.models import Tenant
from dutydesk.tickets import service
from dutydesk.tickets.countdown import Countdown, countdown
from dutydesk.tickets.models import Ticket, TicketMessage, TicketPriorityChange

# The newest entries of a ticket's history shown on its page.
HISTORY_SHOWN = 100


@dataclass(frozen=True)
class Names:
    """People and tenants by id, to show names instead of ids."""

    people: dict[str, str]
    tenants: dict[str, str]

    def person(self, person_id: str | None) -> str:
        """A person's name (their id if they have left the team), or '' for nobody."""
        return self.people.get(person_id, person_id) if person_id else ""

    def tenant(self, tenant_id: str | None) -> str:
        """A tenant's name (its id if it has gone), or '' for none."""
        return self.tenants.get(tenant_id, tenant_id) if tenant_id else ""


def names(session: Session) -> Names:
    """Every person's and tenant's name: two queries for the whole page."""
    return Names(person_names(session), tenant_names(session))


def tenant_names(session: Session) -> dict[str, str]:
    """Each tenant's name by id, in the order of their names."""
    tenants = session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.name, Tenant.id))
    return {tenant_id: name for tenant_id, name in tenants}


def answer_countdown(ticket: Ticket, now: datetime) -> Countdown:
    """The countdown of the answer the ticket owes, from its clock's columns."""
    return countdown(
        ticket.answer_due_at,
        owed=ticket.clock_kind is not None,
        running=ticket.clock_running_since is not None,
        now=now,
    )


@dataclass(frozen=True)
class QueueRow:
    """A ticket as the queue and the dashboard list it."""

    ticket: Ticket
    tenant: str
    assignee: str
    countdown: Countdown


def queue_rows(tickets: Sequence[Ticket], known: Names, now: datetime) -> list[QueueRow]:
    """Rows for tickets already read: no query."""
    return [
        QueueRow(
            ticket,
            known.tenant(ticket.tenant_id),
            known.person(ticket.assignee_id),
            answer_countdown(ticket, now),
        )
        for ticket in tickets
    ]


@dataclass(frozen=True)
class ThreadItem:
    """One message of the thread, with who wrote it in words."""

    message: TicketMessage
    author: str

    @property
    def whole_text_differs(self) -> bool:
        """Whether the message as received has more than its new words (quotes, signature)."""
        whole = self.message.full_text
        return whole is not None and whole.strip() not in ("", self.message.body_text.strip())


@dataclass(frozen=True)
class HistoryLine:
    """An entry of the ticket's audit log."""

    at: datetime
    actor: str
    summary: str


@dataclass(frozen=True)
class TicketView:
    """A ticket with everything its page shows."""

    ticket: Ticket
    tenant: Tenant | None
    assignee: str
    countdown: Countdown
    used: timedelta  # support time the owed answer's clock has used before it last ran
    thread: list[ThreadItem]
    followers: list[tuple[str, str]]  # (person id, name)
    priority_changes: list[tuple[TicketPriorityChange, str]]  # with who made each, in words
    history: list[HistoryLine]  # newest first
    # The ticket where it lives (Zendesk), when its address is one a link may go to.
    external_link: str | None


def view_ticket(session: Session, ticket_id: int, known: Names, now: datetime) -> TicketView:
    """The ticket numbered `ticket_id` (NotFound) with its thread, followers, triage and log."""
    ticket = service.get_ticket(session, ticket_id)
    tenant = session.get(Tenant, ticket.tenant_id) if ticket.tenant_id else None
    thread = [
        ThreadItem(message, _author(message, ticket, known))
        for message in service.thread_of(session, ticket_id)
    ]
    history = [
        HistoryLine(record.entry.at, actor_text(record.entry.actor), record.entry.summary)
        for record in subject_history(
            session, service.audit_subject(ticket_id), limit=HISTORY_SHOWN
        )
    ]
    return TicketView(
        ticket=ticket,
        tenant=tenant,
        assignee=known.person(ticket.assignee_id),
        countdown=answer_countdown(ticket, now),
        used=timedelta(seconds=ticket.clock_used_seconds or 0),
        thread=thread,
        followers=[
            (person_id, known.person(person_id))
            for person_id in service.followers_of(session, ticket_id)
        ],
        priority_changes=[
            (change, actor_text(change.changed_by))
            for change in service.priority_changes(session, ticket_id)
        ],
        history=history,
        external_link=web_url(ticket.external_url),
    )


def _author(message: TicketMessage, ticket: Ticket, known: Names) -> str:
    if message.author_person_id:
        return known.person(message.author_person_id)
    if message.kind == "tenant":
        name, address = message.author_name, message.author_email
        if name and address:
            return f"{name} <{address}>"
        return name or address or ticket.requester_email or "the tenant"
    if message.external_id is not None:
        # An agent's comment on a mirrored ticket, written in Zendesk.
        return f"{message.author_name or 'An agent'} in Zendesk"
    # Staff without a person on the team: the account, as the audit log names it.
    return actor_text(message.author_name) if message.author_name else "the team"
