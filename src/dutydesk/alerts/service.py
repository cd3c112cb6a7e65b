"""Alert use cases with PagerDuty's rules: trigger (deduplicated by key), acknowledge, resolve.

Acknowledging or resolving a key with no open alert is accepted and changes nothing, as
PagerDuty does: senders repeat resolves, and a resolve that arrives late is not an error.
A new alert joins its service's group; what happens to a group's alerts is announced to the
layer above through alerts/reactions.py (escalation pages), never by calling it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dutydesk.alerts.grouping import alert_quieted, alert_triggered_again, group_of, join_group
from dutydesk.alerts.integrations import get_service
from dutydesk.alerts.models import (
    ACKNOWLEDGED,
    DEDUP_KEY_LENGTH,
    FIELD_LENGTH,
    RESOLVED,
    SUMMARY_LENGTH,
    TRIGGERED,
    Alert,
    AlertLogEntry,
    ChangeEvent,
)
from dutydesk.alerts.reactions import reactions_of
from dutydesk.db import LARGEST_ID
from dutydesk.errors import Conflict, Invalid, NotFound

OPEN_STATUSES = (TRIGGERED, ACKNOWLEDGED)
STATUSES = (TRIGGERED, ACKNOWLEDGED, RESOLVED)
SEVERITIES = ("critical", "error", "warning", "info")
NOTE_LENGTH = 2000
# Who the log says triggered an alert again when its acknowledgement ran out.
RETRIGGER_ACTOR = "worker"


@dataclass(frozen=True)
class AlertFields:
    """What a trigger says about the problem (PagerDuty's payload, plus links and images)."""

    summary: str
    source: str
    severity: str
    component: str | None = None
    group: str | None = None
    class_: str | None = None
    custom_details: Any = None
    links: list[Any] = field(default_factory=list)
    images: list[Any] = field(default_factory=list)
    client: str | None = None
    client_url: str | None = None
    timestamp: str | None = None


def find_open_alert(session: Session, service_id: str, dedup_key: str) -> Alert | None:
    """The service's unresolved alert with this key, locked for update, or None."""
    return session.scalar(
        select(Alert)
        .where(Alert.service_id == service_id, Alert.open_key == dedup_key)
        .with_for_update(key_share=True)
    )


def trigger(
    session: Session,
    service_id: str,
    dedup_key: str,
    fields: AlertFields,
    now: datetime,
    *,
    actor: str,
) -> tuple[Alert, bool]:
    """Open an alert, or add the event to the open alert with the same key; (alert, created)."""
    alert = find_open_alert(session, service_id, dedup_key)
    if alert is None:
        alert = _new_alert(service_id, dedup_key, fields, now)
        try:
            # A concurrent trigger for the same key may win the race on PostgreSQL; the unique
            # (service_id, open_key) stops a second alert, and we join the winner's instead.
            with session.begin_nested():
                session.add(alert)
        except IntegrityError:
            alert = find_open_alert(session, service_id, dedup_key)
            if alert is None:
                raise
        else:
            log_entry(session, alert, "trigger", actor, now, event_details(fields))
            join_group(session, alert, now)
            return alert, True
    alert.event_count += 1
    alert.last_event_at = now
    log_entry(session, alert, "trigger", actor, now, event_details(fields))
    return alert, False


def acknowledge(
    session: Session, service_id: str, dedup_key: str, now: datetime, *, actor: str
) -> Alert | None:
    """Acknowledge the open alert with this key; None (and no change) when there is none."""
    alert = find_open_alert(session, service_id, dedup_key)
    if alert is not None:
        acknowledge_one(session, alert, now, actor)
    return alert


def resolve(
    session: Session, service_id: str, dedup_key: str, now: datetime, *, actor: str
) -> Alert | None:
    """Resolve the open alert with this key, freeing the key; None when there is none."""
    alert = find_open_alert(session, service_id, dedup_key)
    if alert is not None:
        resolve_one(session, alert, now, actor)
    return alert


def acknowledge_one(session: Session, alert: Alert, now: datetime, actor: str) -> bool:
    """The one acknowledge rule: only a triggered alert moves; True when it did."""
    if alert.status != TRIGGERED:
        return False
    alert.status = ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = actor
    alert.last_event_at = now
    group = group_of(session, alert)
    alert.retrigger_at = reactions_of(session).retrigger_at(session, alert, group, now)
    log_entry(session, alert, "acknowledge", actor, now, _retrigger_details(alert))
    alert_quieted(session, alert, group, now, reason=f"acknowledged by {actor}")
    return True


def resolve_one(session: Session, alert: Alert, now: datetime, actor: str) -> bool:
    """The one resolve rule: an open alert is resolved and its key freed; True when it was."""
    if alert.status == RESOLVED:
        return False
    alert.status = RESOLVED
    alert.open_key = None
    alert.resolved_at = now
    alert.resolved_by = actor
    alert.last_event_at = now
    alert.retrigger_at = None
    log_entry(session, alert, "resolve", actor, now, {})
    alert_quieted(session, alert, group_of(session, alert), now, reason=f"resolved by {actor}")
    return True


def retrigger_due(session: Session, now: datetime, *, limit: int) -> int:
    """Acknowledged or snoozed alerts still unresolved at their `retrigger_at` are triggered
    again (up to `limit`, claimed so that two workers take different ones); how many."""
    due = session.scalars(
        select(Alert)
        .where(Alert.status == ACKNOWLEDGED, Alert.retrigger_at <= now)
        .order_by(Alert.retrigger_at, Alert.id)
        .limit(limit)
        .with_for_update(skip_locked=True, key_share=True)
    ).all()
    for alert in due:
        details = {
            "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
            "acknowledged_by": alert.acknowledged_by,
        }
        alert.status = TRIGGERED
        alert.retrigger_at = None
        alert.acknowledged_at = None
        alert.acknowledged_by = None
        alert.last_event_at = now
        log_entry(session, alert, "retrigger", RETRIGGER_ACTOR, now, details)
        alert_triggered_again(session, alert, now)
    return len(due)


def _retrigger_details(alert: Alert) -> dict[str, Any]:
    if alert.retrigger_at is None:
        return {}
    return {"retrigger_at": alert.retrigger_at.isoformat()}


def new_dedup_key() -> str:
    """A key for a trigger that came without one; PagerDuty makes one up and hands it back."""
    return uuid.uuid4().hex


def trigger_on_service(
    session: Session,
    service_id: str,
    dedup_key: str | None,
    fields: AlertFields,
    now: datetime,
    *,
    actor: str,
) -> tuple[Alert, bool]:
    """Trigger on a service named by id (the CLI), checking what the Events API checks."""
    get_service(session, service_id)
    key = new_dedup_key() if dedup_key is None else dedup_key
    _check_text("dedup key", key, DEDUP_KEY_LENGTH)
    _check_text("summary", fields.summary, SUMMARY_LENGTH)
    _check_text("source", fields.source, FIELD_LENGTH)
    if fields.severity not in SEVERITIES:
        raise Invalid(f"severity: must be one of {', '.join(SEVERITIES)}")
    return trigger(session, service_id, key, fields, now, actor=actor)


@dataclass(frozen=True)
class AlertView:
    """An alert with its log, oldest entry first."""

    alert: Alert
    log: Sequence[AlertLogEntry]


def list_alerts(
    session: Session,
    *,
    statuses: Sequence[str] = OPEN_STATUSES,
    service_id: str | None = None,
    limit: int = 100,
) -> Sequence[Alert]:
    """Alerts in these states (the open ones by default), newest first."""
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        raise Invalid(f"status: {unknown[0]!r} is not one of {', '.join(STATUSES)}")
    query = select(Alert).where(Alert.status.in_(statuses))
    if service_id is not None:
        query = query.where(Alert.service_id == get_service(session, service_id).id)
    query = query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)
    return session.scalars(query).all()


def get_alert(session: Session, alert_id: int, *, for_update: bool = False) -> Alert:
    """One alert, or NotFound; `for_update` locks its row (PostgreSQL) until commit."""
    query = select(Alert).where(Alert.id == alert_id)
    if for_update:
        query = query.with_for_update(key_share=True)
    alert = session.scalar(query) if 0 < alert_id <= LARGEST_ID else None
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    return alert


def view_alert(session: Session, alert_id: int) -> AlertView:
    """One alert with its log."""
    return _view(session, get_alert(session, alert_id))


def acknowledge_alert(session: Session, alert_id: int, now: datetime, *, actor: str) -> AlertView:
    """Acknowledge an alert by id; acknowledging an acknowledged one changes nothing.

    A resolved alert is a Conflict, as PagerDuty refuses to acknowledge a resolved incident:
    the person acting saw a stale state and should know the problem is already over.
    """
    alert = get_alert(session, alert_id, for_update=True)
    if alert.status == RESOLVED:
        raise Conflict(_already_resolved(alert, "acknowledged"))
    acknowledge_one(session, alert, now, actor)
    return _view(session, alert)


def resolve_alert(session: Session, alert_id: int, now: datetime, *, actor: str) -> AlertView:
    """Resolve an alert by id; a resolved one is a Conflict naming who resolved it."""
    alert = get_alert(session, alert_id, for_update=True)
    if not resolve_one(session, alert, now, actor):
        raise Conflict(_already_resolved(alert, "resolved again"))
    return _view(session, alert)


def add_note(session: Session, alert_id: int, text: str, now: datetime, *, actor: str) -> AlertView:
    """Add a note to an alert's log, in any state (notes after resolving are post-mortems)."""
    if not text.strip() or len(text) > NOTE_LENGTH or "\x00" in text:
        raise Invalid(f"text: write the note in 1 to {NOTE_LENGTH} characters")
    alert = get_alert(session, alert_id, for_update=True)
    log_entry(session, alert, "note", actor, now, {"text": text})
    return _view(session, alert)


def _already_resolved(alert: Alert, what: str) -> str:
    by = f" by {alert.resolved_by}" if alert.resolved_by else ""
    return f"alert {alert.id} is resolved{by}; it cannot be {what}"


def _view(session: Session, alert: Alert) -> AlertView:
    log = session.scalars(
        select(AlertLogEntry).where(AlertLogEntry.alert_id == alert.id).order_by(AlertLogEntry.id)
    ).all()
    return AlertView(alert, log)


def _check_text(name: str, value: str, length: int) -> None:
    if not value.strip() or len(value) > length or "\x00" in value:
        raise Invalid(f"{name}: give 1 to {length} characters")


def record_change(
    session: Session,
    service_id: str,
    *,
    summary: str,
    happened_at: datetime | None,
    source: str | None,
    custom_details: Any,
    links: list[Any],
    now: datetime,
    actor: str,
) -> ChangeEvent:
    """Keep a change event (a deploy, a config change) as context for the service's alerts."""
    change = ChangeEvent(
        service_id=service_id,
        received_at=now,
        happened_at=happened_at,
        summary=summary,
        source=source,
        custom_details=custom_details,
        links=links,
        actor=actor,
    )
    session.add(change)
    session.flush()
    return change


def _new_alert(service_id: str, dedup_key: str, fields: AlertFields, now: datetime) -> Alert:
    return Alert(**new_alert_values(service_id, dedup_key, fields, now))


def new_alert_values(
    service_id: str, dedup_key: str, fields: AlertFields, now: datetime
) -> dict[str, Any]:
    """The columns of an alert a first trigger opens (for one alert, or many in bulk)."""
    return dict(
        service_id=service_id,
        dedup_key=dedup_key,
        open_key=dedup_key,
        status=TRIGGERED,
        summary=fields.summary,
        source=fields.source,
        severity=fields.severity,
        component=fields.component,
        alert_group=fields.group,
        alert_class=fields.class_,
        custom_details=fields.custom_details,
        links=list(fields.links),
        images=list(fields.images),
        client=fields.client,
        client_url=fields.client_url,
        created_at=now,
        last_event_at=now,
        event_count=1,
    )


def event_details(fields: AlertFields) -> dict[str, Any]:
    """What a trigger said, for its log entry."""
    # The alert keeps what its first trigger said; later triggers' words live in the log.
    details: dict[str, Any] = {"summary": fields.summary, "severity": fields.severity}
    if fields.timestamp is not None:
        details["timestamp"] = fields.timestamp
    if fields.custom_details is not None:
        details["custom_details"] = fields.custom_details
    return details


def log_entry(
    session: Session, alert: Alert, kind: str, actor: str, now: datetime, details: dict[str, Any]
) -> None:
    session.add(AlertLogEntry(alert_id=alert.id, at=now, kind=kind, actor=actor, details=details))
    session.flush()
