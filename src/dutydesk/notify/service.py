"""Notification use cases: put a message in the outbox, read the delivery log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Insert, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dutydesk.errors import Invalid, NotFound
from dutydesk.metrics.commits import count_on_commit
from dutydesk.notify.channels.dispatch import CHANNELS, check_destination
from dutydesk.notify.models import DUE_STATUSES, STATUSES, DeliveryAttempt, OutboxMessage

MAX_KEY_LENGTH = 200
MAX_SUBJECT_LENGTH = 500
MAX_DESTINATION_LENGTH = 2000
# Channels people read: limited per contact by default. Webhooks and Slack topic or user
# group updates are machine-to-machine and are limited only when the caller names a rate key.
_RATE_LIMITED_BY_DEFAULT = ("email", "slack", "apprise")


# Channels whose message sets a state (a topic, a group's members): only the newest matters.
_STATE_CHANNELS = frozenset({"slack_topic", "slack_usergroup"})


def _supersede(session: Session, channel: str, destination: str, now: datetime) -> None:
    """Give up older unsent state updates for a destination, so a retry cannot undo a newer one.

    After an outage, a topic queued at 12:30 that failed would otherwise be retried and land
    after the 13:15 one, leaving the channel naming the wrong person.
    """
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.destination == destination,
            OutboxMessage.status.in_(DUE_STATUSES),
        )
        .values(status="dead", last_error=f"superseded by a newer update at {now.isoformat()}")
    )


def enqueue(
    session: Session,
    *,
    channel: str,
    destination: str,
    subject: str,
    text: str,
    idempotency_key: str,
    now: datetime,
    due_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
    rate_key: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits).

    A second enqueue with the same idempotency key is a no-op that returns the first message.
    """
    _check(channel, destination, subject, idempotency_key, payload)
    existing = find_message_by_key(session, idempotency_key)
    if existing is not None:
        return existing
    if channel in _STATE_CHANNELS:
        _supersede(session, channel, destination, now)
    if rate_key is None and channel in _RATE_LIMITED_BY_DEFAULT:
        rate_key = f"{channel}:{destination.lower()}"
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        channel=channel,
        destination=destination,
        subject=subject,
        text=text,
        payload=payload,
        rate_key=rate_key,
        status="pending",
        attempts=0,
        created_at=now,
        due_at=due_at or now,
    )
    try:
        # A savepoint, so that losing a race with another transaction enqueueing the same key
        # leaves the caller's transaction usable.
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        existing = find_message_by_key(session, idempotency_key)
        if existing is None:
            raise
        return existing
    count_on_commit(session, "outbox_queued", channel)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message for `enqueue_many`: what `enqueue` takes, as a value."""

    channel: str
    destination: str
    subject: str
    text: str
    idempotency_key: str
    due_at: datetime | None = None
    payload: dict[str, Any] | None = None
    rate_key: str | None = None


def enqueue_many(session: Session, messages: Sequence[Outgoing], now: datetime) -> int:
    """Add messages to the outbox in the caller's transaction with one statement (the caller
    commits); returns how many were added. As with `enqueue`, a key already in the outbox, or
    taken by an earlier message of `messages`, adds nothing. Every message is checked before
    any is added. Channels that set a state (a Slack topic) take `enqueue`, which supersedes."""
    rows: dict[str, dict[str, Any]] = {}
    for message in messages:
        _check(
            message.channel,
            message.destination,
            message.subject,
            message.idempotency_key,
            message.payload,
        )
        if message.channel in _STATE_CHANNELS:
            raise Invalid(f"channel: {message.channel} messages are queued one at a time")
        rate_key = message.rate_key
        if rate_key is None and message.channel in _RATE_LIMITED_BY_DEFAULT:
            rate_key = f"{message.channel}:{message.destination.lower()}"
        rows.setdefault(
            message.idempotency_key,
            {
                "idempotency_key": message.idempotency_key,
                "channel": message.channel,
                "destination": message.destination,
                "subject": message.subject,
                "text": message.text,
                "payload": message.payload,
                "rate_key": rate_key,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "due_at": message.due_at or now,
            },
        )
    if not rows:
        return 0
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for row in rows.values():
        by_channel.setdefault(row["channel"], []).append(row)
    # A key already taken (by this transaction, another, or a message long sent) is skipped by
    # the database itself: no read before the write, no savepoint, one statement per channel
    # (its count of rows added is the channel's count of messages queued).
    added = 0
    for channel, channel_rows in by_channel.items():
        result = session.execute(_insert_new(session), channel_rows)
        count = max(result.rowcount, 0)  # type: ignore[attr-defined]
        if count:
            count_on_commit(session, "outbox_queued", channel, times=count)
        added += count
    return added


def _insert_new(session: Session) -> Insert:
    """INSERT into the outbox that skips a row whose idempotency key is taken."""
    table, key = cast(Table, OutboxMessage.__table__), ["idempotency_key"]
    statement: Insert
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=key)
    else:
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=key)
    # SQLAlchemy keeps an INSERT's row count only when asked.
    return statement.execution_options(preserve_rowcount=True)


def _check(
    channel: str,
    destination: str,
    subject: str,
    idempotency_key: str,
    payload: dict[str, Any] | None,
) -> None:
    if channel not in CHANNELS:
        raise Invalid(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}")
    if not destination or len(destination) > MAX_DESTINATION_LENGTH:
        raise Invalid(f"destination: 1 to {MAX_DESTINATION_LENGTH} characters")
    if not 0 < len(idempotency_key) <= MAX_KEY_LENGTH or not all(
        "\x21" <= c <= "\x7e" for c in idempotency_key
    ):
        # The key travels in an HTTP header and an e-mail header: printable ASCII, no spaces.
        raise Invalid(
            f"idempotency_key: 1 to {MAX_KEY_LENGTH} printable ASCII characters, no spaces"
        )
    if len(subject) > MAX_SUBJECT_LENGTH or any(c in subject for c in "\r\n\x00"):
        raise Invalid(f"subject: one line of at most {MAX_SUBJECT_LENGTH} characters")
    if payload is not None and not isinstance(payload, dict):
        raise Invalid("payload: a JSON object")
    check_destination(channel, destination, payload)


def find_message_by_key(session: Session, idempotency_key: str) -> OutboxMessage | None:
    """The message enqueued with this idempotency key, if any."""
    return session.scalar(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    )


def get_message(session: Session, message_id: int) -> OutboxMessage:
    """One message of the outbox; NotFound if there is none with that id."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"no message {message_id} in the outbox")
    return message


def list_deliveries(
    session: Session, *, status: str | None = None, limit: int = 50
) -> Sequence[OutboxMessage]:
    """The newest messages of the outbox (optionally of one status), newest first."""
    if status is not None and status not in STATUSES:
        raise Invalid(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    if not 1 <= limit <= 1000:
        raise Invalid("limit: 1 to 1000")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return session.scalars(query).all()


def attempts_of(session: Session, message_ids: Sequence[int]) -> dict[int, list[DeliveryAttempt]]:
    """The delivery log of each message, oldest attempt first."""
    found: dict[int, list[DeliveryAttempt]] = {message_id: [] for message_id in message_ids}
    if not message_ids:
        return found
    rows = session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.message_id.in_(message_ids))
        .order_by(DeliveryAttempt.message_id, DeliveryAttempt.id)
    )
    for attempt in rows:
        found[attempt.message_id].append(attempt)
    return found
