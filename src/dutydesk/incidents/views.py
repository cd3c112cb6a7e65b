"""An incident with everything shown about it, read once for its page, the API and exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert
from dutydesk.incidents import links, service, timeline
from dutydesk.incidents.models import (
    Incident,
    IncidentParticipant,
    IncidentReminder,
    IncidentRole,
    TimelineEdit,
)
from dutydesk.people.service import person_names
from dutydesk.tickets.models import Ticket


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    roles: Sequence[IncidentRole]  # every holding, in the order they started
    participants: Sequence[IncidentParticipant]
    entries: Sequence[timeline.Entry]
    edits: dict[int, list[TimelineEdit]]
    alerts: Sequence[Alert]
    tickets: Sequence[Ticket]
    reminders: dict[str, IncidentReminder]
    people: dict[str, str]  # person id → name

    def name(self, person_id: str | None) -> str:
        if person_id is None:
            return "nobody"
        return self.people.get(person_id, person_id)

    @property
    def current_roles(self) -> dict[str, IncidentRole]:
        return {row.role: row for row in self.roles if row.ended_at is None}


def view_incident(
    session: Session, incident_id: int, *, whole_timeline: bool = True
) -> IncidentView:
    """The incident and what its page shows; NotFound for an unknown number. Without
    `whole_timeline`, only the pinned entries (the page renders the rest once per version)."""
    incident = service.get_incident(session, incident_id)
    entries = (
        timeline.entries(session, incident_id)
        if whole_timeline
        else timeline.entries(session, incident_id, pinned_only=True)
    )
    edited = [entry.id for entry in entries if entry.edited_at is not None]
    reminders = {
        row.kind: row
        for row in session.scalars(
            select(IncidentReminder).where(IncidentReminder.incident_id == incident_id)
        )
    }
    return IncidentView(
        incident=incident,
        roles=service.role_history(session, incident_id),
        participants=service.participants(session, incident_id),
        entries=entries,
        edits=timeline.edits_of(session, edited),
        alerts=links.linked_alerts(session, incident_id),
        tickets=links.linked_tickets(session, incident_id),
        reminders=reminders,
        people=person_names(session),
    )
