"""Webhooks a ticket sends when it is created, when an answer comes overdue and when it is
solved: signed JSON through the outbox (docs/notifications.md), one message per receiver and
event, with keys that make a retried pass send nothing twice."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dutydesk.notify.service import enqueue
from dutydesk.tickets.models import Ticket
from dutydesk.tickets.policy import SupportPolicy

CREATED = "ticket.created"
BREACHED = "ticket.breached"
SOLVED = "ticket.solved"


def send_event(
    session: Session, policy: SupportPolicy, ticket: Ticket, event: str, now: datetime
) -> int:
    """Queue `event` about `ticket` for every receiver in `support: webhooks`; returns how
    many. The key names the ticket, the event and its moment (a ticket solved twice sends
    twice), and the receiver."""
    moment = {CREATED: ticket.created_at, BREACHED: ticket.answer_due_at, SOLVED: now}[event]
    payload = {"event": event, "at": now.isoformat(), "ticket": _ticket_payload(ticket)}
    for url in policy.webhooks:
        receiver = hashlib.sha256(url.encode()).hexdigest()[:16]
        when = moment.isoformat() if moment is not None else "none"
        enqueue(
            session,
            channel="webhook",
            destination=url,
            subject=f"{event} #{ticket.id}",
            text=f"Ticket #{ticket.id} {event.removeprefix('ticket.')}: {ticket.subject}",
            idempotency_key=f"ticket-{ticket.id}-{event}-{when}-{receiver}",
            now=now,
            payload=payload,
        )
    return len(policy.webhooks)


def _ticket_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "subject": ticket.subject,
        "tenant": ticket.tenant_id,
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id,
        "source": ticket.source,
        "external_url": ticket.external_url,
        "created_at": ticket.created_at.isoformat(),
        "answer_due_at": ticket.answer_due_at.isoformat() if ticket.answer_due_at else None,
        "breached_at": ticket.breached_at.isoformat() if ticket.breached_at else None,
    }
