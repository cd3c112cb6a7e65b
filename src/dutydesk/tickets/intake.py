"""Mail in: a message becomes a ticket, a message on one, a refusal kept for a person, or a
documented skip — never lost, never a crash (docs/tickets-mail.md).

- The same Message-ID never makes a second ticket or message.
- A message joins a ticket by In-Reply-To and References first (any id of the thread, ours or
  the tenant's), then by the `[#123]` in its subject — and by the subject only when the sender
  is the ticket's requester or at the ticket's tenant, so nobody can write into another
  organisation's ticket by typing its number.
- A closed ticket takes no more messages: the message opens a new ticket. Nor does a ticket
  mirrored from Zendesk (it is answered there, and would never see the message): the message
  opens a ticket of its own.
- An automatic message (an out-of-office reply, a bounce, a mailing list) is added to the
  ticket it answers without reopening it, makes no ticket of its own, and never gets an
  acknowledgement: no mail loops.
- A new ticket from a person gets an acknowledgement naming its number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.mailin import InboundMail, Refusal, RefusalCode, read_message
from dutydesk.tenants.service import tenant_of_address
from dutydesk.tickets import service
from dutydesk.tickets.mail_out import queue_acknowledgement
from dutydesk.tickets.models import (
    MESSAGE_ID_LENGTH,
    RefusedMail,
    Ticket,
    TicketAttachment,
    TicketMessage,
)
from dutydesk.tickets.policy import SupportPolicy

Outcome = Literal["ticket", "message", "duplicate", "skipped", "refused"]
# Refusals a sending mail server should bounce back (the sender can act on them); the others
# are kept here for a person.
BOUNCED = (RefusalCode.TOO_LARGE, RefusalCode.EMPTY, RefusalCode.NOT_A_MESSAGE)


@dataclass(frozen=True)
class Filed:
    """What became of a message; `refusal` says why one was not read."""

    outcome: Outcome
    ticket_id: int | None
    reason: str
    refusal: RefusalCode | None = None

    @property
    def bounced(self) -> bool:
        """Whether a sending mail server should return the message to its sender."""
        return self.refusal in BOUNCED


@dataclass(frozen=True)
class Limits:
    """How large a message and each attachment may be, in bytes."""

    message_bytes: int
    attachment_bytes: int


def file_raw(
    session: Session, policy: SupportPolicy, raw: bytes, limits: Limits, now: datetime
) -> Filed:
    """Read `raw` and file it; a refusal is recorded (with the bytes, unless too large)."""
    reading = read_message(
        raw, max_attachment_bytes=limits.attachment_bytes, max_message_bytes=limits.message_bytes
    )
    if isinstance(reading, Refusal):
        return _keep_refused(session, raw, reading, now)
    return file_mail(session, policy, reading, now)


def file_mail(session: Session, policy: SupportPolicy, mail: InboundMail, now: datetime) -> Filed:
    """File a message that was read: a new ticket, a message on one, or a skip."""
    message_id = _fitting(mail.message_id)
    already = session.scalar(
        select(TicketMessage.ticket_id).where(TicketMessage.message_id == message_id)
    )
    if already is not None:
        return Filed("duplicate", already, f"message {message_id} is on ticket #{already}")
    ticket = _thread(session, mail)
    joins = ticket is not None and ticket.status != "closed" and not service.is_mirrored(ticket)
    incoming = service.Incoming(
        body_text=mail.text,
        author_email=mail.from_address,
        author_name=mail.from_name or None,
        full_text=mail.full_text,
        body_html=mail.html_sanitised,
        message_id=message_id,
    )
    if mail.auto_reply is not None:
        if ticket is None or not joins:
            why = f"automatic message on no open ticket: {mail.auto_reply.reason}"
            return Filed("skipped", None, why)
        added = service.add_automatic_message(session, ticket, incoming, now)
        _keep_attachments(session, added, mail)
        return Filed("message", ticket.id, f"automatic: {mail.auto_reply.reason}")
    if ticket is not None and joins:
        added = service.add_tenant_message(session, policy, ticket, incoming, now)
        _keep_attachments(session, added, mail)
        return Filed("message", ticket.id, "joined its thread")
    follow_up = ""
    if ticket is not None:
        follow_up = (
            f" (about ticket #{ticket.id}, which is answered in Zendesk)"
            if service.is_mirrored(ticket)
            else f" (follows up closed ticket #{ticket.id})"
        )
    opened = service.open_ticket(
        session,
        policy,
        subject=mail.subject,
        first=incoming,
        source="mail",
        actor="mail",
        now=now,
    )
    [first] = service.thread_of(session, opened.id)
    _keep_attachments(session, first, mail)
    queue_acknowledgement(session, opened, first, now)
    return Filed("ticket", opened.id, f"opened{follow_up}")


def _thread(session: Session, mail: InboundMail) -> Ticket | None:
    """The ticket a message answers, if any (see the module's rules)."""
    ids = [_fitting(i) for i in (*mail.in_reply_to, *reversed(mail.references))]
    if ids:
        found = session.scalars(
            select(TicketMessage.ticket_id).where(TicketMessage.message_id.in_(ids))
        ).first()
        if found is not None:
            return session.get(Ticket, found)
    if mail.ticket_reference is None or mail.from_address is None:
        return None
    ticket = session.get(Ticket, mail.ticket_reference)
    if ticket is None:
        return None
    if ticket.requester_email == mail.from_address:
        return ticket
    sender_tenant = tenant_of_address(session, mail.from_address)
    if ticket.tenant_id is not None and sender_tenant == ticket.tenant_id:
        return ticket
    return None


def _keep_attachments(session: Session, message: TicketMessage, mail: InboundMail) -> None:
    for attachment in mail.attachments:
        session.add(
            TicketAttachment(
                message_id=message.id,
                filename=attachment.filename[:255],
                content_type=attachment.content_type[:255],
                size=attachment.size,
                sha256=attachment.sha256,
                data=attachment.content,
            )
        )
    for skipped in mail.skipped_attachments:
        session.add(
            TicketAttachment(
                message_id=message.id,
                filename=skipped.filename[:255],
                content_type=skipped.content_type[:255],
                size=skipped.size,
                sha256="",
                data=None,
                skipped=skipped.reason[:200],
            )
        )


def _keep_refused(session: Session, raw: bytes, refusal: Refusal, now: datetime) -> Filed:
    session.add(
        RefusedMail(
            received_at=now,
            code=str(refusal.code),
            reason=refusal.reason[:500],
            message_id=_fitting(refusal.message_id),
            size=refusal.size,
            raw=None if refusal.code == RefusalCode.TOO_LARGE else raw,
        )
    )
    session.flush()
    return Filed("refused", None, refusal.reason, refusal.code)


def _fitting(message_id: str) -> str:
    """A Message-ID as stored: one longer than the column is cut and marked with its hash, so
    two long ids that share a beginning stay apart."""
    if len(message_id) <= MESSAGE_ID_LENGTH:
        return message_id
    digest = hashlib.sha256(message_id.encode()).hexdigest()[:32]
    return f"{message_id[: MESSAGE_ID_LENGTH - 34]}#{digest}>"
