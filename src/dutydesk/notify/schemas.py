"""JSON shapes of the delivery log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from dutydesk.notify.channels.dispatch import shown_destination
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage


class AttemptRead(BaseModel):
    """One attempt to deliver a message."""

    attempt: int = Field(description="1 for the first attempt, 2 for the first retry, …")
    attempted_at: datetime
    outcome: str = Field(examples=["failed"], description="sent, failed (retried) or dead.")
    error: str | None = Field(description="Why it failed, without secrets.")
    duration_ms: int
    worker: str


class DeliveryRead(BaseModel):
    """A message in the outbox, with its delivery log."""

    id: int
    idempotency_key: str
    channel: str = Field(examples=["email"])
    destination: str = Field(description="Where to; URLs are shown without tokens.")
    subject: str
    status: str = Field(
        examples=["sent"],
        description="pending (not tried yet), failed (will be retried), sent, dead (given up).",
    )
    attempts: int
    created_at: datetime
    due_at: datetime = Field(description="When the next attempt is due (if any).")
    sent_at: datetime | None
    last_error: str | None
    log: list[AttemptRead]


def delivery_read(message: OutboxMessage, attempts: Sequence[DeliveryAttempt]) -> DeliveryRead:
    """A message and its attempts as the CLI and the API show them."""
    return DeliveryRead(
        id=message.id,
        idempotency_key=message.idempotency_key,
        channel=message.channel,
        destination=shown_destination(message.channel, message.destination),
        subject=message.subject,
        status=message.status,
        attempts=message.attempts,
        created_at=message.created_at,
        due_at=message.due_at,
        sent_at=message.sent_at,
        last_error=message.last_error,
        log=[
            AttemptRead(
                attempt=a.attempt,
                attempted_at=a.attempted_at,
                outcome=a.outcome,
                error=a.error,
                duration_ms=a.duration_ms,
                worker=a.worker_id,
            )
            for a in attempts
        ],
    )
