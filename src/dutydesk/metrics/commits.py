"""Counts of what a transaction did (messages queued, attempts recorded), added to the process's
counters only once the transaction commits: a rolled-back transaction did nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

if TYPE_CHECKING:
    from dutydesk.metrics.instruments import Metrics

# A session's `info` key: what to count when its transaction commits.
_PENDING = "dutydesk.metrics.pending"

Counted = Literal["outbox_queued", "outbox_attempts"]


def count_on_commit(session: Session, counter: Counted, *labels: str, times: int = 1) -> None:
    """Add `times` to a counter of this process once the session's transaction has committed."""
    pending: Counter[tuple[Counted, tuple[str, ...]]] = session.info.setdefault(_PENDING, Counter())
    pending[(counter, labels)] += times


def watch_commits(sessions: sessionmaker[Session], metrics: Callable[[], Metrics]) -> None:
    """Apply the counts of each committed transaction of these sessions to `metrics()`, which
    is asked for only when a transaction counted something."""

    def committed(session: Session) -> None:
        pending = session.info.pop(_PENDING, None)
        for (counter, labels), count in (pending or {}).items():
            getattr(metrics(), counter).labels(*labels).inc(count)

    def rolled_back(session: Session, previous: SessionTransaction) -> None:
        # As with the worker's wake-up: only a whole transaction's rollback undoes its counts.
        if not previous.nested:
            session.info.pop(_PENDING, None)

    event.listen(sessions, "after_commit", committed)
    event.listen(sessions, "after_soft_rollback", rolled_back)
