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

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from dutydesk.mailin import InboundMail, Refusal, RefusalCode, read_message
from dutydesk.tickets import service
from dutydesk.tickets.mail_lookups import MailLookups, stored_message_id
from dutydesk.tickets.mail_out import queue_acknowledgement
from dutydesk.tickets.models import (
    SUBJECT_LENGTH,
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


def read_raw(raw: bytes, limits: Limits) -> InboundMail | Refusal:
    """Read a message within the limits (no database: done before its transaction)."""
    return read_message(
        raw, max_attachment_bytes=limits.attachment_bytes, max_message_bytes=limits.message_bytes
    )


def file_raw(
    session: Session, policy: SupportPolicy, raw: bytes, limits: Limits, now: datetime
) -> Filed:
    """Read `raw` and file it; a refusal is recorded (with the bytes, unless too large)."""
    return file_reading(session, policy, raw, read_raw(raw, limits), now)


def file_reading(
    session: Session,
    policy: SupportPolicy,
    raw: bytes,
    reading: InboundMail | Refusal,
    now: datetime,
    lookups: MailLookups | None = None,
) -> Filed:
    """File what reading `raw` gave: the mail, or the refusal (with the bytes, unless too
    large). `lookups`: those of the batch `raw` is filed with."""
    if isinstance(reading, Refusal):
        return _keep_refused(session, raw, reading, now)
    return file_mail(session, policy, reading, now, lookups)


def file_mail(
    session: Session,
    policy: SupportPolicy,
    mail: InboundMail,
    now: datetime,
    lookups: MailLookups | None = None,
) -> Filed:
    """File a message that was read: a new ticket, a message on one, or a skip. `lookups`:
    those of the batch it is filed with (by default its own, asked as it goes)."""
    lookups = lookups or MailLookups(session)
    message_id = stored_message_id(mail.message_id)
    already = lookups.ticket_number_of([message_id])
    if already is not None:
        return Filed("duplicate", already, f"message {message_id} is on ticket #{already}")
    ticket = _thread(lookups, mail)
    joins = ticket is not None and ticket.status != "closed" and not service.is_mirrored(ticket)
    incoming = service.Incoming(
        body_text=mail.text,
        author_email=mail.from_address,
        author_name=mail.from_name or None,
        full_text=mail.full_text,
        body_html=mail.html_sanitised,
        message_id=message_id,
        message_id_is_new=True,  # asked of `lookups` above
    )
    if mail.auto_reply is not None:
        if ticket is None or not joins:
            why = f"automatic message on no open ticket: {mail.auto_reply.reason}"
            return Filed("skipped", None, why)
        added = service.add_automatic_message(session, ticket, incoming, now)
        _keep_attachments(session, added, mail)
        lookups.filed(message_id, ticket)
        return Filed("message", ticket.id, f"automatic: {mail.auto_reply.reason}")
    if ticket is not None and joins:
        added = service.add_tenant_message(session, policy, ticket, incoming, now)
        _keep_attachments(session, added, mail)
        lookups.filed(message_id, ticket)
        return Filed("message", ticket.id, "joined its thread")
    follow_up = ""
    if ticket is not None:
        follow_up = (
            f" (about ticket #{ticket.id}, which is answered in Zendesk)"
            if service.is_mirrored(ticket)
            else f" (follows up closed ticket #{ticket.id})"
        )
    opened = service.open_with_message(
        session,
        policy,
        subject=_fitting_subject(mail.subject),
        first=incoming,
        source="mail",
        actor="mail",
        now=now,
        tenant_of=lookups.tenant_of,
    )
    _keep_attachments(session, opened.first, mail)
    queue_acknowledgement(session, opened.ticket, opened.first, now)
    lookups.filed(message_id, opened.ticket)
    return Filed("ticket", opened.ticket.id, f"opened{follow_up}")


def _thread(lookups: MailLookups, mail: InboundMail) -> Ticket | None:
    """The ticket a message answers, if any (see the module's rules)."""
    ids = [stored_message_id(i) for i in (*mail.in_reply_to, *reversed(mail.references))]
    if ids:
        found = lookups.ticket_number_of(ids)
        if found is not None:
            return lookups.ticket(found)
    if mail.ticket_reference is None or mail.from_address is None:
        return None
    ticket = lookups.ticket(mail.ticket_reference)
    if ticket is None:
        return None
    if ticket.requester_email == mail.from_address:
        return ticket
    sender_tenant = lookups.tenant_of(mail.from_address)
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
            message_id=stored_message_id(refusal.message_id),
            size=refusal.size,
            raw=None if refusal.code == RefusalCode.TOO_LARGE else raw,
        )
    )
    session.flush()
    return Filed("refused", None, refusal.reason, refusal.code)


def _fitting_subject(subject: str) -> str:
    """The subject as a ticket keeps it: mail may carry a longer one than a ticket holds (the
    reader keeps up to a line's worth), and a message is never refused or lost for that; the
    ticket keeps its start and an ellipsis."""
    if len(subject) <= SUBJECT_LENGTH:
        return subject
    return subject[: SUBJECT_LENGTH - 1] + "…"
