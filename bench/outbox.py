"""Messages delivered per second through the outbox to a local webhook receiver.

Targets (issue 3): at least 500 messages/s with one worker on SQLite; on PostgreSQL a second
worker adds throughput rather than duplicates. Real `dutydesk worker` processes deliver signed
webhooks to a local HTTP receiver that counts idempotency keys; the figure is messages over the
wall time from the commit that enqueued them to the last one recorded as sent. Beside it, the CPU
time (user and system, from /proc) the workers and the receiver used in that window, per message:
on this shared 2-core machine the rate follows the load, the CPU per message much less.

PostgreSQL: DUTYDESK_BENCH_DATABASE_URL, else a database of its own (`dutydesk_bench`, created
when missing), never the one the test suite uses. Only the outbox tables are emptied there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, func, make_url, select, text
from sqlalchemy.exc import OperationalError

from dutydesk import migrate
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings

MESSAGES = 3000
SECRET_KEY = "b" * 32
# Its own database: the benchmark empties the outbox tables, which must never be those of a
# test run going on at the same time.
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dutydesk_bench"


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog of 5 would reset connections a real receiver accepts.
    request_queue_size = 128


class WebhookReceiver:
    """A webhook receiver on loopback: hands each request's headers and body to `record`
    (called from the server's threads) and answers 204."""

    def __init__(self, record: Callable[[Message, bytes], None]) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                record(self.headers, self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Receiver(WebhookReceiver):
    """A webhook receiver counting the idempotency keys it is sent."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        lock = threading.Lock()

        def record(headers: Message, _body: bytes) -> None:
            with lock:
                self.keys[headers.get("Dutydesk-Idempotency-Key", "")] += 1

        super().__init__(record)


def start_worker(database_url: str) -> subprocess.Popen[str]:
    """A `dutydesk worker` process, returned once it has started its loop."""
    env = os.environ | {
        "DUTYDESK_DATABASE_URL": database_url,
        "DUTYDESK_SECRET_KEY": SECRET_KEY,
        "DUTYDESK_WORKER_INTERVAL_SECONDS": "0.02",
        "DUTYDESK_LOG_LEVEL": "info",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dutydesk", "worker"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "started" in line:
            break
    stderr = process.stderr
    # Keep draining its log so the pipe never fills up.
    threading.Thread(target=lambda: [None for _ in stderr], daemon=True).start()
    return process


def create_database_if_missing(url: str) -> None:
    """Create the named PostgreSQL database through the server's `postgres` database when it
    does not exist yet."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        server.dispose()


def sent(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        count = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
        return count or 0


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time a process (all its threads) has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figures:
    """One measurement: throughput, what the receiver saw, and the CPU spent per message."""

    messages_per_second: float
    duplicates: int
    missing: int
    worker_cpu_ms: float  # all the workers together
    receiver_cpu_ms: float
    load_average: float  # the 1-minute load average when the run started


def measure(database_url: str, workers: int) -> Figures:
    """Deliver the bench's messages with `workers` worker processes, and what it took."""
    runtime = bootstrap(Settings(database_url=database_url, secret_key=SECRET_KEY))
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        session.execute(delete(DeliveryAttempt))
        session.execute(delete(OutboxMessage))
        session.commit()
    receiver = Receiver()
    processes = [start_worker(database_url) for _ in range(workers)]
    load_average = os.getloadavg()[0]
    try:
        with unit_of_work(runtime.sessions) as session:
            now = datetime.now(UTC)
            for n in range(MESSAGES):
                service.enqueue(
                    session,
                    channel="webhook",
                    destination=receiver.url,
                    subject="",
                    text="",
                    payload={"n": n},
                    idempotency_key=f"bench-{n}",
                    now=now,
                )
            session.commit()
        started = time.perf_counter()
        # This process is the receiver's threads and this one, which only polls the database.
        cpu_started = [process_cpu_seconds(p.pid) for p in processes]
        own_started = time.process_time() - time.thread_time()
        deadline = started + 120
        while sent(runtime) < MESSAGES and time.perf_counter() < deadline:
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        worker_cpu = sum(
            process_cpu_seconds(p.pid) - before
            for p, before in zip(processes, cpu_started, strict=True)
        )
        receiver_cpu = time.process_time() - time.thread_time() - own_started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        receiver.close()
        runtime.close()
    return Figures(
        messages_per_second=MESSAGES / elapsed,
        duplicates=sum(count - 1 for count in receiver.keys.values()),
        missing=MESSAGES - len(receiver.keys),
        worker_cpu_ms=worker_cpu * 1000 / MESSAGES,
        receiver_cpu_ms=receiver_cpu * 1000 / MESSAGES,
        load_average=load_average,
    )


def report(label: str, figures: Figures, note: str) -> None:
    print(
        f"{label:<31} {figures.messages_per_second:5.0f} messages/s"
        f"  CPU per message: workers {figures.worker_cpu_ms:.2f} ms,"
        f" receiver {figures.receiver_cpu_ms:.2f} ms"
        f"  duplicates {figures.duplicates}  missing {figures.missing}"
        f"  load {figures.load_average:.1f}  {note}"
    )


def run(engines: tuple[str, ...] = ("sqlite", "postgresql")) -> None:
    """Print the outbox figures: SQLite with one worker, PostgreSQL with one and with two."""
    print(f"outbox: {MESSAGES} signed webhooks to a local receiver, real worker processes")
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
            report("outbox, SQLite, 1 worker", measure(url, 1), "(target >= 500)")
    if "postgresql" not in engines:
        return
    pg_url = os.environ.get("DUTYDESK_BENCH_DATABASE_URL", DEFAULT_PG_URL)
    try:
        create_database_if_missing(pg_url)
        one = measure(pg_url, 1)
    except OperationalError as error:
        print(f"outbox, PostgreSQL: not measured, no database at {pg_url} ({error.orig})")
        return
    report("outbox, PostgreSQL, 1 worker", one, "")
    report("outbox, PostgreSQL, 2 workers", measure(pg_url, 2), "(more, and no duplicates)")


if __name__ == "__main__":
    # `python -m bench.outbox sqlite` (or `postgresql`) measures that engine alone.
    chosen = tuple(sys.argv[1:]) or ("sqlite", "postgresql")
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        sys.exit(f"usage: python -m bench.outbox [sqlite] [postgresql]; not {sorted(unknown)}")
    run(chosen)
