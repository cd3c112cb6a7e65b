"""What the status page owes later, kept as `status_due` rows the worker claims (due.py):

- a troubled component (degraded, partial or major outage) reminds the comms lead 3, 6, 12 and
  24 hours after it entered its state, until it recovers;
- a status-page incident of its own (not made from an incident of the team, whose cadence
  reminds already) reminds the comms lead when it has gone without an update for longer than
  its priority's interval (its impact gives the priority: critical is P1, major P2, minor P3);
- a maintenance window tells subscribers 60 minutes before it starts, and starts and completes
  itself at its times when it was scheduled to.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dutydesk.incidents import cadence
from dutydesk.incidents.policy import incident_policy
from dutydesk.statuspage.models import (
    CLOSED_STATUSES,
    IN_PROGRESS,
    INCIDENT,
    SCHEDULED,
    TROUBLED_STATES,
    StatusComponent,
    StatusDue,
    StatusIncident,
)

TROUBLED, NO_UPDATE = "troubled", "no_update"
NOTICE, START, END = "maintenance_notice", "maintenance_start", "maintenance_end"
TROUBLED_AFTER = (timedelta(hours=3), timedelta(hours=6), timedelta(hours=12), timedelta(hours=24))
NOTICE_BEFORE = timedelta(minutes=60)
PRIORITY_OF_IMPACT = {"critical": "P1", "major": "P2", "minor": "P3"}


def troubled(session: Session, component: StatusComponent, now: datetime) -> None:
    """Owe the component's next reminder while it is troubled; owe none once it is not."""
    due_at = next_troubled(component, now)
    key = f"{TROUBLED}:{component.id}"
    if due_at is None:
        _drop(session, key)
    else:
        _owe(session, key, TROUBLED, component.id, due_at)


def next_troubled(component: StatusComponent, after: datetime) -> datetime | None:
    """The first of the 3, 6, 12 and 24 hour reminders after `after`; None when the component
    is not troubled or all are behind it."""
    if component.status not in TROUBLED_STATES:
        return None
    for step in TROUBLED_AFTER:
        if component.status_since + step > after:
            return component.status_since + step
    return None


def hours_troubled(component: StatusComponent, now: datetime) -> int:
    """Whole hours the component has been in its state."""
    return int((now - component.status_since).total_seconds() // 3600)


def no_update(session: Session, status_incident: StatusIncident, now: datetime) -> None:
    """Owe a reminder when an incident of its own goes without an update for its interval."""
    key = f"{NO_UPDATE}:{status_incident.id}"
    due_at = next_no_update(session, status_incident, now)
    if due_at is None:
        _drop(session, key)
    else:
        _owe(session, key, NO_UPDATE, status_incident.id, due_at)


def next_no_update(
    session: Session, status_incident: StatusIncident, after: datetime
) -> datetime | None:
    """When the incident next owes an update after `after`; None when it owes none here."""
    if (
        status_incident.kind != INCIDENT
        or status_incident.incident_id is not None
        or status_incident.status in CLOSED_STATUSES
    ):
        return None
    policy = incident_policy(session)
    state = cadence.CadenceState(
        priority=priority_of(status_incident),
        status="active",
        declared_at=status_incident.started_at,
        last_update_at=status_incident.last_update_at,
    )
    return cadence.next_due(cadence.UPDATE, state, policy.cadence, after)


def priority_of(status_incident: StatusIncident) -> str:
    """The priority whose update interval an incident of its own keeps to."""
    return PRIORITY_OF_IMPACT.get(status_incident.impact, "P4")


def maintenance(session: Session, window: StatusIncident, now: datetime) -> None:
    """Owe a window's notice, start and end, as far as it has not reached them."""
    if window.scheduled_for is None or window.scheduled_until is None:
        return
    notice_at = window.scheduled_for - NOTICE_BEFORE
    wanted = {
        NOTICE: notice_at
        if window.scheduled_remind_prior and window.status == SCHEDULED and notice_at > now
        else None,
        START: window.scheduled_for
        if window.scheduled_auto_in_progress and window.status == SCHEDULED
        else None,
        END: window.scheduled_until
        if window.scheduled_auto_completed and window.status in (SCHEDULED, IN_PROGRESS)
        else None,
    }
    for kind, due_at in wanted.items():
        key = f"{kind}:{window.id}"
        if due_at is None:
            _drop(session, key)
        else:
            _owe(session, key, kind, window.id, due_at)


def forget_component(session: Session, component_id: str) -> None:
    """A removed component owes nothing."""
    _drop(session, f"{TROUBLED}:{component_id}")


def forget_incident(session: Session, status_incident_id: str) -> None:
    """A removed incident or window owes nothing."""
    keys = [f"{kind}:{status_incident_id}" for kind in (NO_UPDATE, NOTICE, START, END)]
    session.execute(delete(StatusDue).where(StatusDue.key.in_(keys)))


def _owe(session: Session, key: str, kind: str, subject_id: str, due_at: datetime) -> None:
    row = session.get(StatusDue, key)
    if row is None:
        session.add(StatusDue(key=key, kind=kind, subject_id=subject_id, due_at=due_at))
    else:
        row.due_at = due_at
    session.flush()


def _drop(session: Session, key: str) -> None:
    row = session.get(StatusDue, key)
    if row is not None:
        session.delete(row)
        session.flush()
