"""Alert groups and their escalation: the rules for when paging starts, stops and restarts.

An alert storm on one service is one group: alerts that open within the service's group window
of the group's first alert join it, and the group is paged once. Escalation state lives on the
group (`next_step_at` is the one timer), so the worker needs nothing but the database.

Paging starts when a group gets a triggered alert and is not already escalating; it stops when
no alert in the group is triggered any more (acknowledged, snoozed or resolved). Pages queued
for later (a person's "email after 2 minutes") are withdrawn when it stops.

Locks, on PostgreSQL: rows are locked FOR NO KEY UPDATE (`key_share=True`), never FOR UPDATE,
because inserting a log row or an alert takes a KEY SHARE lock on the row it refers to; a FOR
UPDATE lock would make the worker (group, then log rows on its alerts) and an acknowledgement
(alert, then its group) wait on each other in a cycle. Where several are taken, the order is:
alerts (by id), then the service, then the group.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from dutydesk.alerts.models import ACKNOWLEDGED, RESOLVED, TRIGGERED, Alert, AlertLogEntry, Service
from dutydesk.escalation.models import AlertGroup, EscalationPolicy, GroupPage
from dutydesk.escalation.policy import Policy, compile_policy
from dutydesk.escalation.spec import PolicySpec
from dutydesk.notify.models import OutboxMessage
from dutydesk.rotas.plans import team_calendar
from dutydesk.runtime import ask_to_wake_worker
from dutydesk.team.service import find_team
from dutydesk.timeparse import parse_duration, parse_zone

_CACHED_REVISIONS = 4
_policy_cache: OrderedDict[str, dict[str, Policy]] = OrderedDict()


def load_policies(session: Session) -> dict[str, Policy]:
    """Every escalation policy, compiled; cached per team revision (any apply makes a new one)."""
    team = find_team(session)
    if team is None:
        return {}
    cached = _policy_cache.get(team.revision)
    if cached is not None:
        return cached
    zone, calendar = parse_zone(team.timezone), team_calendar(team)
    rows = session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.position))
    compiled = {
        row.id: compile_policy(PolicySpec.model_validate(row.definition), calendar, zone)
        for row in rows
    }
    _policy_cache[team.revision] = compiled
    while len(_policy_cache) > _CACHED_REVISIONS:
        _policy_cache.popitem(last=False)
    return compiled


def alert_opened(session: Session, alert: Alert, now: datetime) -> AlertGroup:
    """Put a new alert in its service's open group, or a new group; start paging if needed."""
    group, service = group_for_new_alerts(session, alert.service_id, now)
    alert.group_id = group.id
    session.flush()
    start_paging_if_quiet(session, group, service, now, joining=[alert.id])
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
    # Locked: whether it is paging (next_step_at) decides whether the new alerts page, and an
    # acknowledgement may be stopping it this moment.
    group = session.scalar(_OPEN_GROUP, {"service_id": service.id, "now": now})
    if group is None:
        group = AlertGroup(
            service_id=service.id,
            opened_at=now,
            join_until=now + parse_duration(service.group_window),
            policy_id=service.escalation_policy_id,
            run=0,
            step_index=0,
            loop_index=0,
        )
        session.add(group)
        session.flush()
    return group, service


def start_paging_if_quiet(
    session: Session, group: AlertGroup, service: Service, now: datetime, *, joining: list[int]
) -> None:
    """After alerts (`joining`) joined a group: page unless it is paging already, or has paged
    for alerts still triggered.

    A quiet group (acknowledged) pages again for a new problem; one whose policy ran out with
    its alerts still triggered has paged for them, and one page per group is enough. A service
    without a policy pages nobody; its alerts say so where they are shown.
    """
    if group.next_step_at is None and not _others_triggered(session, group, joining):
        start_paging(session, group, service, now)


def _others_triggered(session: Session, group: AlertGroup, joining: list[int]) -> bool:
    found = session.scalar(_OTHER_TRIGGERED, {"group_id": group.id, "joining": joining})
    return found is not None


# The queries every batch of new alerts runs, built once (building one costs more than running
# it): the service, the group its new alerts join, and whether that group has other alerts
# still triggered.
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
_OTHER_TRIGGERED = (
    select(Alert.id)
    .where(
        Alert.group_id == bindparam("group_id"),
        Alert.id.not_in(bindparam("joining", expanding=True)),
        Alert.status == TRIGGERED,
    )
    .limit(1)
)


def start_paging(session: Session, group: AlertGroup, service: Service, now: datetime) -> bool:
    """Begin a new run of the service's policy at its first step, due now; False when there is
    nobody to page (no policy, and nobody the group was reassigned to)."""
    if service.escalation_policy_id is None and group.assignee_id is None:
        return False
    ask_to_wake_worker(session)
    group.policy_id = service.escalation_policy_id
    group.run += 1
    group.step_index = 0
    group.loop_index = 0
    group.next_step_at = now
    return True


def alert_quieted(session: Session, alert: Alert, now: datetime, *, reason: str) -> None:
    """After an acknowledge, snooze or resolve: stop paging once nothing in the group is
    triggered, and close the group once everything in it is resolved."""
    group = _group_of(session, alert)
    if group is None:
        return
    counts = dict(
        session.execute(
            select(Alert.status, func.count())
            .where(Alert.group_id == group.id)
            .group_by(Alert.status)
        ).all()
    )
    if counts.get(TRIGGERED, 0) == 0 and group.next_step_at is not None:
        group.next_step_at = None
        withdrawn = withdraw_pages(session, group, now, reason)
        if withdrawn:
            log_group(session, group, "pages-withdrawn", "dutydesk", now, {"count": withdrawn})
    if counts.get(TRIGGERED, 0) == 0 and counts.get(ACKNOWLEDGED, 0) == 0:
        group.closed_at = now
    session.flush()


def alert_triggered_again(session: Session, alert: Alert, now: datetime) -> None:
    """An alert is triggered again (re-triggered, reassigned): page if the group is quiet."""
    group = _group_of(session, alert)
    if group is None:
        group = alert_opened(session, alert, now)
        return
    group.closed_at = None
    if group.next_step_at is None:
        service = session.get(Service, group.service_id)
        if service is not None:
            start_paging(session, group, service, now)
    session.flush()


def retrigger_at(session: Session, alert: Alert, now: datetime) -> datetime | None:
    """When an alert acknowledged now pages again if unresolved: the policy's ack timeout."""
    group = _group_of(session, alert)
    policy_id = group.policy_id if group is not None else None
    if policy_id is None:
        service = session.get(Service, alert.service_id)
        policy_id = service.escalation_policy_id if service is not None else None
    policy = load_policies(session).get(policy_id) if policy_id is not None else None
    if policy is None or policy.ack_timeout is None:
        return None
    return now + policy.ack_timeout


def withdraw_pages(session: Session, group: AlertGroup, now: datetime, reason: str) -> int:
    """Give up the group's pages that are not due yet; returns how many were withdrawn.

    Pages due already are left alone: a worker may be sending one this moment, and a page a
    second late is better than a row lock wait in the request that acknowledged.
    """
    waiting = select(GroupPage.outbox_message_id).where(
        GroupPage.group_id == group.id, GroupPage.outbox_message_id.is_not(None)
    )
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(waiting),
            OutboxMessage.status == "pending",
            OutboxMessage.due_at > now,
        )
        .values(status="dead", last_error=f"withdrawn: {reason} at {now.isoformat()}")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def open_alerts_of(session: Session, group_id: int) -> Sequence[Alert]:
    """The group's unresolved alerts, oldest first."""
    return session.scalars(
        select(Alert).where(Alert.group_id == group_id, Alert.status != RESOLVED).order_by(Alert.id)
    ).all()


def pages_of(session: Session, group_ids: Sequence[int]) -> dict[int, list[GroupPage]]:
    """Each group's pages, oldest first."""
    found: dict[int, list[GroupPage]] = {group_id: [] for group_id in group_ids}
    if not group_ids:
        return found
    rows = session.scalars(
        select(GroupPage).where(GroupPage.group_id.in_(group_ids)).order_by(GroupPage.id)
    )
    for page in rows:
        found[page.group_id].append(page)
    return found


def _group_of(session: Session, alert: Alert) -> AlertGroup | None:
    return None if alert.group_id is None else lock_group(session, alert.group_id)


def lock_group(session: Session, group_id: int) -> AlertGroup | None:
    """The group, locked until commit (after any of its alerts' locks: see the module's note)."""
    return session.scalar(
        select(AlertGroup).where(AlertGroup.id == group_id).with_for_update(key_share=True)
    )


def log_group(
    session: Session,
    group: AlertGroup,
    kind: str,
    actor: str,
    now: datetime,
    details: dict[str, Any],
    *,
    alerts: Sequence[Alert] | None = None,
) -> None:
    """Write the same entry in the log of every open alert of the group (`alerts`, when the
    caller has them already, as a step firing does for each of its pages)."""
    for alert in open_alerts_of(session, group.id) if alerts is None else alerts:
        session.add(
            AlertLogEntry(alert_id=alert.id, at=now, kind=kind, actor=actor, details=details)
        )
