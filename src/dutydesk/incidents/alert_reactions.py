"""Incidents hear of their linked alerts: an acknowledgement or resolution of an alert attached
to an incident goes into that incident's timeline.

Alerts announce a quieted group through `dutydesk.alerts.reactions.AlertReactions`; the
composition root calls this after escalation's answer, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert, AlertGroup
from dutydesk.incidents import timeline
from dutydesk.incidents.models import Incident, IncidentAlert


def alert_quieted(session: Session, group: AlertGroup, now: datetime, *, reason: str) -> None:
    """Record, on each incident linked to an alert of `group` that changed just now, what
    happened to it ("acknowledged by alice")."""
    changed = session.execute(
        select(IncidentAlert.incident_id, Alert.id, Alert.summary)
        .join(Alert, Alert.id == IncidentAlert.alert_id)
        .where(
            Alert.group_id == group.id,
            or_(Alert.acknowledged_at == now, Alert.resolved_at == now),
        )
    ).all()
    for incident_id, alert_id, summary in changed:
        incident = session.get(Incident, incident_id)
        if incident is not None:
            timeline.automatic(
                session,
                incident,
                "alert",
                f"Alert {alert_id} {reason}: {summary}",
                now,
                {"alert": alert_id},
            )
