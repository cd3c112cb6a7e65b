"""Heartbeat use cases: add one (its secret shown once), list, revoke, and take a ping.

A heartbeat's `due_at` is when a miss is declared: the last ping (or the creation) plus the
interval plus the grace. The worker (due.py) raises the alert; a ping resolves it.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts import service as alerts
from dutydesk.alerts.integrations import get_service
from dutydesk.audit.service import record
from dutydesk.auth.service import token_digest
from dutydesk.db import LARGEST_ID
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.heartbeats.models import NAME_LENGTH, Heartbeat
from dutydesk.text import control_character

SHORTEST_INTERVAL = timedelta(minutes=1)
LONGEST_INTERVAL = timedelta(days=365)
LONGEST_GRACE = timedelta(days=365)
DEFAULT_GRACE = timedelta(minutes=5)
PING_PATH = "/hooks/heartbeat/"

# What `heartbeat_status` answers.
OK = "ok"
LATE = "late"
MISSED = "missed"
NEVER_PINGED = "never pinged"
REVOKED = "revoked"


def dedup_key(heartbeat: Heartbeat) -> str:
    """The dedup key of the alert a missed heartbeat raises on its service."""
    return f"heartbeat-{heartbeat.id}"


def ping_url(base_url: str, token: str) -> str:
    """The address a job pings, under the instance's public URL."""
    return f"{base_url.rstrip('/')}{PING_PATH}{token}"


def add_heartbeat(
    session: Session,
    service_id: str,
    name: str,
    interval: timedelta,
    grace: timedelta,
    now: datetime,
    *,
    actor: str,
) -> tuple[Heartbeat, str]:
    """Start expecting pings on a service; the plain token is returned once, its digest kept.

    The first ping is due one interval (plus grace) after creation, so a job that never starts
    raises an alert just as one that stops does.
    """
    service = get_service(session, service_id)
    if not name.strip() or len(name) > NAME_LENGTH or control_character(name):
        raise Invalid(
            f"heartbeat name: say which job pings in 1 to {NAME_LENGTH} characters on one line"
        )
    if not SHORTEST_INTERVAL <= interval <= LONGEST_INTERVAL:
        raise Invalid("interval: give 1m to 365d, such as 10m, 1h or 1d")
    if not timedelta(0) <= grace <= LONGEST_GRACE:
        raise Invalid("grace: give 0m to 365d, such as 5m or 1h")
    clash = session.scalar(
        select(Heartbeat.id).where(
            Heartbeat.service_id == service.id,
            Heartbeat.name == name,
            Heartbeat.revoked_at.is_(None),
        )
    )
    if clash is not None:
        raise Conflict(f"service {service.id} already has a heartbeat {name!r} (id {clash})")
    # 256 random bits, URL-safe (43 characters): unguessable, and a plain SHA-256 suffices.
    plain = secrets.token_urlsafe(32)
    heartbeat = Heartbeat(
        service_id=service.id,
        name=name,
        interval_seconds=int(interval.total_seconds()),
        grace_seconds=int(grace.total_seconds()),
        token_digest=token_digest(plain),
        created_at=now,
        last_ping_at=None,
        due_at=now + interval + grace,
        missed=False,
    )
    session.add(heartbeat)
    session.flush()
    record(
        session,
        actor=actor,
        action="heartbeat.add",
        rota_id=None,
        person_ids=[],
        summary=f"add heartbeat {heartbeat.id} ({name}) to service {service.id}",
        details={
            "heartbeat": heartbeat.id,
            "service": service.id,
            "name": name,
            "interval_seconds": heartbeat.interval_seconds,
            "grace_seconds": heartbeat.grace_seconds,
        },
        now=now,
    )
    return heartbeat, plain


def list_heartbeats(session: Session) -> Sequence[Heartbeat]:
    """Every heartbeat (digests only), by service then age."""
    return session.scalars(select(Heartbeat).order_by(Heartbeat.service_id, Heartbeat.id)).all()


def get_heartbeat(session: Session, heartbeat_id: int, *, for_update: bool = False) -> Heartbeat:
    """One heartbeat, or NotFound; `for_update` locks its row (PostgreSQL) until commit."""
    query = select(Heartbeat).where(Heartbeat.id == heartbeat_id)
    if for_update:
        query = query.with_for_update()
    heartbeat = session.scalar(query) if 0 < heartbeat_id <= LARGEST_ID else None
    if heartbeat is None:
        raise NotFound(f"no heartbeat {heartbeat_id}")
    return heartbeat


def heartbeat_status(heartbeat: Heartbeat, now: datetime) -> str:
    """revoked, missed (alert open, or due and the worker not yet round), never pinged, late
    (past the interval, within the grace) or ok."""
    if heartbeat.revoked_at is not None:
        return REVOKED
    if heartbeat.missed or heartbeat.due_at <= now:
        return MISSED
    if heartbeat.last_ping_at is None:
        return NEVER_PINGED
    if now >= heartbeat.last_ping_at + timedelta(seconds=heartbeat.interval_seconds):
        return LATE
    return OK


def revoke_heartbeat(
    session: Session, heartbeat_id: int, now: datetime, *, actor: str
) -> Heartbeat:
    """Stop expecting pings: its URL answers 404 from now on, and an open miss is resolved
    (nothing else would ever resolve it)."""
    heartbeat = get_heartbeat(session, heartbeat_id, for_update=True)
    if heartbeat.revoked_at is not None:
        return heartbeat
    heartbeat.revoked_at = now
    if heartbeat.missed:
        alerts.resolve(session, heartbeat.service_id, dedup_key(heartbeat), now, actor=actor)
        heartbeat.missed = False
    record(
        session,
        actor=actor,
        action="heartbeat.revoke",
        rota_id=None,
        person_ids=[],
        summary=f"revoke heartbeat {heartbeat.id} ({heartbeat.name}) of service "
        f"{heartbeat.service_id}",
        details={"heartbeat": heartbeat.id, "service": heartbeat.service_id},
        now=now,
    )
    session.flush()
    return heartbeat


def ping(session: Session, token: str, now: datetime) -> Heartbeat:
    """Record a ping: the next miss moves a whole interval (plus grace) on, and a missed
    heartbeat's alert is resolved. NotFound, the same for a wrong and a revoked token."""
    # Locked (not skipped): a ping racing the worker's claim waits for it, then resolves the
    # alert the worker has just raised rather than leaving it open.
    heartbeat = session.scalar(
        select(Heartbeat).where(Heartbeat.token_digest == token_digest(token)).with_for_update()
    )
    if heartbeat is None or heartbeat.revoked_at is not None:
        raise NotFound("no live heartbeat at this address")
    heartbeat.last_ping_at = now
    heartbeat.due_at = now + timedelta(seconds=heartbeat.interval_seconds + heartbeat.grace_seconds)
    if heartbeat.missed:
        alerts.resolve(
            session,
            heartbeat.service_id,
            dedup_key(heartbeat),
            now,
            actor=f"heartbeat:{heartbeat.id}",
        )
        heartbeat.missed = False
    session.flush()
    return heartbeat
