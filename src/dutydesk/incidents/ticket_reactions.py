"""Incidents hear of P1 tickets: a P1 ticket is always an incident.

Tickets announce a ticket that became P1 through `dutydesk.tickets.reactions.TicketReactions`;
this declares its incident (unless an open one already has the ticket), in the same
transaction, so the ticket and its incident are stored together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.incidents.models import OPEN_STATUSES, TITLE_LENGTH, Incident, IncidentTicket
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.service import Declaration, declare
from dutydesk.text import one_line
from dutydesk.tickets.models import Ticket


class IncidentForP1:
    """Incidents' side of `TicketReactions`; `base_url` for the links in its messages."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def became_p1(self, session: Session, ticket: Ticket, *, actor: str, now: datetime) -> None:
        if open_incident_of(session, ticket.id) is not None:
            return
        title = one_line(f"P1 ticket #{ticket.id}: {ticket.subject}")[:TITLE_LENGTH]
        declare(
            session,
            incident_policy(session),
            Declaration(title=title, priority="P1", source="ticket", ticket_ids=(ticket.id,)),
            actor=actor,
            person_id=None,
            now=now,
            base_url=self.base_url,
        )


def open_incident_of(session: Session, ticket_id: int) -> int | None:
    """The open incident the ticket is linked to, if any."""
    return session.scalar(
        select(IncidentTicket.incident_id)
        .join(Incident, Incident.id == IncidentTicket.incident_id)
        .where(IncidentTicket.ticket_id == ticket_id, Incident.status.in_(OPEN_STATUSES))
        .limit(1)
    )
