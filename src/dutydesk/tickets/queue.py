"""The ticket queue: which tickets a queue holds, a page at a time in the order their answers
fall due, and how many. Read through service (`service.Queue`, `service.list_tickets`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from dutydesk.errors import Invalid
from dutydesk.tickets.models import PRIORITIES, STATUSES, Ticket


@dataclass(frozen=True)
class QueuePlace:
    """Where a page of the queue ended: its last ticket's due time (None: none due) and number.
    The next page starts after it, in the queue's order, whatever has been added since."""

    due_at: datetime | None
    ticket_id: int


@dataclass(frozen=True)
class Queue:
    """Which tickets to list: each field narrows it (None: any)."""

    statuses: tuple[str, ...] = ("new", "open", "pending")
    priority: str | None = None
    tenant_id: str | None = None
    assignee_id: str | None = None
    unassigned: bool = False
    # Only those whose answer is overdue or due before this instant.
    due_before: datetime | None = None
    limit: int = 200
    # Only those after this place in the queue's order (the next page).
    after: QueuePlace | None = None


def list_tickets(session: Session, queue: Queue) -> list[Ticket]:
    """The tickets of a queue, the answer due soonest first (then those with none, newest)."""
    filters = _queue_filters(queue)
    limit = max(1, min(queue.limit, 1000))
    place = queue.after
    found: list[Ticket] = []
    # Two reads in the queue's order, each an index walk that stops at the limit (an ORDER BY
    # on "due is null" first would sort every open ticket for each page): the answers due,
    # soonest first, then the clocks with none due (paused), newest first.
    if place is None or place.due_at is not None:
        due = select(Ticket).where(*filters, Ticket.answer_due_at.is_not(None))
        if place is not None:
            due = due.where(
                or_(
                    Ticket.answer_due_at > place.due_at,
                    and_(Ticket.answer_due_at == place.due_at, Ticket.id < place.ticket_id),
                )
            )
        ordered = due.order_by(Ticket.answer_due_at, Ticket.id.desc()).limit(limit)
        found += session.scalars(ordered).all()
    # "Due before" never holds for an answer with no due time.
    if len(found) < limit and queue.due_before is None:
        none_due = select(Ticket).where(*filters, Ticket.answer_due_at.is_(None))
        if place is not None and place.due_at is None:
            none_due = none_due.where(Ticket.id < place.ticket_id)
        newest = none_due.order_by(Ticket.id.desc()).limit(limit - len(found))
        found += session.scalars(newest).all()
    return found


def count_tickets(session: Session, queue: Queue) -> int:
    """How many tickets the queue holds in all (its place and limit aside)."""
    return session.scalar(select(func.count()).where(*_queue_filters(queue))) or 0


def _queue_filters(queue: Queue) -> list[ColumnElement[bool]]:
    unknown = set(queue.statuses) - set(STATUSES)
    if unknown:
        raise Invalid(f"status: must be among {', '.join(STATUSES)}")
    if queue.priority is not None and queue.priority not in PRIORITIES:
        raise Invalid(f"priority: must be one of {', '.join(PRIORITIES)}")
    filters: list[ColumnElement[bool]] = [Ticket.status.in_(queue.statuses)]
    if queue.priority is not None:
        filters.append(Ticket.priority == queue.priority)
    if queue.tenant_id is not None:
        filters.append(Ticket.tenant_id == queue.tenant_id)
    if queue.assignee_id is not None:
        filters.append(Ticket.assignee_id == queue.assignee_id)
    if queue.unassigned:
        filters.append(Ticket.assignee_id.is_(None))
    if queue.due_before is not None:
        filters.append(Ticket.answer_due_at < queue.due_before)
    return filters
