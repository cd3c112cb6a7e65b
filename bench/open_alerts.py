"""A database that has been paging for a while: many open alerts, in their groups, with their
log and the pages sent for them, written in bulk (a few statements per thousand rows).

What the rows look like, so that queries meet the shapes they meet in use: the open alerts are
spread over every service of the team, in alert groups of a storm's size whose group window has
passed (so new alerts open a group of their own); half the groups were acknowledged (their
alerts page again at `retrigger_at`, some hours ahead) and the rest ran out of escalation steps
with their alerts still triggered. Every alert has its trigger in the log (and its
acknowledgement), and every group one page that was sent, with its delivery attempt.

Used by the ingestion benchmark (bench/events.py) and by the query-plan test
(tests/test_query_plans.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select

from dutydesk.alerts.models import (
    ACKNOWLEDGED,
    TRIGGERED,
    Alert,
    AlertGroup,
    AlertLogEntry,
    Service,
)
from dutydesk.escalation.models import GroupPage
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage

# Alerts per group: one storm's worth.
GROUP_SIZE = 100
# Rows per INSERT: well under SQLite's limit of bound parameters.
_CHUNK = 500


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def seed_open_alerts(connection: Connection, count: int, now: datetime) -> int:
    """Add `count` open alerts (keys `seed-<service>-<n>`) over every service; returns the
    number of groups made. The caller commits."""
    services: Sequence[tuple[str, str | None]] = connection.execute(
        select(Service.id, Service.escalation_policy_id).order_by(Service.position, Service.id)
    ).all()
    if count <= 0 or not services:
        return 0
    groups = [
        _group_row(index, services[index % len(services)], now)
        for index in range((count + GROUP_SIZE - 1) // GROUP_SIZE)
    ]
    group_ids = _insert_returning_ids(connection, _table(AlertGroup), groups)
    alerts: list[dict[str, Any]] = []
    for n in range(count):
        group = groups[n // GROUP_SIZE]
        alerts.append(_alert_row(n, group, group_ids[n // GROUP_SIZE], now))
    alert_ids = _insert_returning_ids(connection, _table(Alert), alerts)
    log: list[dict[str, Any]] = []
    for alert, alert_id in zip(alerts, alert_ids, strict=True):
        log.append(_log_row(alert_id, "trigger", "integration:1", alert["created_at"]))
        if alert["status"] == ACKNOWLEDGED:
            log.append(_log_row(alert_id, "acknowledge", "person:alice", alert["acknowledged_at"]))
    _insert(connection, _table(AlertLogEntry), log)
    _pages_sent(connection, groups, group_ids)
    return len(groups)


def _group_row(index: int, service: tuple[str, str | None], now: datetime) -> dict[str, Any]:
    # Oldest first, one storm every ten minutes back from an hour ago.
    opened_at = now - timedelta(hours=1) - timedelta(minutes=10) * index
    return {
        "service_id": service[0],
        "opened_at": opened_at,
        "join_until": opened_at + timedelta(minutes=5),
        "closed_at": None,
        "policy_id": service[1],
        "run": 1,
        "step_index": 0,
        "loop_index": 0,
        "next_step_at": None,
        "assignee_id": None,
        # Not columns: what the alerts and pages of the group are made from.
        "_acknowledged": index % 2 == 0,
        "_index": index,
    }


def _alert_row(n: int, group: dict[str, Any], group_id: int, now: datetime) -> dict[str, Any]:
    service_id = group["service_id"]
    created_at = group["opened_at"] + timedelta(seconds=n % GROUP_SIZE)
    acknowledged = group["_acknowledged"]
    key = f"seed-{service_id}-{n}"
    return {
        "service_id": service_id,
        "dedup_key": key,
        "open_key": key,
        "status": ACKNOWLEDGED if acknowledged else TRIGGERED,
        "summary": f"disk full on host-{n % 997}",
        "source": f"host-{n % 997}.example.org",
        "severity": ("critical", "error", "warning")[n % 3],
        "component": "storage",
        "alert_group": None,
        "alert_class": None,
        "custom_details": {"free_bytes": n, "mount": "/var"},
        "links": [],
        "images": [],
        "client": "Alertmanager",
        "client_url": None,
        "created_at": created_at,
        "last_event_at": created_at,
        "event_count": 1,
        "acknowledged_at": created_at + timedelta(minutes=3) if acknowledged else None,
        "acknowledged_by": "person:alice" if acknowledged else None,
        "resolved_at": None,
        "resolved_by": None,
        "group_id": group_id,
        # Acknowledgements time out a day from now: nothing seeded is due while measuring.
        "retrigger_at": now + timedelta(days=1, seconds=n) if acknowledged else None,
    }


def _log_row(alert_id: int, kind: str, actor: str, at: datetime) -> dict[str, Any]:
    return {"alert_id": alert_id, "at": at, "kind": kind, "actor": actor, "details": {}}


def _pages_sent(connection: Connection, groups: list[dict[str, Any]], ids: list[int]) -> None:
    messages = [
        {
            "idempotency_key": f"page-seed-{group_id}",
            "channel": "email",
            "destination": "carol@example.org",
            "subject": f"[Dutydesk] alerts on {group['service_id']}",
            "text": "Service: seeded",
            "payload": None,
            "rate_key": "email:carol@example.org",
            "status": "sent",
            "attempts": 1,
            "created_at": group["opened_at"],
            "due_at": group["opened_at"],
            "sent_at": group["opened_at"] + timedelta(seconds=1),
            "last_error": None,
            "lease_owner": None,
            "lease_until": None,
        }
        for group, group_id in zip(groups, ids, strict=True)
    ]
    message_ids = _insert_returning_ids(connection, _table(OutboxMessage), messages)
    pages = []
    attempts = []
    for group, group_id, message_id in zip(groups, ids, message_ids, strict=True):
        pages.append(
            {
                "group_id": group_id,
                "queued_at": group["opened_at"],
                "due_at": group["opened_at"],
                "run": 1,
                "loop_index": 0,
                "step_index": 0,
                "policy_id": group["policy_id"],
                "person_id": "carol",
                "via": "email",
                "destination": "carol@example.org",
                "outbox_message_id": message_id,
            }
        )
        attempts.append(
            {
                "message_id": message_id,
                "attempt": 1,
                "attempted_at": group["opened_at"],
                "outcome": "sent",
                "error": None,
                "duration_ms": 12,
                "worker_id": "seed",
            }
        )
    _insert(connection, _table(GroupPage), pages)
    _insert(connection, _table(DeliveryAttempt), attempts)


def _columns(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = set(table.c.keys())
    return [{k: v for k, v in row.items() if k in names} for row in rows]


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(table), _columns(table, rows[start : start + _CHUNK]))


def _insert_returning_ids(
    connection: Connection, table: Table, rows: list[dict[str, Any]]
) -> list[int]:
    ids: list[int] = []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), _CHUNK):
        chunk = _columns(table, rows[start : start + _CHUNK])
        ids.extend(connection.execute(statement, chunk).scalars())
    return ids
