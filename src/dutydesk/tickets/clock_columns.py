"""A ticket's clock to and from its columns (tickets/models.py)."""

from __future__ import annotations

from datetime import timedelta

from dutydesk.tickets.clocks import Clock
from dutydesk.tickets.models import Ticket


def clock_of(ticket: Ticket) -> Clock:
    """The ticket's clock as its columns hold it."""
    return Clock(
        kind=ticket.clock_kind,
        priority=ticket.priority,
        running_since=ticket.clock_running_since,
        used=timedelta(seconds=ticket.clock_used_seconds or 0),
        due=ticket.answer_due_at,
        next_reminder_at=ticket.next_reminder_at,
        next_stage=ticket.next_reminder_stage,
    )


def keep_clock(ticket: Ticket, clock: Clock) -> None:
    """Write the clock into the ticket's columns."""
    ticket.clock_kind = clock.kind
    ticket.priority = clock.priority
    ticket.clock_running_since = clock.running_since
    ticket.clock_used_seconds = int(clock.used.total_seconds())
    ticket.answer_due_at = clock.due
    ticket.next_reminder_at = clock.next_reminder_at
    ticket.next_reminder_stage = clock.next_stage
