"""Events API ingestion: PagerDuty Events v2 triggers a second into a real `dutydesk serve`.

Targets (issue 5), on the embedded SQLite default with one process: at least 2,000 events/s
accepted and stored durably, p99 latency under 50 ms; a storm of 10,000 events for 50 dedup keys
makes 50 alerts and at most 50 pages.

The server is a `dutydesk serve` subprocess (worker on, as a user runs it) on a fresh SQLite
file, set up with the CLI as a user would: `db upgrade`, `apply` a team with one service,
`integration add`. The load generator shares the machine's cores with it, so it is kept cheap:
raw asyncio HTTP/1.1 over CONCURRENCY keep-alive connections, one request in flight on each
(no pipelining), a pre-built body per event. Latency is from writing a request to reading its
whole answer. Every 202 is then checked against the database: each accepted event is one
`trigger` row in the alert log, read by another connection after the answers came back.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import bootstrap
from dutydesk.settings import Settings

CONCURRENCY = 32
NEW_EVENTS = 10_000
DUPLICATE_EVENTS = 20_000
DUPLICATE_KEYS = 10
STORM_EVENTS = 10_000
STORM_KEYS = 50
TARGET_RATE = 2000
TARGET_P99_MS = 50.0
SECRET_KEY = "b" * 32
EXAMPLE_TEAM = Path(__file__).parent.parent / "examples" / "team.yaml"
# Paged through the example's 24x7 policy, so the storm's page count means something.
SERVICE = "  - {id: bench-api, name: Benchmark API, escalation_policy: 24x7}\n"


@dataclass(frozen=True)
class Load:
    """What one run of the load generator saw."""

    sent: int
    accepted: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def team_file(folder: Path) -> Path:
    """The example team with the benchmark's service added."""
    text = EXAMPLE_TEAM.read_text()
    if "\nservices:\n" in text:
        text = text.replace("\nservices:\n", "\nservices:\n" + SERVICE, 1)
    else:
        text = text.rstrip("\n") + "\nservices:\n" + SERVICE
    path = folder / "team.yaml"
    path.write_text(text)
    return path


def start_server(
    folder: Path, env: dict[str, str], *, team: str | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """A `dutydesk serve` (with its worker) set up as a user would; returns it and its port.

    The team is the example with the benchmark's service, unless `team` gives its YAML text.
    """
    cli = [sys.executable, "-m", "dutydesk"]
    path = team_file(folder)
    if team is not None:
        path.write_text(team)
    for command in (["db", "upgrade"], ["apply", str(path)]):
        subprocess.run([*cli, *command], env=env, check=True, capture_output=True)
    port = free_port()
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.05)
    server.kill()
    raise RuntimeError(f"dutydesk serve did not start: {(folder / 'serve.log').read_text()}")


def request_bytes(port: int, body: dict[str, object]) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST /v2/enqueue HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


def trigger(routing_key: str, dedup_key: str, n: int) -> dict[str, object]:
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": {
            "summary": f"disk full on host-{n % 97}",
            "source": f"host-{n % 97}.example.org",
            "severity": "critical",
            "custom_details": {"free_bytes": n, "mount": "/var"},
        },
    }


async def _connection(
    port: int, requests: list[bytes], next_index: Callable[[], int | None], load: _Tally
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (index := next_index()) is not None:
            started = time.perf_counter()
            try:
                writer.write(requests[index])
                status_line = await reader.readuntil(b"\r\n")
                headers = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in headers.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError):
                # The server dropped the connection (it does on an internal error): the event
                # counts as refused, and the next one goes on a new connection.
                load.sent += 1
                load.refused += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            load.latencies_ms.append((time.perf_counter() - started) * 1000)
            load.sent += 1
            if status_line.split(b" ", 2)[1] == b"202":
                load.accepted += 1
            else:
                load.refused += 1
    finally:
        writer.close()


@dataclass
class _Tally:
    sent: int = 0
    accepted: int = 0
    refused: int = 0
    latencies_ms: list[float] = field(default_factory=list)


async def _drive(port: int, requests: list[bytes]) -> Load:
    tally = _Tally()
    positions = iter(range(len(requests)))

    def next_index() -> int | None:
        return next(positions, None)

    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, requests, next_index, tally) for _ in range(CONCURRENCY))
    )
    seconds = time.perf_counter() - started
    if tally.refused:
        print(f"  {tally.refused} event(s) were not accepted")
    return Load(tally.sent, tally.accepted, seconds, tally.latencies_ms)


def drive(port: int, requests: list[bytes]) -> Load:
    """Send every request over CONCURRENCY keep-alive connections; what came back, how fast."""
    return asyncio.run(_drive(port, requests))


def report(label: str, load: Load, stored: int) -> None:
    rate = load.accepted / load.seconds
    print(
        f"{label:<34} {rate:6.0f} events/s  p50 {load.percentile(50):5.1f} ms"
        f"  p95 {load.percentile(95):5.1f} ms  p99 {load.percentile(99):5.1f} ms"
        f"  (mean {statistics.fmean(load.latencies_ms):.1f} ms)"
        f"  accepted {load.accepted}/{load.sent}, stored {stored}"
        + ("" if stored == load.accepted else "  NOT ALL STORED")
    )


def run() -> None:
    """Print the ingestion figures: new alerts, duplicates, and the storm."""
    synchronous = os.environ.get("DUTYDESK_SQLITE_SYNCHRONOUS", "full")
    print(
        f"events: POST /v2/enqueue into `dutydesk serve` on SQLite (synchronous={synchronous},"
        f" worker on),"
        f" {CONCURRENCY} keep-alive connections (target >= {TARGET_RATE} events/s,"
        f" p99 < {TARGET_P99_MS:.0f} ms)"
    )
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        env = os.environ | {
            "DUTYDESK_DATABASE_URL": url,
            "DUTYDESK_SECRET_KEY": SECRET_KEY,
        }
        server, port = start_server(folder, env)
        runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY))
        try:
            routing_key = subprocess.run(
                [sys.executable, "-m", "dutydesk", "integration", "add", "bench-api"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()

            def stored(prefix: str) -> tuple[int, int]:
                """(triggers logged, alerts) for dedup keys starting with prefix."""
                with unit_of_work(runtime.read_sessions) as session:
                    keyed = Alert.dedup_key.startswith(prefix)
                    logged = session.scalar(
                        select(func.count())
                        .select_from(AlertLogEntry)
                        .join(Alert, Alert.id == AlertLogEntry.alert_id)
                        .where(keyed, AlertLogEntry.kind == "trigger")
                    )
                    alerts = session.scalar(select(func.count()).select_from(Alert).where(keyed))
                    return logged or 0, alerts or 0

            warm = [request_bytes(port, trigger(routing_key, f"warm-{n}", n)) for n in range(500)]
            drive(port, warm)

            new = [
                request_bytes(port, trigger(routing_key, f"new-{n}", n)) for n in range(NEW_EVENTS)
            ]
            load = drive(port, new)
            report(f"new alerts ({NEW_EVENTS} keys)", load, stored("new-")[0])

            duplicates = [
                request_bytes(port, trigger(routing_key, f"dup-{n % DUPLICATE_KEYS}", n))
                for n in range(DUPLICATE_EVENTS)
            ]
            load = drive(port, duplicates)
            report(f"duplicates ({DUPLICATE_KEYS} keys)", load, stored("dup-")[0])

            storm = [
                request_bytes(port, trigger(routing_key, f"storm-{n % STORM_KEYS}", n))
                for n in range(STORM_EVENTS)
            ]
            load = drive(port, storm)
            logged, alerts = stored("storm-")
            report(f"storm ({STORM_EVENTS} events, {STORM_KEYS} keys)", load, logged)
            with unit_of_work(runtime.read_sessions) as session:
                pages = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.idempotency_key.startswith("page"))
                )
            print(
                f"{'storm: alerts, pages':<34} {alerts} alerts (must be {STORM_KEYS}),"
                f" {pages} pages (at most {STORM_KEYS})"
            )
            # The first-page latency benchmark (an event in, its first page out of the outbox)
            # goes here once paging exists: time from the 202 to the page's `sent_at`.
        finally:
            server.terminate()
            server.wait(timeout=30)
            runtime.engine.dispose()


if __name__ == "__main__":
    run()
