"""The tickets worker cycle: remind the engineer on support as a ticket's answer comes due,
and page at the breach.

Due tickets are claimed with FOR UPDATE SKIP LOCKED, so several workers on PostgreSQL never
take the same one; the reminder is queued in the outbox (with a key naming the ticket, the
answer owed and the stage) and the clock moves to its next stage in the same transaction, so a
worker killed at any point leaves either both or neither: each reminder goes out once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.escalation.policy import messages_by_rules
from dutydesk.notify.service import Outgoing, enqueue_many
from dutydesk.people.models import Person
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.tickets import clocks
from dutydesk.tickets.clock_columns import clock_of, keep_clock
from dutydesk.tickets.models import Ticket
from dutydesk.tickets.paging import page_for
from dutydesk.tickets.policy import FIRST_RESPONSE, SupportPolicy
from dutydesk.tickets.support import engineer_on_support, support_policy
from dutydesk.tickets.webhooks import BREACHED, send_event
from dutydesk.timeparse import duration_text, local_text, parse_zone

BATCH = 200


def tickets_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: send the reminders that are due; returns how many tickets it handled."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        due = _claim(session, now)
        if not due:
            return 0
        team = find_team(session)
        if team is None:
            return 0
        policy = support_policy(session)
        zone = parse_zone(team.timezone)
        on_support = engineer_on_support(session, policy, now)
        engineer = session.get(Person, on_support) if on_support else None
        reminders: list[Outgoing] = []
        for ticket in due:
            reminders += _remind(
                session, ticket, policy, engineer, zone, runtime.settings.base_url, now
            )
        # The pass's reminders in one statement, with the clocks they move: both or neither.
        enqueue_many(session, reminders, now)
        session.commit()
    return len(due)


def _claim(session: Session, now: datetime) -> list[Ticket]:
    return list(
        session.scalars(
            select(Ticket)
            .where(Ticket.next_reminder_at <= now)
            .order_by(Ticket.next_reminder_at, Ticket.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )


def _remind(
    session: Session,
    ticket: Ticket,
    policy: SupportPolicy,
    engineer: Person | None,
    zone: ZoneInfo,
    base_url: str,
    now: datetime,
) -> list[Outgoing]:
    """Move the ticket's clock past its due reminder; the reminder's messages, to queue."""
    clock = clock_of(ticket)
    stage = clock.next_stage
    if stage is None or clock.due is None:
        keep_clock(ticket, clocks.after_reminder(policy, clock, now))
        return []
    if stage == clocks.BREACH:
        if ticket.breached_at is None:
            ticket.breached_at = clock.due
        send_event(session, policy, ticket, BREACHED, now)
        if policy.page_service is not None:
            page_for(session, ticket, policy.page_service, "breach", now)
    keep_clock(ticket, clocks.after_reminder(policy, clock, now))
    if engineer is None:
        return []
    return _reminder(ticket, clock, engineer, zone, base_url, now)


def _reminder(
    ticket: Ticket,
    clock: clocks.Clock,
    engineer: Person,
    zone: ZoneInfo,
    base_url: str,
    now: datetime,
) -> list[Outgoing]:
    """The reminder to the engineer on support, by each of their notification rules."""
    assert clock.due is not None and clock.next_stage is not None
    owed = "first response" if clock.kind == FIRST_RESPONSE else "update to the tenant"
    priority = ticket.priority or "untriaged"
    if clock.next_stage == clocks.BREACH:
        subject = f"[Dutydesk] Ticket #{ticket.id} ({priority}): {owed} overdue"
    else:
        left = duration_text(clock.due - now)
        subject = (
            f"[Dutydesk] Ticket #{ticket.id} ({priority}): {owed} due"
            f" {local_text(clock.due, zone)} ({left} left)"
        )
    text = (
        f"{subject.removeprefix('[Dutydesk] ')}\n"
        f"{ticket.subject}\n"
        f"Tenant: {ticket.tenant_id or 'not set'}; assigned to: {ticket.assignee_id or 'nobody'}\n"
        f"{base_url}/tickets/{ticket.id}"
    )
    # One key per ticket, answer owed (its due time tells one update from the next), stage
    # and rule: a retried pass never queues it twice.
    base = f"ticket-{ticket.id}-{clock.kind}-{clock.due.isoformat()}-{clock.next_stage}"
    return messages_by_rules(engineer, subject=subject, text=text, key=base, now=now)
