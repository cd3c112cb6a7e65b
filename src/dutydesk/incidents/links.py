"""Alerts and tickets attached to an incident. A linked alert's acknowledgement and resolution
go into the timeline (alert_reactions.py); when the incident is resolved, the tenant of each
linked ticket gets a reply on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert
from dutydesk.errors import Conflict, DutydeskError, NotFound
from dutydesk.incidents import timeline
from dutydesk.incidents.models import Incident, IncidentAlert, IncidentTicket
from dutydesk.incidents.policy import IncidentPolicy
from dutydesk.tickets import service as tickets
from dutydesk.tickets.models import Ticket


def link_alert(
    session: Session, incident: Incident, alert_id: int, *, actor: str, now: datetime
) -> Alert:
    """Attach an alert; Conflict when it is attached already."""
    alert = session.get(Alert, alert_id) if 1 <= alert_id <= 2_147_483_647 else None
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    if session.get(IncidentAlert, (incident.id, alert_id)) is not None:
        raise Conflict(f"alert {alert_id} is linked to incident {incident.id} already")
    session.add(IncidentAlert(incident_id=incident.id, alert_id=alert_id, linked_at=now))
    timeline.automatic(
        session,
        incident,
        "alert",
        f"Alert {alert.id} linked by {actor} ({alert.status}): {alert.summary}",
        now,
        {"alert": alert.id},
    )
    session.flush()
    return alert


def link_ticket(
    session: Session, incident: Incident, ticket_id: int, *, actor: str, now: datetime
) -> Ticket:
    """Attach a ticket; Conflict when it is attached already."""
    ticket = tickets.get_ticket(session, ticket_id)
    if session.get(IncidentTicket, (incident.id, ticket_id)) is not None:
        raise Conflict(f"ticket #{ticket_id} is linked to incident {incident.id} already")
    session.add(IncidentTicket(incident_id=incident.id, ticket_id=ticket_id, linked_at=now))
    timeline.automatic(
        session,
        incident,
        "ticket",
        f"Ticket #{ticket.id} linked by {actor}: {ticket.subject}",
        now,
        {"ticket": ticket.id},
    )
    session.flush()
    return ticket


def linked_alerts(session: Session, incident_id: int) -> Sequence[Alert]:
    return session.scalars(
        select(Alert)
        .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
        .where(IncidentAlert.incident_id == incident_id)
        .order_by(Alert.id)
    ).all()


def linked_tickets(session: Session, incident_id: int) -> Sequence[Ticket]:
    return session.scalars(
        select(Ticket)
        .join(IncidentTicket, IncidentTicket.ticket_id == Ticket.id)
        .where(IncidentTicket.incident_id == incident_id)
        .order_by(Ticket.id)
    ).all()


def answer_linked_tickets(
    session: Session, policy: IncidentPolicy, incident: Incident, *, actor: str, now: datetime
) -> int:
    """Reply on every linked ticket still open that the incident is resolved; a ticket that
    cannot be answered from here (mirrored, closed) gets an internal note saying so. How many
    tenants were answered."""
    answered = 0
    for ticket in linked_tickets(session, incident.id):
        if ticket.status in ("solved", "closed"):
            continue
        body = (
            "The incident behind your request has been resolved: "
            f"{incident.title}.\nIf anything still does not work for you, reply to this"
            " message and we will pick it up."
        )
        try:
            tickets.reply(session, policy.support, ticket, body, actor=actor, now=now)
        except DutydeskError as error:
            tickets.add_note(
                session,
                ticket,
                f"Incident {incident.id} is resolved; the tenant was not answered from here:"
                f" {error.message}",
                actor=actor,
                now=now,
            )
            continue
        answered += 1
        timeline.automatic(
            session,
            incident,
            "ticket",
            f"Ticket #{ticket.id}: its tenant was told the incident is resolved",
            now,
            {"ticket": ticket.id},
        )
    return answered
