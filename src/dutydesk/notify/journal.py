"""PostgreSQL's delivery journal: each attempt in the delivery log the moment it ends
(docs/adr/0006-at-least-once-delivery.md), so a worker killed before its batch commits leaves
a record of what it had already sent."""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, text

from dutydesk.notify.models import DeliveryAttempt

log = logging.getLogger(__name__)


# Asynchronous commit is enough: the journal guards against a dead worker, not a dead database,
# and a journaled attempt lost with the database is at worst one resend. Set for the journal's
# connection alone, and reset before it goes back to the pool.
_ASYNCHRONOUS_COMMIT = text("SET synchronous_commit TO OFF")
_USUAL_COMMIT = text("SET synchronous_commit TO DEFAULT")
_LOG_ATTEMPTS = insert(cast(Table, DeliveryAttempt.__table__))


@dataclass(slots=True)
class _Entry:
    """One attempt waiting to be journaled, and its writer's wait."""

    row: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None


class Journal:
    """PostgreSQL: writes attempts to the delivery log as they end, in small transactions of
    their own on one connection, whatever has queued up in one commit (a group commit). Once a
    write has failed, every later one fails too (the cycle's sends then stop being recorded as
    sent, and their messages stay due)."""

    def __init__(self, engine: Engine, worker_id: str) -> None:
        self._engine = engine
        self._queue: queue.SimpleQueue[_Entry | None] = queue.SimpleQueue()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"dutydesk-journal-{worker_id}", daemon=True
        )
        self._thread.start()

    def write(self, row: dict[str, Any]) -> None:
        """Log one attempt; returns once it is committed, raises if it never will be."""
        entry = _Entry(row)
        self._queue.put(entry)
        entry.done.wait()
        if entry.failure is not None:
            raise RuntimeError("the delivery log could not be written") from entry.failure

    def close(self) -> None:
        """Stop once what is queued is written; the connection goes back to the pool."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        connection = self._connect()
        try:
            while (first := self._queue.get()) is not None:
                entries = [first]
                closing = False
                while not self._queue.empty():
                    entry = self._queue.get()
                    if entry is None:
                        closing = True
                        break
                    entries.append(entry)
                self._commit(connection, entries)
                if closing:
                    return
        finally:
            if connection is not None:
                self._release(connection)

    def _connect(self) -> Connection | None:
        try:
            connection = self._engine.connect()
            connection.execute(_ASYNCHRONOUS_COMMIT)
            connection.commit()
        except Exception as error:
            log.exception("the delivery log could not be reached")
            self._failed = error
            return None
        return connection

    def _commit(self, connection: Connection | None, entries: list[_Entry]) -> None:
        if self._failed is None and connection is not None:
            try:
                with connection.begin():
                    connection.execute(_LOG_ATTEMPTS, [entry.row for entry in entries])
            except Exception as error:
                log.exception("writing %d attempt(s) to the delivery log failed", len(entries))
                self._failed = error
        for entry in entries:
            entry.failure = self._failed
            entry.done.set()

    def _release(self, connection: Connection) -> None:
        try:
            connection.execute(_USUAL_COMMIT)
            connection.commit()
        except Exception:
            # A broken connection: the pool's pre-ping replaces it.
            log.warning("the delivery log's connection could not be reset", exc_info=True)
        connection.close()
