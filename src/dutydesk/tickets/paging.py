"""Tickets that page: an alert on the support policy's `page_service`, so its escalation
policy pages whoever is on call and the page is acknowledged and resolved like any alert.

One alert per ticket and reason (its dedup key names both), so a breach pages once however
often the worker passes, and a P1 that is also overdue is still one page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dutydesk.alerts.service import AlertFields, trigger
from dutydesk.tickets.models import Ticket

ACTOR = "tickets"
SOURCE = "dutydesk tickets"


def page_for(session: Session, ticket: Ticket, service_id: str, reason: str, now: datetime) -> bool:
    """Raise the ticket's alert on `service_id` for `reason` ("breach", "priority"); False when
    it is open already (no second page)."""
    tenant = f" ({ticket.tenant_id})" if ticket.tenant_id else ""
    what = "answer overdue" if reason == "breach" else f"{ticket.priority} ticket"
    fields = AlertFields(
        summary=f"Ticket #{ticket.id}{tenant}, {what}: {ticket.subject}"[:1024],
        source=SOURCE,
        severity="critical" if ticket.priority == "P1" else "error",
        component="tickets",
        custom_details={"ticket": ticket.id, "priority": ticket.priority, "reason": reason},
    )
    _, created = trigger(
        session, service_id, f"ticket-{ticket.id}-{reason}", fields, now, actor=ACTOR
    )
    return created
