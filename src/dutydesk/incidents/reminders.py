"""Keeping an incident's reminder rows in step with its state: after every change, each kind's
next due time is worked out again (cadence.py) and stored, and kinds that owe nothing go.

An update or check reminder counts from its base (the last update or check, else the
declaration), so one owed already when the priority rises falls due at once; a reminder sent
before is never sent again, because its outbox key names its due time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.incidents import cadence
from dutydesk.incidents.models import Incident, IncidentReminder
from dutydesk.incidents.policy import IncidentPolicy


def state_of(incident: Incident) -> cadence.CadenceState:
    return cadence.CadenceState(
        priority=incident.priority,
        status=incident.status,
        declared_at=incident.declared_at,
        last_update_at=incident.last_update_at,
        last_check_at=incident.last_check_at,
        resolved_at=incident.resolved_at,
        review_due_at=incident.review_due_at,
    )


def reschedule(
    session: Session, policy: IncidentPolicy, incident: Incident, now: datetime
) -> dict[str, datetime]:
    """Store each kind's next reminder for the incident as it is now."""
    state = state_of(incident)
    due: dict[str, datetime] = {}
    for kind in cadence.KINDS:
        after = now
        if kind == cadence.UPDATE:
            after = state.last_update_at or state.declared_at
        elif kind == cadence.CHECK:
            after = state.last_check_at or state.declared_at
        found = cadence.next_due(kind, state, policy.cadence, after)
        if found is not None:
            due[kind] = found
    store(session, incident.id, due)
    return due


def store(session: Session, incident_id: int, due: dict[str, datetime]) -> None:
    """Make the incident's reminder rows exactly `due`."""
    rows = {
        row.kind: row
        for row in session.scalars(
            select(IncidentReminder).where(IncidentReminder.incident_id == incident_id)
        )
    }
    for kind, due_at in due.items():
        row = rows.get(kind)
        if row is None:
            session.add(IncidentReminder(incident_id=incident_id, kind=kind, due_at=due_at))
        else:
            row.due_at = due_at
    gone = [kind for kind in rows if kind not in due]
    if gone:
        session.execute(
            delete(IncidentReminder).where(
                IncidentReminder.incident_id == incident_id, IncidentReminder.kind.in_(gone)
            )
        )
    session.flush()
