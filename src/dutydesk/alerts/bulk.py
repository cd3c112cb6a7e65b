"""Triggers in bulk, for the Events API's group commit: many events, a few statements.

The rules are `service.trigger`'s: a trigger for a key with an open alert (a duplicate, the
bulk of any alert storm) adds one to that alert's event count, moves its last event time and
logs the event; a trigger for any other key opens an alert, which joins its service's alert
group. Here a batch of them is a handful of statements (one SELECT of the open keys, one INSERT
of the new alerts, one UPDATE of the counts, one INSERT of the log) instead of several ORM round
trips each, and the new alerts of each group are announced once (alerts/reactions.py).

A batch that breaks a rule the database enforces (another process opened the same key a moment
earlier, on PostgreSQL) fails as a whole; the group writer then writes its events one by one,
and a single event goes through `service.trigger`, which joins the other process's alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from dutydesk.alerts import service as alerts
from dutydesk.alerts.grouping import group_for_new_alerts
from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.alerts.reactions import reactions_of
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
    if not triggers:
        return
    alert_ids = _open_alert_ids(session, {(t.service_id, t.dedup_key) for t in triggers})
    opening = _first_of_each_new_key(triggers, alert_ids)
    alert_ids.update(_open_new_alerts(session, opening))
    counts: dict[int, tuple[int, datetime]] = {}
    log_rows: list[dict[str, Any]] = []
    opened = {id(t) for t in opening}
    for event in triggers:
        alert_id = alert_ids[(event.service_id, event.dedup_key)]
        if id(event) not in opened:
            count, _last = counts.get(alert_id, (0, event.now))
            counts[alert_id] = (count + 1, event.now)
        log_rows.append(
            {
                "alert_id": alert_id,
                "at": event.now,
                "kind": "trigger",
                "actor": event.actor,
                "details": alerts.event_details(event.fields),
            }
        )
    _count_duplicates(session, counts)
    session.connection().execute(_INSERT_LOG, log_rows)


def _first_of_each_new_key(
    triggers: Sequence[Trigger], open_ids: dict[tuple[str, str], int]
) -> list[Trigger]:
    firsts: dict[tuple[str, str], Trigger] = {}
    for event in triggers:
        key = (event.service_id, event.dedup_key)
        if key not in open_ids and key not in firsts:
            firsts[key] = event
    return list(firsts.values())


def _open_new_alerts(session: Session, opening: list[Trigger]) -> dict[tuple[str, str], int]:
    """Insert the alerts these triggers open, in their services' groups, and announce them."""
    if not opening:
        return {}
    reactions = reactions_of(session)
    groups = {}
    for event in opening:
        if event.service_id not in groups:
            groups[event.service_id] = group_for_new_alerts(session, event.service_id, event.now)
    rows = [
        alerts.new_alert_values(e.service_id, e.dedup_key, e.fields, e.now)
        | {"group_id": groups[e.service_id][0].id}
        for e in opening
    ]
    inserted = session.connection().execute(_INSERT_ALERTS, rows)
    by_key = {(service_id, str(key)): alert_id for alert_id, service_id, key in inserted}
    new_ids = [by_key[(e.service_id, e.dedup_key)] for e in opening]
    joining: dict[str, list[int]] = {}
    for event, alert_id in zip(opening, new_ids, strict=True):
        joining.setdefault(event.service_id, []).append(alert_id)
    first_at = {e.service_id: e.now for e in reversed(opening)}  # each service's first event
    for service_id, (group, service) in groups.items():
        reactions.opened(session, group, service, first_at[service_id], joining=joining[service_id])
    return {(e.service_id, e.dedup_key): i for e, i in zip(opening, new_ids, strict=True)}


def _count_duplicates(session: Session, counts: dict[int, tuple[int, datetime]]) -> None:
    if not counts:
        return
    table = cast(Table, Alert.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            event_count=table.c.event_count + bindparam("b_count"),
            last_event_at=bindparam("b_at", type_=UTCDateTime()),
        ),
        [{"b_id": i, "b_count": count, "b_at": at} for i, (count, at) in counts.items()],
    )
    # Alerts this session already holds no longer show the database's counts.
    for held in list(session.identity_map.values()):
        if isinstance(held, Alert) and held.id in counts:
            session.expire(held, ["event_count", "last_event_at"])


def _open_alert_ids(session: Session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The open alerts with these (service, dedup key)s, locked for update (PostgreSQL)."""
    keys_of: dict[str, list[str]] = {}
    for service_id, dedup_key in sorted(keys):
        keys_of.setdefault(service_id, []).append(dedup_key)
    found: dict[tuple[str, str], int] = {}
    # One query per service, each an index search on (service_id, open_key): SQLite answers a
    # list of (service_id, open_key) pairs by reading the whole index, so a batch would cost
    # time in proportion to the number of open alerts.
    for service_id, dedup_keys in keys_of.items():
        rows = session.execute(_OPEN_KEYS, {"service_id": service_id, "open_keys": dedup_keys})
        found.update(((service_id, str(key)), alert_id) for key, alert_id in rows)
    return found


# Statements built once, in SQLAlchemy Core: the ORM's bulk statements cost more to build and
# run than the database takes to do the work.
_ALERTS = cast(Table, Alert.__table__)
# One statement for a batch's alerts (SQLite returns their rows in no promised order, and
# SQLAlchemy would insert them one by one to keep the order; the keys say which is which).
_INSERT_ALERTS = insert(_ALERTS).returning(_ALERTS.c.id, _ALERTS.c.service_id, _ALERTS.c.open_key)
_INSERT_LOG = insert(cast(Table, AlertLogEntry.__table__))
_OPEN_KEYS = (
    select(_ALERTS.c.open_key, _ALERTS.c.id)
    .where(
        _ALERTS.c.service_id == bindparam("service_id"),
        _ALERTS.c.open_key.in_(bindparam("open_keys", expanding=True)),
    )
    .with_for_update(key_share=True)
)
