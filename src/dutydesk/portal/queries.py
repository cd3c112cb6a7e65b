"""What the portal reads of tickets: one tenant's tickets and the public part of a thread.

Every read is narrowed to the visitor's tenant in the query itself, and internal notes are
left out in SQL, so nothing of another tenant or of the team's notes is ever loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.errors import NotFound
from dutydesk.tickets.models import Ticket, TicketMessage
from dutydesk.tickets.service import LARGEST_NUMBER

# The kinds of message a tenant sees: their own and the team's public replies (never notes).
PUBLIC_KINDS = ("tenant", "reply")
PAGE_SIZE = 50


@dataclass(frozen=True)
class ListedTicket:
    """A ticket in a tenant's list, with the time of its newest message the tenant can see."""

    ticket: Ticket
    last_activity_at: datetime


@dataclass(frozen=True)
class TicketPage:
    """One page of a tenant's tickets, newest activity first."""

    tickets: list[ListedTicket]
    number: int
    has_more: bool


def tenant_ticket(session: Session, tenant_id: str, ticket_id: int) -> Ticket:
    """The tenant's ticket with this number. NotFound, saying the same, when there is none or
    it is another tenant's: a tenant cannot tell the two apart."""
    if not 1 <= ticket_id <= LARGEST_NUMBER:
        raise NotFound(f"no ticket #{ticket_id}")
    ticket = session.scalar(
        select(Ticket).where(Ticket.id == ticket_id, Ticket.tenant_id == tenant_id)
    )
    if ticket is None:
        raise NotFound(f"no ticket #{ticket_id}")
    return ticket


def tenant_tickets(session: Session, tenant_id: str, page: int = 1) -> TicketPage:
    """A page of the tenant's tickets in any status, the newest public message first.

    Activity is what the tenant can see (their messages and the team's replies): an internal
    note does not move a ticket up the list.
    """
    page = max(1, page)
    # Per ticket, through the index on ticket_messages.ticket_id: a join and a GROUP BY let
    # PostgreSQL hash every tenant's messages to answer for one tenant's tickets.
    last_public = (
        select(func.max(TicketMessage.created_at))
        .where(TicketMessage.ticket_id == Ticket.id, TicketMessage.kind.in_(PUBLIC_KINDS))
        .correlate(Ticket)
        .scalar_subquery()
    )
    activity = func.coalesce(last_public, Ticket.created_at)
    rows = session.execute(
        select(Ticket.id, activity)
        .where(Ticket.tenant_id == tenant_id)
        .order_by(activity.desc(), Ticket.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    shown = rows[:PAGE_SIZE]
    by_id = {
        ticket.id: ticket
        for ticket in session.scalars(
            select(Ticket).where(
                Ticket.id.in_([ticket_id for ticket_id, _ in shown]),
                Ticket.tenant_id == tenant_id,
            )
        )
    }
    return TicketPage(
        tickets=[ListedTicket(by_id[ticket_id], at) for ticket_id, at in shown],
        number=page,
        has_more=len(rows) > PAGE_SIZE,
    )


def public_thread(session: Session, ticket: Ticket) -> Sequence[TicketMessage]:
    """The messages of a ticket a tenant sees (theirs and the team's replies), oldest first."""
    return session.scalars(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket.id, TicketMessage.kind.in_(PUBLIC_KINDS))
        .order_by(TicketMessage.created_at, TicketMessage.id)
    ).all()
