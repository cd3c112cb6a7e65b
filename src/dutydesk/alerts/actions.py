"""What people do to alerts besides acknowledging one: snooze, reassign, act on a whole group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.grouping import join_group, lock_group
from dutydesk.alerts.models import RESOLVED, TRIGGERED, Alert, AlertGroup
from dutydesk.alerts.reactions import reactions_of
from dutydesk.alerts.service import (
    AlertView,
    acknowledge_one,
    get_alert,
    log_entry,
    resolve_one,
    view_alert,
)
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.people.service import get_person

SHORTEST_SNOOZE = timedelta(minutes=1)
LONGEST_SNOOZE = timedelta(days=7)


def snooze_alert(
    session: Session, alert_id: int, length: timedelta, now: datetime, *, actor: str
) -> AlertView:
    """Acknowledge an alert until `now + length`; still unresolved then, it pages again."""
    if not SHORTEST_SNOOZE <= length <= LONGEST_SNOOZE:
        raise Invalid("duration: snooze for 1 minute to 7 days")
    alert = _open_alert(session, alert_id, "snoozed")
    acknowledge_one(session, alert, now, actor)
    alert.retrigger_at = now + length
    log_entry(session, alert, "snooze", actor, now, {"until": alert.retrigger_at.isoformat()})
    return view_alert(session, alert.id)


def reassign_alert(
    session: Session, alert_id: int, person_id: str, now: datetime, *, actor: str
) -> AlertView:
    """Give the alert's group to a person: its open alerts are triggered again and the person is
    paged at once; if they do not acknowledge, the policy carries on from its second step."""
    person = get_person(session, person_id)
    reactions = reactions_of(session)
    # Not locked yet: the group's alerts are locked below in id order (this one among them).
    alert = _open_alert(session, alert_id, "reassigned", lock=False)
    if alert.group_id is None:
        join_group(session, alert, now)
    assert alert.group_id is not None
    # The group's other alerts, locked in id order before the group, as everywhere else.
    members = _lock_open_alerts(session, alert.group_id)
    if alert not in members:  # resolved meanwhile by someone else
        raise Conflict(f"alert {alert.id} is resolved; it cannot be reassigned")
    group = lock_group(session, alert.group_id)
    assert group is not None
    for member in members:
        member.status = TRIGGERED
        member.acknowledged_at = member.acknowledged_by = member.retrigger_at = None
        log_entry(session, member, "reassign", actor, now, {"to": person.id})
    group.closed_at = None
    reactions.reassigned(session, group, person.id, now)
    session.flush()
    return view_alert(session, alert.id)


def acknowledge_group(session: Session, group_id: int, now: datetime, *, actor: str) -> int:
    """Acknowledge every triggered alert of a group (what a page's link does); how many."""
    return _act_on_group(session, group_id, now, actor, acknowledge_one, "acknowledged")


def resolve_group(session: Session, group_id: int, now: datetime, *, actor: str) -> int:
    """Resolve every open alert of a group; how many."""
    return _act_on_group(session, group_id, now, actor, resolve_one, "resolved")


def _act_on_group(
    session: Session,
    group_id: int,
    now: datetime,
    actor: str,
    act: Callable[[Session, Alert, datetime, str], bool],
    done: str,
) -> int:
    if session.get(AlertGroup, group_id) is None:
        raise NotFound(f"no alert group {group_id}")
    alerts = _lock_open_alerts(session, group_id)
    if not alerts:
        raise Conflict(f"every alert of group {group_id} is resolved already")
    changed = sum(1 for alert in alerts if act(session, alert, now, actor))
    if not changed:
        raise Conflict(f"every open alert of group {group_id} is {done} already")
    return changed


def _lock_open_alerts(session: Session, group_id: int) -> Sequence[Alert]:
    return session.scalars(
        select(Alert)
        .where(Alert.group_id == group_id, Alert.status != RESOLVED)
        .order_by(Alert.id)
        .with_for_update(key_share=True)
    ).all()


def _open_alert(session: Session, alert_id: int, what: str, *, lock: bool = True) -> Alert:
    alert = get_alert(session, alert_id, for_update=lock)
    if alert.status == RESOLVED:
        by = f" by {alert.resolved_by}" if alert.resolved_by else ""
        raise Conflict(f"alert {alert.id} is resolved{by}; it cannot be {what}")
    return alert
