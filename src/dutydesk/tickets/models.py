"""Tickets, their thread (tenant messages, public replies, internal notes), attachments,
followers, priority changes, and the clock each open ticket runs against its target."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

SUBJECT_LENGTH = 500
EMAIL_LENGTH = 320
NAME_LENGTH = 200
# RFC 5322 allows long Message-IDs; real ones are under 250 characters. Longer ones are hashed
# by the intake to fit (see tickets/mail_lookups.py).
MESSAGE_ID_LENGTH = 400

STATUSES = ("new", "open", "pending", "solved", "closed")
# A ticket's clock runs while it is new or open; pending (waiting on the tenant) pauses it.
RUNNING = ("new", "open")
PRIORITIES = ("P1", "P2", "P3", "P4")
SOURCES = ("mail", "web", "api", "cli", "zendesk")
# Tickets that live in another tool and are mirrored here: answered there, never from here.
MIRRORED_SOURCES = ("zendesk",)
EXTERNAL_ID_LENGTH = 64
# Whose turn a message is: the tenant's message, the team's public reply, or an internal note
# the tenant never sees.
MESSAGE_KINDS = ("tenant", "reply", "note")


class Ticket(Base):
    """A tenant's request. `id` is the number people quote (`[#123]`)."""

    __tablename__ = "tickets"
    __table_args__ = (
        # A mirrored ticket is found by its id in the tool it lives in.
        UniqueConstraint("source", "external_id", name="uq_tickets_source_external_id"),
        # The SLA cycle's question on every pass: which running clocks have a reminder due.
        Index("ix_tickets_next_reminder_at", "next_reminder_at"),
        Index("ix_tickets_status_priority", "status", "priority"),
        # The queue, a page at a time: each status's answers in due order (list_tickets reads
        # a page's worth from each and stops), and its counts from the index alone.
        Index("ix_tickets_status_answer_due_at", "status", "answer_due_at"),
        # Mine and unassigned the same way: a person's (or nobody's) tickets by status, in due
        # order. Its first column serves the foreign key's lookups too.
        Index(
            "ix_tickets_assignee_id_status_answer_due_at", "assignee_id", "status", "answer_due_at"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    requester_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), index=True)
    requester_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    # None until triage gives one: an untriaged ticket has its own target.
    priority: Mapped[str | None] = mapped_column(String(2))
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(EXTERNAL_ID_LENGTH))
    external_url: Mapped[str | None] = mapped_column(String(500))
    # A mirrored ticket: when the tool it lives in last changed it, as far as we have applied
    # (an older update arriving late changes nothing), and the priority that tool last gave it
    # (triage here stands until the tool changes the priority again).
    external_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_priority: Mapped[str | None] = mapped_column(String(16))
    # Indexed for the reports, which read the tickets of a stretch of time.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The clock: which answer is owed ("first_response", then "update"), since when it has run
    # (None while paused or stopped), the support time it used before that, and when the
    # answer falls due. Kept as columns so that the queue sorts by them and the worker finds
    # due reminders with one indexed query.
    clock_kind: Mapped[str | None] = mapped_column(String(16))
    clock_running_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    clock_used_seconds: Mapped[int] = mapped_column(Integer, default=0)
    answer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The next reminder (50%, 75% of the target, then the breach) not yet sent; None: none.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_reminder_stage: Mapped[int | None] = mapped_column(Integer)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class TicketMessage(Base):
    """One message of a ticket's thread: the tenant's, a public reply, or an internal note."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        # A mirrored ticket's comment is kept once, however often the tool sends it.
        Index("uq_ticket_messages_ticket_id_external_id", "ticket_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    author_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    author_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    author_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    # The new words (quotes and signature stripped), the whole text as received, and the
    # sanitised HTML when the message had some.
    body_text: Mapped[str] = mapped_column(Text)
    full_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # The RFC 5322 Message-ID: the sender's for mail in, ours for replies out. Unique, so the
    # same message never makes a second ticket or comment.
    message_id: Mapped[str | None] = mapped_column(String(MESSAGE_ID_LENGTH), unique=True)
    # On a mirrored ticket: the comment's id in the tool it came from ("comment:123"), or
    # "description" for the ticket's description kept before its first comment arrived.
    external_id: Mapped[str | None] = mapped_column(String(EXTERNAL_ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TicketAttachment(Base):
    """A file that came with a message, kept in the database (so backups have it) up to the
    size limit; a larger one is recorded with `data` None and `skipped` saying why."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    skipped: Mapped[str | None] = mapped_column(String(200))


class TicketFollower(Base):
    """A person involved in a ticket: told of its replies and changes."""

    __tablename__ = "ticket_followers"

    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TicketPriorityChange(Base):
    """Who gave a ticket its priority, from what, and why (triage is a decision to explain)."""

    __tablename__ = "ticket_priority_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    old: Mapped[str | None] = mapped_column(String(2))
    new: Mapped[str] = mapped_column(String(2))
    changed_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(1000))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SupportSettings(Base):
    """The team file's `support:` as applied (one row, id "settings"); none: the defaults."""

    __tablename__ = "support_settings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class RefusedMail(Base):
    """A message that could not be filed, kept for a person to look at: its reason and, unless
    it was too large to keep, its bytes. Nothing that arrives is lost."""

    __tablename__ = "refused_mail"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_LENGTH))
    size: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)


class ZendeskDelivery(Base):
    """A webhook delivery from Zendesk already taken, by the SHA-256 of its signature (and of
    its invocation id): the same delivery sent again is refused as a replay until it expires,
    long after its signature's timestamp is too old to be taken anyway."""

    __tablename__ = "zendesk_deliveries"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
