"""PostgreSQL's delivery journal: each attempt in the delivery log the moment it ends
(docs/adr/0006-at-least-once-delivery.md), so a worker killed before its batch commits leaves
a record of what it had already sent."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from sqlalchemy import Engine, insert, text

from dutydesk.notify.models import DeliveryAttempt

log = logging.getLogger(__name__)


class Journal:
    """PostgreSQL: writes attempts to the delivery log as they end, in small transactions of
    their own on one connection, whatever has queued up in one commit (a group commit).

    Asynchronous commit is enough: the journal guards against a dead worker, not a dead
    database, and a journaled attempt lost with the database is at worst one resend.
    """

    def __init__(self, engine: Engine, worker_id: str) -> None:
        self._engine = engine
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._written: set[int] = set()
        self._failed: BaseException | None = None
        self._changed = threading.Condition()
        self._thread = threading.Thread(
            target=self._run, name=f"dutydesk-journal-{worker_id}", daemon=True
        )
        self._thread.start()

    def write(self, row: dict[str, Any]) -> None:
        """Log one attempt; returns once it is committed, raises if it never will be."""
        message_id = row["message_id"]
        self._queue.put(row)
        with self._changed:
            while message_id not in self._written:
                if self._failed is not None:
                    raise RuntimeError("the delivery log could not be written") from self._failed
                self._changed.wait()
            self._written.discard(message_id)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            rows = [first]
            closing = False
            while not self._queue.empty():
                row = self._queue.get_nowait()
                if row is None:
                    closing = True
                    break
                rows.append(row)
            self._commit(rows)
            if closing:
                return

    def _commit(self, rows: list[dict[str, Any]]) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(text("SET LOCAL synchronous_commit TO OFF"))
                connection.execute(insert(DeliveryAttempt), rows)
        except Exception as error:
            log.exception("writing %d attempt(s) to the delivery log failed", len(rows))
            with self._changed:
                self._failed = error
                self._changed.notify_all()
            return
        with self._changed:
            self._written.update(row["message_id"] for row in rows)
            self._changed.notify_all()
