"""What escalation keeps on alert groups: compiled policies, starting a run, its pages.

Escalation state lives on the alert group (`next_step_at` is the one timer), so the worker needs
nothing but the database. When paging starts and stops is escalation/reactions.py, which reacts
to the state of the group's alerts; firing a step is escalation/paging.py.

Locks, on PostgreSQL: rows are locked FOR NO KEY UPDATE, alerts (by id) before the service before
the group, as alerts/grouping.py explains.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dutydesk.alerts.grouping import open_alerts_of
from dutydesk.alerts.models import Alert, AlertGroup, AlertLogEntry, Service
from dutydesk.escalation.models import EscalationPolicy, GroupPage
from dutydesk.escalation.policy import Policy, compile_policy
from dutydesk.escalation.spec import PolicySpec
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import ask_to_wake_worker
from dutydesk.team.holidays import team_calendar
from dutydesk.team.service import find_team
from dutydesk.timeparse import parse_zone

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


def pages_for(session: Session, alert: Alert) -> list[GroupPage]:
    """The pages sent for the alert's group, oldest first."""
    return [] if alert.group_id is None else pages_of(session, [alert.group_id])[alert.group_id]


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
