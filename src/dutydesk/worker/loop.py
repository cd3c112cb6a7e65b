"""The worker: stateless cycles over the modules that have due work in the database.

Every due thing (a message to send, a handoff to announce, a reminder) is a row. A cycle claims
due rows, acts, and records the outcome; nothing waits in memory, so a worker can be killed at
any moment and another (or the same, restarted) picks up where it left off.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dutydesk.errors import DutydeskError
from dutydesk.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cycle:
    """One kind of due work: `run` handles what is due now and says how many items it handled."""

    name: str
    run: Callable[[Runtime, str], int]


def new_worker_id() -> str:
    """A name for this worker process, unique even across restarts (leases record it)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    """Runs every cycle in turn, again and again, until stopped."""

    def __init__(
        self,
        runtime: Runtime,
        cycles: Sequence[Cycle],
        worker_id: str | None = None,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.runtime = runtime
        self.cycles = tuple(cycles)
        self.worker_id = worker_id or new_worker_id()
        # Measures cycles' durations and lags (seconds); tests give one they move themselves.
        self.timer = timer
        self._metrics = runtime.metrics.worker()
        self._last_ended: dict[str, float] = {}

    def run_once(self) -> dict[str, int]:
        """One pass over every cycle; a failing cycle is logged and does not stop the others."""
        handled: dict[str, int] = {}
        for cycle in self.cycles:
            started = self.timer()
            failed = False
            try:
                handled[cycle.name] = cycle.run(self.runtime, self.worker_id)
            except DutydeskError as error:
                # Something outside that says what is wrong in one line (a mailbox that is
                # down): logged as it is, tried again next pass, counted as a failed cycle.
                log.warning("worker cycle %s failed: %s", cycle.name, error.message)
                handled[cycle.name] = 0
                failed = True
            except Exception:
                # A bug or an outage in one module must not stop messages and handoffs in the
                # others; the rows stay due and the next pass tries again.
                log.exception("worker cycle %s failed", cycle.name)
                handled[cycle.name] = 0
                failed = True
            self._record(cycle.name, started, handled[cycle.name], failed)
        self._metrics.last_pass.set(self.runtime.clock.now().timestamp())
        return handled

    def _record(self, cycle: str, started: float, handled: int, failed: bool) -> None:
        # Lag: how much longer than the interval the cycle went without running, that is, how
        # long it waited on the other cycles (an idle worker waits the interval, no more).
        ended = self.timer()
        previous_end = self._last_ended.get(cycle)
        self._last_ended[cycle] = ended
        interval = self.runtime.settings.worker_interval_seconds
        lag = 0.0 if previous_end is None else max(0.0, started - previous_end - interval)
        self._metrics.record_cycle(
            cycle,
            lag_seconds=lag,
            duration_seconds=ended - started,
            handled=handled,
            failed=failed,
        )

    def run_until(self, stop: threading.Event) -> None:
        """Run passes every DUTYDESK_WORKER_INTERVAL_SECONDS until `stop` is set.

        A pass that handled something is followed at once by another, so a backlog drains at
        full speed; an idle worker waits for the interval, or until a commit in this process
        queues work due now (runtime.wake_worker). Whoever sets `stop` wakes it too.
        """
        interval = self.runtime.settings.worker_interval_seconds
        waiting = self.runtime.work_waiting
        log.info("worker %s started (%d cycles)", self.worker_id, len(self.cycles))
        while not stop.is_set():
            handled = self.run_once()
            if not any(handled.values()):
                waiting.wait(interval)
                waiting.clear()
        log.info("worker %s stopped", self.worker_id)


def start_in_background(worker: Worker) -> tuple[threading.Thread, threading.Event]:
    """Run a worker in a daemon thread (inside `dutydesk serve`); set the event to stop it
    (and wake the worker, runtime.wake_worker, so it sees that at once)."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_until, args=(stop,), name="dutydesk-worker")
    thread.daemon = True
    thread.start()
    return thread, stop
