"""The delivery cycle: claim due messages, send them, record each attempt and its outcome.

Locking. On PostgreSQL a batch is claimed with SELECT … FOR NO KEY UPDATE SKIP LOCKED and the
row locks are held while the batch is sent, until the transaction that records the outcomes
commits: two workers never hold the same message, and a killed worker's locks vanish with its
connection, so the messages are due again at once. So that a killed worker's finished sends are
not lost with its transaction, each attempt is also written to the delivery log the moment it
ends, in a transaction of its own (the journal); whoever claims the message next reads the log
first and settles a message already sent instead of sending it again. On SQLite (one writer at a
time, and a write lock must not be held across network calls) a batch is claimed with a lease
(`lease_owner`, `lease_until`, set by one UPDATE … RETURNING) in a short transaction and sent;
its outcomes are recorded, only for rows the worker still holds, in the next short transaction
of its lane, the one that leases the lane's next batch (one commit per batch); a killed
worker's lease simply runs out.

Either way a message is sent at least once. It reaches a receiver twice only if a worker dies
while that very message is on the wire (PostgreSQL), or between sending a batch and recording it
(SQLite). The idempotency key travels with the message so receivers can drop that duplicate
(docs/adr/0006-at-least-once-delivery.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dutydesk.db import UTCDateTime, unit_of_work
from dutydesk.metrics.commits import count_on_commit
from dutydesk.notify.channels.base import (
    DeliveryFailed,
    Envelope,
    NotConfigured,
    PermanentFailure,
)
from dutydesk.notify.channels.dispatch import SLACK_CHANNELS, Senders, shown_destination
from dutydesk.notify.journal import Journal
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
# Messages claimed at once by one lane.
BATCH_SIZE = 16
# On SQLite, where each batch costs a commit (a disk flush) and its statements: twice as many
# at once when that many are due. A killed worker resends what it had leased, at most this
# many per lane (docs/adr/0006-at-least-once-delivery.md).
LEASED_BATCH_SIZE = 32
# Each kind of destination has lanes of its own that claim and record batches side by side, so
# a destination that hangs (an SMTP server that accepts and never answers) holds up its own
# kind's lanes until the send times out, never the messages for the others.
LANE_KINDS: tuple[tuple[str, ...], ...] = (
    ("webhook", "scoped_webhook"),
    SLACK_CHANNELS,
    ("email",),
    ("apprise",),
)
LANES_PER_KIND = 3
# At most this many messages of one kind are on the wire at once, per worker: on PostgreSQL, the
# most a killed worker can leave receivers of that kind holding without knowing it (the
# at-least-once window).
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


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed message: what sending it and recording its attempt read (a plain row, not an
    ORM object; nothing else of the message is loaded)."""

    id: int
    channel: str
    destination: str
    subject: str
    text: str
    payload: dict[str, Any] | None
    idempotency_key: str
    rate_key: str | None
    attempts: int
    created_at: datetime
    due_at: datetime


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


@dataclass(frozen=True)
class _Lane:
    """What one lane works with: the cycle's shared tools and the channels it claims."""

    runtime: Runtime
    worker_id: str
    senders: Senders
    sends: ThreadPoolExecutor
    budget: _Budget
    journal: Journal | None
    channels: tuple[str, ...]


def deliver_due(runtime: Runtime, worker_id: str) -> int:
    """The worker cycle: deliver what is due now; returns how many messages it handled."""
    due_channels = _channels_due(runtime, runtime.clock.now())
    kinds = [kind for kind in LANE_KINDS if due_channels.intersection(kind)]
    if not kinds:
        return 0
    senders = Senders.from_runtime(runtime)
    postgres = runtime.engine.dialect.name == "postgresql"
    journal = Journal(runtime.engine, worker_id[:120]) if postgres else None
    budget = _Budget(MAX_PER_CYCLE)
    # Each kind sends on threads of its own: hung e-mails must not take the threads Slack needs.
    send_pools = [
        ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="dutydesk-send") for _ in kinds
    ]
    try:
        with ThreadPoolExecutor(
            LANES_PER_KIND * len(kinds), thread_name_prefix="dutydesk-lane"
        ) as lanes:
            futures = [
                lanes.submit(
                    _drain, _Lane(runtime, worker_id[:120], senders, sends, budget, journal, kind)
                )
                for kind, sends in zip(kinds, send_pools, strict=True)
                for _ in range(LANES_PER_KIND)
            ]
            return sum(future.result() for future in futures)
    finally:
        for sends in send_pools:
            sends.shutdown()
        if journal is not None:
            journal.close()
        senders.close()


# The statements of the hot path, built once: Core rather than the ORM, run on the session's
# connection (no identity map to keep in step, no objects loaded for rows read once).
_OUTBOX = cast(Table, OutboxMessage.__table__)
_NOW = bindparam("now", type_=UTCDateTime())
_IS_DUE = and_(
    _OUTBOX.c.status.in_(DUE_STATUSES),
    _OUTBOX.c.due_at <= _NOW,
    or_(_OUTBOX.c.lease_until.is_(None), _OUTBOX.c.lease_until <= _NOW),
)
_CHANNELS_DUE = select(_OUTBOX.c.channel).where(_IS_DUE).distinct()
_CLAIMED_COLUMNS = [_OUTBOX.c[field.name] for field in fields(Claimed)]
_ON_CHANNELS = _OUTBOX.c.channel.in_(bindparam("channels", expanding=True))
_IN_DUE_ORDER = (_OUTBOX.c.due_at, _OUTBOX.c.id)
# PostgreSQL: the next due messages, locked until the commit; SKIP LOCKED passes over those
# another worker holds before the LIMIT counts.
_LOCK_DUE = (
    select(*_CLAIMED_COLUMNS)
    .where(_IS_DUE, _ON_CHANNELS)
    .order_by(*_IN_DUE_ORDER)
    .limit(bindparam("size"))
    .with_for_update(skip_locked=True, key_share=True)
)
# SQLite: the next due messages leased to this worker, read back in the same statement.
_LEASE_DUE = (
    update(_OUTBOX)
    .where(
        _OUTBOX.c.id.in_(
            select(_OUTBOX.c.id)
            .where(_IS_DUE, _ON_CHANNELS)
            .order_by(*_IN_DUE_ORDER)
            .limit(bindparam("size"))
            .scalar_subquery()
        )
    )
    .values(lease_owner=bindparam("owner"), lease_until=bindparam("until", type_=UTCDateTime()))
    .returning(*_CLAIMED_COLUMNS)
)
_STILL_HELD = select(_OUTBOX.c.id).where(
    _OUTBOX.c.id.in_(bindparam("ids", expanding=True)), _OUTBOX.c.lease_owner == bindparam("owner")
)
_DEFER = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("deferred_id"))
    .values(
        due_at=bindparam("new_due_at", type_=UTCDateTime()),
        last_error=bindparam("reason"),
        lease_owner=None,
        lease_until=None,
    )
)


def _channels_due(runtime: Runtime, now: datetime) -> set[str]:
    with unit_of_work(runtime.read_sessions) as session:
        return set(session.connection().scalars(_CHANNELS_DUE, {"now": now}))


def _drain(lane: _Lane) -> int:
    """One lane: batch after batch until nothing is due (or the cycle's budget is spent)."""
    if lane.journal is None:
        return _drain_leased(lane)
    handled = 0
    while (size := lane.budget.take(BATCH_SIZE)) > 0:
        count = _batch_locked(lane, lane.journal, size)
        if count == 0:
            break
        handled += count
    return handled


def _batch_locked(lane: _Lane, journal: Journal, size: int) -> int:
    """PostgreSQL: claim, send and record in one transaction that holds the row locks; each
    attempt is journaled as it ends, so a crash before the commit cannot make it happen twice."""
    runtime = lane.runtime
    with unit_of_work(runtime.sessions) as session:
        now = runtime.clock.now()
        connection = session.connection()
        rows = connection.execute(
            _LOCK_DUE, {"now": now, "channels": lane.channels, "size": size}
        ).all()
        if not rows:
            return 0
        claimed = sorted((Claimed(*row) for row in rows), key=_in_due_order)
        unsettled = _settle_journaled(connection, claimed)
        to_send = _apply_rate_limits(connection, unsettled, now)
        outcomes = _send_all(lane, to_send)
        _record(session, to_send, outcomes, lane.worker_id, journaled=True)
        session.commit()
    return len(claimed)


def _drain_leased(lane: _Lane) -> int:
    """SQLite: lease a batch, send it, then record its outcomes and lease the next batch in
    one short transaction (one commit, so one disk flush, per batch rather than two). The
    outcomes are committed before anything else is sent, as if recorded on their own."""
    runtime = lane.runtime
    handled = 0
    sent: tuple[list[Claimed], list[Outcome]] | None = None
    while True:
        size = lane.budget.take(LEASED_BATCH_SIZE)
        with _SQLITE_WRITES, unit_of_work(runtime.sessions) as session:
            if sent is not None:
                _record_leased(session, *sent, lane.worker_id)
            claimed, to_send = _lease(session.connection(), lane, size) if size > 0 else ([], [])
            session.commit()
        if not claimed:
            return handled
        handled += len(claimed)
        sent = (to_send, _send_all(lane, to_send))


def _lease(connection: Connection, lane: _Lane, size: int) -> tuple[list[Claimed], list[Claimed]]:
    """SQLite: the due messages claimed (leased to this worker in one UPDATE … RETURNING), and
    those of them to send now (the rest are deferred by a rate limit and their lease undone)."""
    now = lane.runtime.clock.now()
    rows = connection.execute(
        _LEASE_DUE,
        {
            "now": now,
            "channels": lane.channels,
            "size": size,
            "owner": lane.worker_id,
            "until": now + LEASE,
        },
    ).all()
    # SQLite returns the rows of an UPDATE in no particular order.
    claimed = sorted((Claimed(*row) for row in rows), key=_in_due_order)
    return claimed, _apply_rate_limits(connection, claimed, now, leased=True)


def _in_due_order(message: Claimed) -> tuple[datetime, int]:
    return message.due_at, message.id


def _record_leased(
    session: Session, to_send: list[Claimed], outcomes: list[Outcome], worker_id: str
) -> None:
    """SQLite: record the outcomes of messages this worker still holds the lease of."""
    if not to_send:
        return
    held = set(
        session.connection().scalars(
            _STILL_HELD, {"ids": [m.id for m in to_send], "owner": worker_id}
        )
    )
    if len(held) < len(to_send):
        log.warning(
            "%d message(s) outlived their lease while sending; not recorded",
            len(to_send) - len(held),
        )
    _record(session, [m for m in to_send if m.id in held], outcomes, worker_id)


def _apply_rate_limits(
    connection: Connection, claimed: list[Claimed], now: datetime, *, leased: bool = False
) -> list[Claimed]:
    """The claimed messages to send now; the others are deferred until their contact's window
    has room (never dropped). `leased`: the claimed messages are leased already (SQLite)."""
    keys = {m.rate_key for m in claimed if m.rate_key is not None}
    if not keys:
        return claimed
    used: dict[str, tuple[int, datetime]] = {}
    sent_recently = connection.execute(
        select(OutboxMessage.rate_key, func.count(), func.min(OutboxMessage.sent_at))
        .where(OutboxMessage.rate_key.in_(keys), OutboxMessage.sent_at > now - RATE_WINDOW)
        .group_by(OutboxMessage.rate_key)
    )
    for key, count, oldest in sent_recently:
        if key is not None:
            used[key] = (count, _aware(oldest))
    # Messages another lane or worker is sending right now (SQLite leases) count too; this
    # batch's own leases are not sends yet.
    own = Counter(m.rate_key for m in claimed) if leased else Counter()
    in_flight = connection.execute(
        select(OutboxMessage.rate_key, func.count())
        .where(
            OutboxMessage.rate_key.in_(keys),
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.lease_until > now,
        )
        .group_by(OutboxMessage.rate_key)
    )
    for key, count in in_flight:
        if key is None or count <= own[key]:
            continue
        previous, oldest = used.get(key, (0, now))
        used[key] = (previous + count - own[key], oldest)
    to_send = []
    deferred = []
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
        deferred.append(
            {
                "deferred_id": message.id,
                "new_due_at": max(oldest + RATE_WINDOW, now + timedelta(seconds=1)),
                "reason": f"rate limit: {RATE_LIMIT_PER_MINUTE} messages a minute to this"
                " contact; deferred, not dropped",
            }
        )
    if deferred:
        connection.execute(_DEFER, deferred)
    return to_send


def _aware(value: datetime | None) -> datetime:
    # In case an aggregate comes back without the column's type: a naive UTC datetime.
    assert value is not None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _send_all(lane: _Lane, messages: Sequence[Claimed]) -> list[Outcome]:
    """Send every message at once (each on its own thread), so one slow one delays no other."""
    return list(lane.sends.map(lambda m: _send_one(lane, m), messages))


def _send_one(lane: _Lane, message: Claimed) -> Outcome:
    runtime = lane.runtime
    envelope = Envelope(
        id=message.id,
        channel=message.channel,
        destination=message.destination,
        subject=message.subject,
        text=message.text,
        payload=message.payload,
        idempotency_key=message.idempotency_key,
    )
    started_at = runtime.clock.now()
    started = time.perf_counter()
    failure: DeliveryFailed | None = None
    try:
        lane.senders.send(envelope, started_at)
    except DeliveryFailed as error:
        failure = error
    except Exception as error:
        # A bug, not an outage: keep the message (it is retried) and the traceback (in the log).
        log.exception("sending message %d failed unexpectedly", envelope.id)
        failure = DeliveryFailed(f"internal error: {type(error).__name__}")
    outcome = Outcome(
        message_id=envelope.id,
        started_at=started_at,
        finished_at=runtime.clock.now(),
        duration_ms=round((time.perf_counter() - started) * 1000),
        failure=failure,
    )
    if lane.journal is not None:
        # The thread moves on to its next message only once this attempt is in the log, so at
        # most one message per send thread is ever on the wire and not yet journaled.
        lane.journal.write(
            _attempt_row(message, outcome, _next_state(message, outcome), lane.worker_id)
        )
    return outcome


def _attempt_row(
    message: Claimed, outcome: Outcome, change: dict[str, object], worker_id: str
) -> dict[str, object]:
    return {
        "message_id": message.id,
        "attempt": change["attempts"],
        "attempted_at": outcome.started_at,
        "outcome": change["status"],
        "error": None if outcome.failure is None else outcome.failure.message,
        "duration_ms": outcome.duration_ms,
        "worker_id": worker_id,
    }


# Run with one row of parameters per message (executemany).
_MOVE_ON = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("new_id"))
    .values(
        {
            column: bindparam(f"new_{column}", type_=_OUTBOX.c[column].type)
            for column in (
                "attempts",
                "lease_owner",
                "lease_until",
                "due_at",
                "sent_at",
                "status",
                "last_error",
            )
        }
    )
)
_LOG_ATTEMPT = insert(cast(Table, DeliveryAttempt.__table__))


def _record(
    session: Session,
    messages: Sequence[Claimed],
    outcomes: Sequence[Outcome],
    worker_id: str,
    *,
    journaled: bool = False,
) -> None:
    """Move each message on (sent, retry later, or dead) and, unless the journal already has,
    write each attempt to the log: one statement each for the whole batch."""
    by_id = {m.id: m for m in messages}
    changes: list[dict[str, object]] = []
    attempts: list[dict[str, object]] = []
    counts: Counter[tuple[str, str]] = Counter()
    for outcome in outcomes:
        message = by_id.get(outcome.message_id)
        if message is None:
            continue
        change = _next_state(message, outcome)
        changes.append({f"new_{key}": value for key, value in change.items()})
        counts[(message.channel, str(change["status"]))] += 1
        attempts.append(_attempt_row(message, outcome, change, worker_id))
    if not changes:
        return
    connection = session.connection()
    connection.execute(_MOVE_ON, changes)
    if not journaled:
        connection.execute(_LOG_ATTEMPT, attempts)
    for (channel, status), count in counts.items():
        count_on_commit(session, "outbox_attempts", channel, status, times=count)


_ATTEMPTS = cast(Table, DeliveryAttempt.__table__)
_FINISHED_IN_LOG = select(
    _ATTEMPTS.c.message_id, _ATTEMPTS.c.outcome, _ATTEMPTS.c.attempted_at
).where(
    _ATTEMPTS.c.message_id.in_(bindparam("ids", expanding=True)),
    _ATTEMPTS.c.outcome.in_(("sent", "dead")),
)
_SETTLE = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("settled_id"))
    .values(
        status=bindparam("outcome"),
        sent_at=bindparam("at", type_=UTCDateTime()),
        lease_owner=None,
        lease_until=None,
    )
)


def _settle_journaled(connection: Connection, claimed: list[Claimed]) -> list[Claimed]:
    """Claimed messages whose last attempt a killed worker journaled but never recorded: those
    sent (or given up) are settled from the log, not sent again. Returns the rest."""
    finished = connection.execute(_FINISHED_IN_LOG, {"ids": [m.id for m in claimed]}).all()
    if not finished:
        return claimed
    settled = {message_id: (outcome, at) for message_id, outcome, at in finished}
    connection.execute(
        _SETTLE,
        [
            {"settled_id": message_id, "outcome": outcome, "at": at if outcome == "sent" else None}
            for message_id, (outcome, at) in settled.items()
        ],
    )
    log.info("settled %d message(s) from the delivery log of a worker that died", len(settled))
    return [m for m in claimed if m.id not in settled]


def _next_state(message: Claimed, outcome: Outcome) -> dict[str, object]:
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
    if isinstance(failure, NotConfigured):
        # Expected on an instance that uses other channels: one line at info, not a warning.
        log.info("message %d (%s) not sent: %s", message.id, message.channel, failure.message)
        return change | {"status": "dead", "last_error": failure.message}
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
