"""The swaps worker cycle: expire requests whose window has started, remind a day before.

Both are rows in the database (status and reminded_at), claimed with FOR UPDATE SKIP LOCKED so
several workers on PostgreSQL never handle the same request twice, and the notices are queued
in the same transaction with stable idempotency keys.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.people.service import get_person
from dutydesk.runtime import Runtime
from dutydesk.swaps import notices
from dutydesk.swaps.models import EXPIRED, OPEN, SwapRequest
from dutydesk.swaps.service import audit_swap
from dutydesk.team.service import find_team
from dutydesk.timeparse import parse_zone

BATCH = 100
WORKER_ACTOR = "worker"


def swaps_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: expire and remind what is due now; returns how many requests it handled."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        handled = expire_started(session, now) + remind_open(session, now)
        session.commit()
    return handled


def expire_started(session: Session, now: datetime) -> int:
    """Open requests whose window has started become expired; the requester is told."""
    due = _claim(session, SwapRequest.start_at <= now)
    if not due:
        return 0
    zone = _zone(session)
    for swap in due:
        swap.status, swap.resolved_at, swap.resolved_by = EXPIRED, now, WORKER_ACTOR
        session.flush()
        audit_swap(
            session,
            swap,
            "swap.expire",
            [swap.requester_id],
            WORKER_ACTOR,
            now,
            f"swap {swap.id} expired: nobody took it before it started",
        )
        notices.expired(session, swap, get_person(session, swap.requester_id), zone, now)
    return len(due)


def remind_open(session: Session, now: datetime) -> int:
    """Remind each requester, once, when their request is still open a day before the window."""
    due = _claim(
        session,
        SwapRequest.remind_at <= now,
        SwapRequest.reminded_at.is_(None),
        SwapRequest.start_at > now,
    )
    if not due:
        return 0
    zone = _zone(session)
    for swap in due:
        swap.reminded_at = now
        notices.reminder(session, swap, get_person(session, swap.requester_id), zone, now)
    session.flush()
    return len(due)


def _claim(session: Session, *conditions: ColumnElement[bool]) -> list[SwapRequest]:
    """Lock a batch of open requests matching the conditions, skipping any another worker holds.

    SQLite has no row locks (FOR UPDATE is left out there); its BEGIN IMMEDIATE already keeps
    other writers out for the whole transaction.
    """
    query = (
        select(SwapRequest)
        .where(SwapRequest.status == OPEN, *conditions)
        .order_by(SwapRequest.start_at, SwapRequest.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def _zone(session: Session) -> ZoneInfo:
    team = find_team(session)
    # Requests exist only once a team does; UTC keeps the cycle working if it was removed.
    return parse_zone(team.timezone if team is not None else "UTC")
