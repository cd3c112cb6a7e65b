"""The dashboard's Incidents panel: the open incidents with their lead and comms lead, at the
top of the main column; nothing when none is open."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from dutydesk.incidents import service
from dutydesk.incidents.models import COMMS, LEAD, Incident, IncidentRole
from dutydesk.web.panels import Board, PanelView

SHOWN = 5


@dataclass(frozen=True)
class IncidentRow:
    incident: Incident
    lead: str
    comms: str


def incidents_panel(board: Board) -> PanelView | None:
    """The open incidents, newest first; None (no panel) when there are none."""
    session = board.session
    found = service.list_incidents(session, limit=SHOWN)
    if not found:
        return None
    holders: dict[tuple[int, str], str | None] = {
        (row.incident_id, row.role): row.person_id
        for row in session.scalars(
            select(IncidentRole).where(
                IncidentRole.incident_id.in_([i.id for i in found]),
                IncidentRole.ended_at.is_(None),
            )
        )
    }

    def name(incident_id: int, role: str) -> str:
        person_id = holders.get((incident_id, role))
        return board.person_names.get(person_id, person_id) if person_id else "nobody"

    rows = [IncidentRow(i, name(i.id, LEAD), name(i.id, COMMS)) for i in found]
    return PanelView("incidents/_dashboard.html", {"rows": rows})
