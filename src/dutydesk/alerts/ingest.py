"""Group commit for inbound events: one thread writes whatever events have queued up, each in a
savepoint of its own, and commits them together; each caller is answered after that commit.

Why. On SQLite one transaction writes at a time. With a transaction per event, concurrent
requests queue for the write lock in a busy handler that sleeps up to 100 ms between tries
(under a burst, for longer than its 5 s timeout), and each commit pays for itself. One writer
taking the events in turn does the same writes without waiting on the lock, and a batch costs one
BEGIN and one COMMIT. PostgreSQL gains one commit (one WAL flush) per batch.

What a caller is promised is unchanged: its event is all or nothing (a savepoint rolls back an
event that fails, and only that event), it is answered only once its event is committed, and
events are applied in the order they arrived. A batch whose commit fails is retried one event per
transaction, so one bad event never takes others with it; the same for an event that failed on a
database error (a PostgreSQL deadlock between two processes' batches, say) rather than a rule.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from dutydesk.db import unit_of_work

log = logging.getLogger(__name__)

T = TypeVar("T")
# The most events one transaction takes: enough to absorb a burst of concurrent requests, small
# enough that the first of them is not kept waiting long for the last.
MAX_BATCH = 256
# How long the writing thread waits for more work before it ends.
IDLE_SECONDS = 1.0


# Writes a run of consecutive items in one go: one outcome per item, in order, where an outcome
# that is an exception refuses that item alone (it must have written nothing for it).
Batched = Callable[[Session, list[Any]], list[Any]]
# Writes one item on its own: its outcome, or the exception that refuses it. This is the path
# for an item whose run failed as a whole, so it must cope with whatever made the run fail.
Single = Callable[[Session, Any], Any]


@dataclass
class _Job(Generic[T]):
    work: Callable[[Session], T] | None
    item: Any
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[T]
    result: Any = None
    error: BaseException | None = None
    retry_alone: bool = field(default=False)


class GroupWriter:
    """Runs units of work submitted from the event loop, batched into shared transactions."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        batched: Batched | None = None,
        single: Single | None = None,
    ) -> None:
        self._sessions = sessions
        self._batched = batched
        self._single = single
        self._pending: deque[_Job[Any]] = deque()
        self._changed = threading.Condition()
        self._writing = False

    async def run(self, work: Callable[[Session], T]) -> T:
        """Do `work` in a transaction (shared with other events); its result once committed.

        `work` must not commit; an exception it raises reaches the caller, and nothing it wrote
        is kept.
        """
        return await self._submit(work, None)

    async def run_batched(self, item: Any) -> Any:
        """Write `item` with the `batched` function, together with its queued neighbours (with
        `single` alone if they fail together)."""
        assert self._batched is not None
        return await self._submit(None, item)

    async def _submit(self, work: Callable[[Session], T] | None, item: Any) -> T:
        loop = asyncio.get_running_loop()
        job: _Job[T] = _Job(work, item, loop, loop.create_future())
        with self._changed:
            self._pending.append(job)
            start = not self._writing
            self._writing = True
            self._changed.notify()
        if start:
            # A thread only while there is work (it ends after IDLE_SECONDS without any), so
            # an idle application, or a test's, keeps no thread and needs no shutdown.
            threading.Thread(target=self._drain, name="dutydesk-events", daemon=True).start()
        return await job.future

    def _drain(self) -> None:
        while True:
            with self._changed:
                if not self._pending:
                    self._changed.wait(IDLE_SECONDS)
                if not self._pending:
                    self._writing = False
                    return
                count = min(MAX_BATCH, len(self._pending))
                batch = [self._pending.popleft() for _ in range(count)]
            try:
                self._write(batch)
            except BaseException as error:  # never leave a caller waiting forever
                log.exception("writing %d event(s) failed", len(batch))
                for job in batch:
                    if job.error is None:
                        job.error = error
            _answer(batch)

    def _write(self, batch: list[_Job[Any]]) -> None:
        committed = False
        with unit_of_work(self._sessions) as session:
            for run in _runs(batch):
                # A run of one is written in bulk too: its statements cost less than the
                # single path's, and after a commit the writer often finds only one waiting.
                if run[0].work is None and self._write_run(session, run):
                    continue
                for job in run:
                    try:
                        with session.begin_nested():
                            job.result = self._perform(session, job)
                    except DBAPIError as error:
                        job.error, job.retry_alone = error, True
                    except Exception as error:
                        job.error = error
            try:
                session.commit()
                committed = True
            except DBAPIError:
                log.warning("committing %d event(s) together failed; one at a time", len(batch))
        for job in batch:
            if not committed and job.error is None:
                job.retry_alone = True
            if job.retry_alone:
                self._write_alone(job)

    def _write_run(self, session: Session, run: list[_Job[Any]]) -> bool:
        """A run of batched items in one savepoint; False (nothing kept) when it failed."""
        assert self._batched is not None
        try:
            with session.begin_nested():
                outcomes = self._batched(session, [job.item for job in run])
        except Exception:
            log.debug("a batch of %d event(s) failed; one at a time", len(run), exc_info=True)
            return False
        for job, outcome in zip(run, outcomes, strict=True):
            if isinstance(outcome, Exception):
                job.error = outcome
            else:
                job.result = outcome
        return True

    def _perform(self, session: Session, job: _Job[Any]) -> Any:
        if job.work is not None:
            return job.work(session)
        if self._single is not None:
            return self._single(session, job.item)
        assert self._batched is not None
        (outcome,) = self._batched(session, [job.item])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _write_alone(self, job: _Job[Any]) -> None:
        job.result, job.error = None, None
        try:
            with unit_of_work(self._sessions) as session:
                job.result = self._perform(session, job)
                session.commit()
        except Exception as error:
            job.error = error


def _runs(batch: list[_Job[Any]]) -> list[list[_Job[Any]]]:
    """The batch cut into runs: consecutive batched items together, each other job alone."""
    runs: list[list[_Job[Any]]] = []
    for job in batch:
        if job.work is None and runs and runs[-1][0].work is None:
            runs[-1].append(job)
        else:
            runs.append([job])
    return runs


def _answer(batch: list[_Job[Any]]) -> None:
    """Hand each caller its result, with one wake-up per event loop rather than one per job."""
    loops: dict[asyncio.AbstractEventLoop, list[_Job[Any]]] = {}
    for job in batch:
        loops.setdefault(job.loop, []).append(job)
    for loop, jobs in loops.items():
        with suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_settle, jobs)


def _settle(jobs: list[_Job[Any]]) -> None:
    for job in jobs:
        if job.future.done():  # the caller went away (the client hung up)
            continue
        if job.error is not None:
            job.future.set_exception(job.error)
        else:
            job.future.set_result(job.result)
