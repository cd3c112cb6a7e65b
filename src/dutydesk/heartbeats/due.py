"""The heartbeats worker cycle: a heartbeat whose ping is overdue raises one alert.

Due heartbeats are claimed with FOR UPDATE SKIP LOCKED, so several workers on PostgreSQL never
handle the same one twice, and `missed` is set in the same transaction as the trigger: a
heartbeat stays missed (and is not claimed again) until a ping or a revoke clears it, or its
alert is resolved by hand while the job is still silent (then it watches again from then).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts import service as alerts
from dutydesk.db import unit_of_work
from dutydesk.heartbeats.models import Heartbeat
from dutydesk.heartbeats.service import dedup_key
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.timeparse import local_text, parse_zone

BATCH = 100
WORKER_ACTOR = "heartbeat"
SOURCE = "dutydesk heartbeat"


def heartbeats_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: raise an alert for each heartbeat that missed its ping; returns how many."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        handled = rearm_resolved(session, now) + declare_missed(session, now)
        session.commit()
    return handled


def rearm_resolved(session: Session, now: datetime) -> int:
    """A missed heartbeat whose alert someone resolved by hand watches again from now.

    Without this a job that is still silent would never raise another alert after the person
    resolving it moved on: it is given one more interval (and grace) to ping, then alerts again.
    """
    missed = list(
        session.scalars(
            select(Heartbeat)
            .where(Heartbeat.missed.is_(True), Heartbeat.revoked_at.is_(None))
            .order_by(Heartbeat.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    rearmed = 0
    for heartbeat in missed:
        if alerts.find_open_alert(session, heartbeat.service_id, dedup_key(heartbeat)) is None:
            heartbeat.missed = False
            heartbeat.due_at = now + timedelta(
                seconds=heartbeat.interval_seconds + heartbeat.grace_seconds
            )
            rearmed += 1
    session.flush()
    return rearmed


def declare_missed(session: Session, now: datetime) -> int:
    """Mark due heartbeats missed and trigger each one's alert on its service."""
    due = claim_due(session, now)
    if not due:
        return 0
    zone = _zone(session)
    for heartbeat in due:
        heartbeat.missed = True
        alerts.trigger(
            session,
            heartbeat.service_id,
            dedup_key(heartbeat),
            alerts.AlertFields(
                summary=miss_summary(heartbeat, zone),
                source=SOURCE,
                severity="critical",
                custom_details={
                    "heartbeat": heartbeat.id,
                    "name": heartbeat.name,
                    "interval_seconds": heartbeat.interval_seconds,
                    "grace_seconds": heartbeat.grace_seconds,
                    "last_ping_at": _iso(heartbeat.last_ping_at),
                    "due_at": _iso(heartbeat.due_at),
                },
            ),
            now,
            actor=WORKER_ACTOR,
        )
    session.flush()
    return len(due)


def claim_due(session: Session, now: datetime) -> list[Heartbeat]:
    """Lock a batch of live, not yet missed heartbeats that are due, skipping any another
    worker holds.

    SQLite has no row locks (FOR UPDATE is left out there); its BEGIN IMMEDIATE already keeps
    other writers out for the whole transaction.
    """
    query = (
        select(Heartbeat)
        .where(
            Heartbeat.due_at <= now,
            Heartbeat.missed.is_(False),
            Heartbeat.revoked_at.is_(None),
        )
        .order_by(Heartbeat.due_at, Heartbeat.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def miss_summary(heartbeat: Heartbeat, zone: ZoneInfo) -> str:
    """ "Heartbeat backups missed: no ping since Wed 14 Jan 2026 10:00" (team local time)."""
    since = (
        "it was created"
        if heartbeat.last_ping_at is None
        else local_text(heartbeat.last_ping_at, zone)
    )
    return f"Heartbeat {heartbeat.name} missed: no ping since {since}"


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat(timespec="seconds")


def _zone(session: Session) -> ZoneInfo:
    team = find_team(session)
    # Services (and so heartbeats) exist only once a team does; UTC keeps the cycle working.
    return parse_zone(team.timezone if team is not None else "UTC")
