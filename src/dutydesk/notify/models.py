"""Notification tables: the outbox of messages to deliver, and the log of delivery attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

# What a message can be: waiting for its first attempt, waiting for a retry after a failed
# attempt, delivered, or given up on (after the last attempt, or a permanent refusal).
STATUSES = ("pending", "failed", "sent", "dead")
DUE_STATUSES = ("pending", "failed")


class OutboxMessage(Base):
    """One message to deliver on one channel; its row is the only record that it is due."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_due_at", "status", "due_at"),
        Index("ix_outbox_messages_rate_key_sent_at", "rate_key", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Given by whoever enqueued it; a second enqueue with the same key is a no-op, and the key
    # travels to receivers (webhook header, e-mail Message-ID) so they can drop a duplicate.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(2000))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Messages sharing a rate key (a contact) are limited to a few a minute; None: no limit.
    rate_key: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # SQLite only: the worker holding the message while it sends, and until when. PostgreSQL
    # holds a row lock instead, in the transaction that records the outcome.
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeliveryAttempt(Base):
    """One attempt to deliver a message, successful or not: the delivery log."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # sent, failed (to be retried) or dead (given up).
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
    worker_id: Mapped[str] = mapped_column(String(120))
