"""The delivery cycle: claim due messages, send them, record each attempt and its outcome.

Locking. On PostgreSQL a batch is claimed with SELECT … FOR UPDATE SKIP LOCKED and the row locks
are held while the batch is sent, until the transaction that records the outcomes commits: two
workers never hold the same message, and a killed worker's locks vanish with its connection, so
the messages are due again at once. On SQLite (one writer at a time, and a write lock must not
be held across network calls) a batch is claimed with a lease (`lease_owner`, `lease_until`) in a
short transaction, sent, and its outcomes recorded in a second transaction that only updates rows
the worker still holds; a killed worker's lease simply runs out.

Either way a message is sent at least once and, unless a worker dies between the receiver
accepting a message and the outcome being committed, exactly once. The idempotency key travels
with the message so receivers can drop that rare duplicate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.notify.channels.base import DeliveryFailed, Envelope, PermanentFailure
from dutydesk.notify.channels.dispatch import Senders, shown_destination
from dutydesk.notify.models import DUE_STATUSES, DeliveryAttempt, OutboxMessage
from dutydesk.runtime import Runtime

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# However a message fails or is rate limited, it is given up (and logged) this long after it
# was queued: an announcement a day late is no longer news.
GIVE_UP_AFTER = timedelta(hours=24)
BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
RATE_LIMIT_PER_MINUTE = 10
RATE_WINDOW = timedelta(minutes=1)
# Messages claimed at once by one lane. On PostgreSQL this is also the most a killed worker can
# have sent without recording it, per lane: the size of the at-least-once window.
BATCH_SIZE = 16
# Lanes claim and record batches side by side, so a slow destination (an SMTP server timing
# out) holds up one lane's batch, not the whole worker.
LANES = 4
SEND_THREADS = 16
# How long an SQLite lease lasts: longer than any batch can take (sends have timeouts).
LEASE = timedelta(minutes=5)
# SQLite has one writer at a time, and a writer that finds the lock taken backs off in sleeps
# of up to 100 ms; this worker's own lanes queue here instead, which keeps them fast.
_SQLITE_WRITES = threading.Lock()
# A cycle stops after this many messages so the worker's other cycles get their turn.
MAX_PER_CYCLE = 2000


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, doubling, at most 1 h."""
    exponent = min(max(attempts - 1, 0), 20)
    return timedelta(seconds=min(BACKOFF_FIRST_SECONDS * 2**exponent, BACKOFF_MAX_SECONDS))


@dataclass(frozen=True)
class Outcome:
    """What happened when one message was sent."""

    message_id: int
    started_at: datetime
    finished_at: datetime
    duration_ms: int
    failure: DeliveryFailed | None


class _Budget:
    """How many more messages this cycle may take on, shared by its lanes."""

    def __init__(self, left: int) -> None:
        self._left = left
        self._lock = threading.Lock()

    def take(self, count: int) -> int:
        with self._lock:
            granted = min(count, self._left)
            self._left -= granted
            return granted


def deliver_due(runtime: Runtime, worker_id: str) -> int:
    """The worker cycle: deliver what is due now; returns how many messages it handled."""
    if not _anything_due(runtime, runtime.clock.now()):
        return 0
    senders = Senders.from_runtime(runtime)
    budget = _Budget(MAX_PER_CYCLE)
    try:
        with (
            ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="dutydesk-send") as sends,
            ThreadPoolExecutor(LANES, thread_name_prefix="dutydesk-lane") as lanes,
        ):
            futures = [
                lanes.submit(_drain, runtime, worker_id[:120], senders, sends, budget)
                for _ in range(LANES)
            ]
            return sum(future.result() for future in futures)
    finally:
        senders.close()


def _anything_due(runtime: Runtime, now: datetime) -> bool:
    with unit_of_work(runtime.read_sessions) as session:
        return bool(session.scalar(select(exists(_due(now, 1)))))


def _due(now: datetime, limit: int) -> Select[OutboxMessage]:
    return (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now),
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )


def _drain(
    runtime: Runtime, worker_id: str, senders: Senders, sends: ThreadPoolExecutor, budget: _Budget
) -> int:
    """One lane: batch after batch until nothing is due (or the cycle's budget is spent)."""
    handled = 0
    while (size := budget.take(BATCH_SIZE)) > 0:
        if runtime.engine.dialect.name == "postgresql":
            count = _batch_locked(runtime, worker_id, senders, sends, size)
        else:
            count = _batch_leased(runtime, worker_id, senders, sends, size)
        if count == 0:
            break
        handled += count
    return handled


def _batch_locked(
    runtime: Runtime, worker_id: str, senders: Senders, sends: ThreadPoolExecutor, size: int
) -> int:
    """PostgreSQL: claim, send and record in one transaction that holds the row locks."""
    with unit_of_work(runtime.sessions) as session:
        now = runtime.clock.now()
        claimed = session.scalars(_due(now, size).with_for_update(skip_locked=True)).all()
        if not claimed:
            return 0
        to_send = _apply_rate_limits(session, claimed, now)
        outcomes = _send_all(runtime, senders, sends, to_send)
        _record(session, to_send, outcomes, worker_id)
        session.commit()
    return len(claimed)


def _batch_leased(
    runtime: Runtime, worker_id: str, senders: Senders, sends: ThreadPoolExecutor, size: int
) -> int:
    """SQLite: lease in one short transaction, send, record in another."""
    with _SQLITE_WRITES, unit_of_work(runtime.sessions) as session:
        now = runtime.clock.now()
        claimed = session.scalars(_due(now, size)).all()
        if not claimed:
            return 0
        to_send = _apply_rate_limits(session, claimed, now)
        if to_send:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([m.id for m in to_send]))
                .values(lease_owner=worker_id, lease_until=now + LEASE)
            )
        session.commit()
    outcomes = _send_all(runtime, senders, sends, to_send)
    with _SQLITE_WRITES, unit_of_work(runtime.sessions) as session:
        held = set(
            session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_([m.id for m in to_send]),
                    OutboxMessage.lease_owner == worker_id,
                )
            )
        )
        if len(held) < len(to_send):
            log.warning(
                "%d message(s) outlived their lease while sending; not recorded",
                len(to_send) - len(held),
            )
        _record(session, [m for m in to_send if m.id in held], outcomes, worker_id)
        session.commit()
    return len(claimed)


def _apply_rate_limits(
    session: Session, claimed: Sequence[OutboxMessage], now: datetime
) -> list[OutboxMessage]:
    """The claimed messages to send now; the others are deferred until their contact's window
    has room (never dropped)."""
    keys = {m.rate_key for m in claimed if m.rate_key is not None}
    if not keys:
        return list(claimed)
    used: dict[str, tuple[int, datetime]] = {}
    sent_recently = session.execute(
        select(OutboxMessage.rate_key, func.count(), func.min(OutboxMessage.sent_at))
        .where(OutboxMessage.rate_key.in_(keys), OutboxMessage.sent_at > now - RATE_WINDOW)
        .group_by(OutboxMessage.rate_key)
    )
    for key, count, oldest in sent_recently:
        if key is not None:
            used[key] = (count, _aware(oldest))
    # Messages another lane or worker is sending right now (SQLite leases) count too.
    in_flight = session.execute(
        select(OutboxMessage.rate_key, func.count())
        .where(
            OutboxMessage.rate_key.in_(keys),
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.lease_until > now,
        )
        .group_by(OutboxMessage.rate_key)
    )
    for key, count in in_flight:
        if key is None:
            continue
        previous, oldest = used.get(key, (0, now))
        used[key] = (previous + count, oldest)
    to_send = []
    for message in claimed:
        key = message.rate_key
        if key is None:
            to_send.append(message)
            continue
        count, oldest = used.get(key, (0, now))
        if count < RATE_LIMIT_PER_MINUTE:
            used[key] = (count + 1, min(oldest, now))
            to_send.append(message)
            continue
        message.due_at = max(oldest + RATE_WINDOW, now + timedelta(seconds=1))
        message.last_error = (
            f"rate limit: {RATE_LIMIT_PER_MINUTE} messages a minute to this contact;"
            " deferred, not dropped"
        )
    return to_send


def _aware(value: datetime | None) -> datetime:
    # In case an aggregate comes back without the column's type: a naive UTC datetime.
    assert value is not None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _send_all(
    runtime: Runtime, senders: Senders, sends: ThreadPoolExecutor, messages: Sequence[OutboxMessage]
) -> list[Outcome]:
    """Send every message at once (each on its own thread), so one slow one delays no other."""
    envelopes = [
        Envelope(
            id=m.id,
            channel=m.channel,
            destination=m.destination,
            subject=m.subject,
            text=m.text,
            payload=m.payload,
            idempotency_key=m.idempotency_key,
        )
        for m in messages
    ]
    return list(sends.map(lambda e: _send_one(runtime, senders, e), envelopes))


def _send_one(runtime: Runtime, senders: Senders, envelope: Envelope) -> Outcome:
    started_at = runtime.clock.now()
    started = time.perf_counter()
    failure: DeliveryFailed | None = None
    try:
        senders.send(envelope, started_at)
    except DeliveryFailed as error:
        failure = error
    except Exception as error:
        # A bug, not an outage: keep the message (it is retried) and the traceback (in the log).
        log.exception("sending message %d failed unexpectedly", envelope.id)
        failure = DeliveryFailed(f"internal error: {type(error).__name__}")
    return Outcome(
        message_id=envelope.id,
        started_at=started_at,
        finished_at=runtime.clock.now(),
        duration_ms=round((time.perf_counter() - started) * 1000),
        failure=failure,
    )


def _record(
    session: Session,
    messages: Sequence[OutboxMessage],
    outcomes: Sequence[Outcome],
    worker_id: str,
) -> None:
    """Write each attempt to the log and move its message on: sent, retry later, or dead.

    Plain bulk statements rather than the ORM's unit of work: this is the hot path.
    """
    by_id = {m.id: m for m in messages}
    changes: list[dict[str, object]] = []
    attempts: list[dict[str, object]] = []
    for outcome in outcomes:
        message = by_id.get(outcome.message_id)
        if message is None:
            continue
        change = _next_state(message, outcome)
        changes.append(change)
        attempts.append(
            {
                "message_id": message.id,
                "attempt": change["attempts"],
                "attempted_at": outcome.started_at,
                "outcome": change["status"],
                "error": None if outcome.failure is None else outcome.failure.message,
                "duration_ms": outcome.duration_ms,
                "worker_id": worker_id,
            }
        )
    if changes:
        session.execute(update(OutboxMessage), changes)
        session.execute(insert(DeliveryAttempt), attempts)


def _next_state(message: OutboxMessage, outcome: Outcome) -> dict[str, object]:
    """The message's columns after this attempt: sent, failed (due again later) or dead."""
    attempts = message.attempts + 1
    change: dict[str, object] = {
        "id": message.id,
        "attempts": attempts,
        "lease_owner": None,
        "lease_until": None,
        "due_at": message.due_at,
        "sent_at": None,
    }
    failure = outcome.failure
    if failure is None:
        return change | {"status": "sent", "sent_at": outcome.finished_at, "last_error": None}
    # A receiver that asks us to come back later (429 with Retry-After) has not failed: the
    # wait does not use up an attempt, but nothing is tried for longer than GIVE_UP_AFTER.
    rate_limited = failure.retry_after_seconds is not None
    if rate_limited:
        attempts = message.attempts
        change["attempts"] = attempts
    too_old = outcome.finished_at - message.created_at > GIVE_UP_AFTER
    if isinstance(failure, PermanentFailure) or attempts >= MAX_ATTEMPTS or too_old:
        log.warning(
            "gave up on message %d (%s to %s) after %d attempt(s): %s",
            message.id,
            message.channel,
            shown_destination(message.channel, message.destination),
            attempts,
            failure.message,
        )
        return change | {"status": "dead", "last_error": failure.message}
    delay = retry_delay(attempts)
    if failure.retry_after_seconds is not None:
        delay = timedelta(seconds=max(1.0, failure.retry_after_seconds))
    return change | {
        "status": "failed",
        "due_at": outcome.finished_at + delay,
        "last_error": failure.message,
    }
