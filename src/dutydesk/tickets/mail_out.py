"""Mail a ticket sends: public replies to the requester, threaded so that their answer comes
back to the ticket, and word of changes to the people following it. Queued in the outbox in
the caller's transaction, with keys naming the message, so nothing is sent twice."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.notify.service import Outgoing, enqueue, enqueue_many
from dutydesk.people.models import Person
from dutydesk.tickets.models import Ticket, TicketFollower, TicketMessage

_REFERENCE_RE = re.compile(r"\[#(\d+)\]")


def ticket_subject(ticket: Ticket) -> str:
    """ "[#123] Deploys fail": the reference a tenant's answer is matched by when their mail
    client drops In-Reply-To."""
    if _REFERENCE_RE.search(ticket.subject):
        return ticket.subject
    return f"[#{ticket.id}] {ticket.subject}"


def reply_mail_key(reply_id: int) -> str:
    """The outbox key of a reply's mail: one mail per reply, whatever retries."""
    return f"ticket-reply-{reply_id}"


def queue_reply_mail(session: Session, ticket: Ticket, reply: TicketMessage, now: datetime) -> bool:
    """E-mail a public reply to the requester; False when the ticket has no address to answer."""
    if ticket.requester_email is None:
        return False
    thread = [
        message_id
        for message_id in session.scalars(
            select(TicketMessage.message_id)
            .where(
                TicketMessage.ticket_id == ticket.id,
                TicketMessage.kind != "note",
                TicketMessage.id != reply.id,
                TicketMessage.message_id.is_not(None),
            )
            .order_by(TicketMessage.created_at, TicketMessage.id)
        )
        if message_id is not None
    ]
    last_from_tenant = session.scalar(
        select(TicketMessage.message_id)
        .where(
            TicketMessage.ticket_id == ticket.id,
            TicketMessage.kind == "tenant",
            TicketMessage.message_id.is_not(None),
        )
        .order_by(TicketMessage.created_at.desc(), TicketMessage.id.desc())
        .limit(1)
    )
    enqueue(
        session,
        channel="email",
        destination=ticket.requester_email,
        subject=ticket_subject(ticket)[:300],
        text=(
            # "-- " opens a signature, which mail clients and our own intake leave out of a quote.
            f"{reply.body_text}\n\n-- \n"
            f"Ticket #{ticket.id}: {ticket.subject}\n"
            "Reply to this e-mail to answer; keep [#"
            f"{ticket.id}] in the subject."
        ),
        idempotency_key=reply_mail_key(reply.id),
        now=now,
        payload={
            "email": {
                "message_id": reply.message_id,
                "in_reply_to": last_from_tenant,
                "references": thread,
            }
        },
    )
    return True


def queue_acknowledgement(
    session: Session, ticket: Ticket, first: TicketMessage, now: datetime
) -> bool:
    """Tell the requester their mail became ticket #n, in its thread; False when there is no
    address to tell. Never for an automatic message (the intake's rule): no mail loops."""
    if ticket.requester_email is None:
        return False
    # One statement (the outbox skips a key it has): every new ticket from mail comes here.
    enqueue_many(
        session,
        [
            Outgoing(
                channel="email",
                destination=ticket.requester_email,
                subject=ticket_subject(ticket)[:300],
                text=(
                    f"We have your request and it is ticket #{ticket.id}: {ticket.subject}\n"
                    "We will answer as soon as we can. To add to it, reply to this e-mail and"
                    f" keep [#{ticket.id}] in the subject."
                ),
                idempotency_key=f"ticket-ack-{ticket.id}",
                payload={
                    "email": {
                        "message_id": f"<ticket-{ticket.id}.ack@dutydesk>",
                        "in_reply_to": first.message_id,
                        "references": [first.message_id] if first.message_id else [],
                    }
                },
            )
        ],
        now,
    )
    return True


def tell_followers(
    session: Session, ticket: Ticket, what: str, key: str, now: datetime, *, but: str | None = None
) -> int:
    """Tell each follower (but the one who did it) what happened; returns messages queued."""
    queued = 0
    followers = session.scalars(
        select(Person)
        .join(TicketFollower, TicketFollower.person_id == Person.id)
        .where(TicketFollower.ticket_id == ticket.id)
        .order_by(Person.id)
    )
    for person in followers:
        if person.id == but:
            continue
        for channel, destination in (("email", person.email), ("slack", person.slack)):
            if destination:
                enqueue(
                    session,
                    channel=channel,
                    destination=destination,
                    subject=f"[Dutydesk] {ticket_subject(ticket)}"[:300],
                    text=f"{what}\n{ticket.subject}",
                    idempotency_key=f"ticket-follow-{key}-{person.id}-{channel}",
                    now=now,
                )
                queued += 1
    return queued
