"""Webhooks an incident sends when it is declared, changes status or priority, and is
resolved: signed JSON through the outbox (docs/notifications.md), one message per receiver and
event, with keys that make a retried transaction send nothing twice."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dutydesk.incidents.models import Incident
from dutydesk.incidents.policy import IncidentPolicy
from dutydesk.notify.service import enqueue

DECLARED = "incident.declared"
STATUS_CHANGED = "incident.changed"
RESOLVED_EVENT = "incident.resolved"
REVIEWED_EVENT = "incident.reviewed"


def send_event(
    session: Session, policy: IncidentPolicy, incident: Incident, event: str, now: datetime
) -> int:
    """Queue `event` about `incident` for every receiver in `incidents: webhooks`."""
    payload = {"event": event, "at": now.isoformat(), "incident": incident_payload(incident)}
    for url in policy.spec.webhooks:
        receiver = hashlib.sha256(url.encode()).hexdigest()[:16]
        enqueue(
            session,
            channel="webhook",
            destination=url,
            subject=f"{event} {incident.id}",
            text=f"Incident {incident.id} {event.removeprefix('incident.')}: {incident.title}",
            idempotency_key=f"incident-{incident.id}-{event}-{now.isoformat()}-{receiver}",
            now=now,
            payload=payload,
        )
    return len(policy.spec.webhooks)


def incident_payload(incident: Incident) -> dict[str, Any]:
    def when(instant: datetime | None) -> str | None:
        return instant.isoformat() if instant is not None else None

    return {
        "id": incident.id,
        "title": incident.title,
        "priority": incident.priority,
        "status": incident.status,
        "source": incident.source,
        "declared_at": when(incident.declared_at),
        "declared_by": incident.declared_by,
        "mitigated_at": when(incident.mitigated_at),
        "resolved_at": when(incident.resolved_at),
        "reviewed_at": when(incident.reviewed_at),
        "review_due_at": when(incident.review_due_at),
        "last_update_at": when(incident.last_update_at),
    }
