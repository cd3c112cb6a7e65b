"""Alert use cases with PagerDuty's rules: trigger (deduplicated by key), acknowledge, resolve.

Acknowledging or resolving a key with no open alert is accepted and changes nothing, as
PagerDuty does: senders repeat resolves, and a resolve that arrives late is not an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert, AlertLogEntry, ChangeEvent

TRIGGERED = "triggered"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
SEVERITIES = ("critical", "error", "warning", "info")


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
        .with_for_update()
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
            _log(session, alert, "trigger", actor, now, _event_details(fields))
            return alert, True
    alert.event_count += 1
    alert.last_event_at = now
    _log(session, alert, "trigger", actor, now, _event_details(fields))
    return alert, False


def acknowledge(
    session: Session, service_id: str, dedup_key: str, now: datetime, *, actor: str
) -> Alert | None:
    """Acknowledge the open alert with this key; None (and no change) when there is none."""
    alert = find_open_alert(session, service_id, dedup_key)
    if alert is None or alert.status != TRIGGERED:
        return alert
    alert.status = ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = actor
    alert.last_event_at = now
    _log(session, alert, "acknowledge", actor, now, {})
    return alert


def resolve(
    session: Session, service_id: str, dedup_key: str, now: datetime, *, actor: str
) -> Alert | None:
    """Resolve the open alert with this key, freeing the key; None when there is none."""
    alert = find_open_alert(session, service_id, dedup_key)
    if alert is None:
        return None
    alert.status = RESOLVED
    alert.open_key = None
    alert.resolved_at = now
    alert.resolved_by = actor
    alert.last_event_at = now
    _log(session, alert, "resolve", actor, now, {})
    return alert


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
    return Alert(
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


def _event_details(fields: AlertFields) -> dict[str, Any]:
    # The alert keeps what its first trigger said; later triggers' words live in the log.
    details: dict[str, Any] = {"summary": fields.summary, "severity": fields.severity}
    if fields.timestamp is not None:
        details["timestamp"] = fields.timestamp
    if fields.custom_details is not None:
        details["custom_details"] = fields.custom_details
    return details


def _log(
    session: Session, alert: Alert, kind: str, actor: str, now: datetime, details: dict[str, Any]
) -> None:
    session.add(AlertLogEntry(alert_id=alert.id, at=now, kind=kind, actor=actor, details=details))
    session.flush()
