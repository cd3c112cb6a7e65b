"""Triggers in bulk, for the Events API's group commit: many events, a few statements.

A trigger for a key with an open alert (a duplicate, the bulk of any alert storm) adds one to
the alert's event count, moves its last event time and logs the event, exactly as
`service.trigger` does; here a whole batch of them is one SELECT, one UPDATE and one INSERT
instead of a handful of ORM round trips each. A trigger that opens an alert goes through
`service.trigger` itself, so opening (and what it starts: grouping, escalation) has one home.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, tuple_, update
from sqlalchemy.orm import Session

from dutydesk.alerts import service as alerts
from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.db import UTCDateTime


@dataclass(frozen=True)
class Trigger:
    """One trigger event, its key and service already checked."""

    service_id: str
    dedup_key: str
    fields: alerts.AlertFields
    now: datetime
    actor: str


def trigger_all(session: Session, triggers: Sequence[Trigger]) -> None:
    """Apply triggers in order: each opens an alert or is a duplicate of the open one."""
    open_ids = _open_alert_ids(session, {(t.service_id, t.dedup_key) for t in triggers})
    seen: dict[int, tuple[int, datetime]] = {}
    log_rows: list[dict[str, Any]] = []
    for event in triggers:
        alert_id = open_ids.get((event.service_id, event.dedup_key))
        if alert_id is None:
            alert, _created = alerts.trigger(
                session,
                event.service_id,
                event.dedup_key,
                event.fields,
                event.now,
                actor=event.actor,
            )
            open_ids[(event.service_id, event.dedup_key)] = alert.id
            continue
        count, _last = seen.get(alert_id, (0, event.now))
        seen[alert_id] = (count + 1, event.now)
        log_rows.append(
            {
                "alert_id": alert_id,
                "at": event.now,
                "kind": "trigger",
                "actor": event.actor,
                # The same words service.trigger logs (ask: make it public there).
                "details": alerts._event_details(event.fields),
            }
        )
    if not seen:
        return
    table = cast(Table, Alert.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            event_count=table.c.event_count + bindparam("b_count"),
            last_event_at=bindparam("b_at", type_=UTCDateTime()),
        ),
        [{"b_id": i, "b_count": count, "b_at": at} for i, (count, at) in seen.items()],
    )
    session.execute(insert(AlertLogEntry), log_rows)
    # Alerts this session already holds no longer show the database's counts.
    for held in list(session.identity_map.values()):
        if isinstance(held, Alert) and held.id in seen:
            session.expire(held, ["event_count", "last_event_at"])


def _open_alert_ids(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The open alerts with these (service, dedup key)s, locked for update (PostgreSQL)."""
    rows = session.execute(
        select(Alert.service_id, Alert.open_key, Alert.id)
        .where(tuple_(Alert.service_id, Alert.open_key).in_(sorted(keys)))
        .with_for_update()
    )
    return {(service_id, str(key)): alert_id for service_id, key, alert_id in rows}
