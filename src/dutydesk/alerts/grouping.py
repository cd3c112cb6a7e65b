"""Alert groups: an alert storm on one service is one group, which is paged once.

Alerts that open within the service's group window of the group's first alert join it; a group
closes when all its alerts are resolved, and opens again when one of them is triggered again.
What happens to a group's alerts is announced to the layer above (alerts/reactions.py), which
starts and stops paging; the escalation state on the group is its own.

Locks, on PostgreSQL: rows are locked FOR NO KEY UPDATE (`key_share=True`), never FOR UPDATE,
because inserting a log row or an alert takes a KEY SHARE lock on the row it refers to; a FOR
UPDATE lock would make the worker (group, then log rows on its alerts) and an acknowledgement
(alert, then its group) wait on each other in a cycle. Where several are taken, the order is:
alerts (by id), then the service, then the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import ACKNOWLEDGED, RESOLVED, TRIGGERED, Alert, AlertGroup, Service
from dutydesk.alerts.reactions import reactions_of
from dutydesk.timeparse import parse_duration


def join_group(session: Session, alert: Alert, now: datetime) -> AlertGroup:
    """Put a new alert in its service's open group, or a new group, and announce it."""
    reactions = reactions_of(session)
    group, service = group_for_new_alerts(session, alert.service_id, now)
    alert.group_id = group.id
    session.flush()
    reactions.opened(session, group, service, now, joining=[alert.id])
    return group


def group_for_new_alerts(
    session: Session, service_id: str, now: datetime
) -> tuple[AlertGroup, Service]:
    """The group new alerts on a service join now: its open group within the window, or a
    new one; with the service (locked, so concurrent triggers agree on the group)."""
    # Lock the service row: two alerts arriving together on PostgreSQL must not both decide
    # that no group is open and each start one (SQLite's write lock already serialises them).
    service = session.scalar(_SERVICE_LOCKED, {"service_id": service_id})
    assert service is not None, "alerts are only raised on services that exist"
    # Locked: whether it is paging decides whether the new alerts page, and an acknowledgement
    # may be stopping it this moment.
    group = session.scalar(_OPEN_GROUP, {"service_id": service.id, "now": now})
    if group is None:
        group = AlertGroup(
            service_id=service.id,
            opened_at=now,
            join_until=now + parse_duration(service.group_window),
        )
        session.add(group)
        session.flush()
    return group, service


# The queries every batch of new alerts runs, built once (building one costs more than running
# it): the service, and the group its new alerts join.
_SERVICE_LOCKED = (
    select(Service).where(Service.id == bindparam("service_id")).with_for_update(key_share=True)
)
_OPEN_GROUP = (
    select(AlertGroup)
    .where(
        AlertGroup.service_id == bindparam("service_id"),
        AlertGroup.closed_at.is_(None),
        AlertGroup.join_until > bindparam("now"),
    )
    .order_by(AlertGroup.id.desc())
    .limit(1)
    .with_for_update(key_share=True)
)


def alert_quieted(
    session: Session, alert: Alert, group: AlertGroup | None, now: datetime, *, reason: str
) -> None:
    """After an acknowledge, snooze or resolve of an alert of `group` (locked): announce it,
    and close the group once everything in it is resolved."""
    if group is None:
        return
    counts = dict(
        session.execute(
            select(Alert.status, func.count())
            .where(Alert.group_id == group.id)
            .group_by(Alert.status)
        ).all()
    )
    triggered = counts.get(TRIGGERED, 0)
    reactions_of(session).quieted(session, group, now, triggered=triggered, reason=reason)
    if triggered == 0 and counts.get(ACKNOWLEDGED, 0) == 0:
        group.closed_at = now
    session.flush()


def alert_triggered_again(session: Session, alert: Alert, now: datetime) -> None:
    """After an acknowledged alert is triggered again: its group is open again, and told so."""
    group = group_of(session, alert)
    if group is None:
        join_group(session, alert, now)
        return
    group.closed_at = None
    reactions_of(session).triggered_again(session, group, now)
    session.flush()


def group_of(session: Session, alert: Alert) -> AlertGroup | None:
    """The alert's group, locked until commit; None for an alert in no group."""
    return None if alert.group_id is None else lock_group(session, alert.group_id)


def lock_group(session: Session, group_id: int) -> AlertGroup | None:
    """The group, locked until commit (after any of its alerts' locks: see the module's note)."""
    return session.scalar(
        select(AlertGroup).where(AlertGroup.id == group_id).with_for_update(key_share=True)
    )


def open_alerts_of(session: Session, group_id: int) -> Sequence[Alert]:
    """The group's unresolved alerts, oldest first."""
    return session.scalars(
        select(Alert).where(Alert.group_id == group_id, Alert.status != RESOLVED).order_by(Alert.id)
    ).all()
