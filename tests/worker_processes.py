"""Real `dutydesk worker` processes for the tests that kill one, and waiting for them.

Waiting here is for another process to get something done, polled with a deadline; it is never
a wait for time to pass (those tests move the clock, or the database's due times, instead).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy import text

from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime

DEADLINE_SECONDS = 60.0


def wait_until(
    condition: Callable[[], bool], timeout: float = DEADLINE_SECONDS, poll: float = 0.05
) -> bool:
    """Poll `condition` until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(poll)
    return condition()


class WorkerProcess:
    """`python -m dutydesk worker` against a database; knows when it has started.

    With a `name`, its PostgreSQL connections carry it as their application_name, so a test
    can see in pg_locks what this worker is doing.
    """

    def __init__(
        self,
        database_url: str,
        *,
        secret_key: str,
        interval_seconds: float,
        name: str | None = None,
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        if name is not None:
            separator = "&" if "?" in database_url else "?"
            database_url = f"{database_url}{separator}application_name={name}"
        environment = (
            os.environ
            | {
                "DUTYDESK_DATABASE_URL": database_url,
                "DUTYDESK_SECRET_KEY": secret_key,
                "DUTYDESK_WORKER_INTERVAL_SECONDS": str(interval_seconds),
                "DUTYDESK_LOG_LEVEL": "info",
            }
            | (env or {})
        )
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dutydesk", "worker", *args],
            env=environment,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.started = threading.Event()
        self.output: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.output.append(line)
            if "started" in line:
                self.started.set()

    def kill(self) -> None:
        """SIGKILL: no goodbye, no cleanup, as when the machine or the OOM killer ends it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then wait for it to finish its pass (or kill it after 30 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()


def writing_to(runtime: Runtime, table: str, names: Sequence[str]) -> str | None:
    """The worker (one of `names`, its connections' application_name) caught with rows written
    to `table` and not yet committed, if any: where a SIGKILL tests exactly-once."""
    with unit_of_work(runtime.read_sessions) as session:
        name: str | None = session.scalar(
            text(
                "SELECT a.application_name FROM pg_locks l"
                " JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.relation = CAST(:table AS regclass) AND l.mode = 'RowExclusiveLock'"
                " AND a.application_name = ANY(:names) LIMIT 1"
            ),
            {"table": table, "names": list(names)},
        )
        return name
