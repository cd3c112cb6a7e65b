"""Events API ingestion: PagerDuty Events v2 triggers a second into a real `dutydesk serve`.

Targets (issues 5 and 10), on the embedded SQLite default with one process (synchronous=full):
at least 2,000 new-alert events/s accepted and stored durably, p99 latency under 50 ms, with 0,
10,000 and 100,000 alerts already open; about 0.30 of a bare FastAPI route on the same machine
in the same run (bench/ceiling.py, measured before each level with the same load generator and
bodies, and printed as `x.xx of the ceiling`). A storm of 10,000 events for 50 dedup keys makes
50 alerts and at most 50 pages.

The open alerts are seeded with bulk inserts before the server starts (bench/open_alerts.py):
spread over five services, in groups of 100 with their log and pages. Choose the levels with
DUTYDESK_BENCH_OPEN_ALERTS (default "0,10000,100000").

The server is a `dutydesk serve` subprocess (worker on, as a user runs it) on a fresh SQLite
file, set up with the CLI as a user would: `db upgrade`, `apply` a team with one service,
`integration add`. The load generator shares the machine's cores with it, so it is kept cheap:
raw asyncio HTTP/1.1 over CONCURRENCY keep-alive connections, one request in flight on each
(no pipelining), a pre-built body per event. Latency is from writing a request to reading its
whole answer. Every 202 is then checked against the database: each accepted event is one
`trigger` row in the alert log, read by another connection after the answers came back.

Each line also gives the server's CPU per request (all its threads, from /proc): unlike the
rates, it moves little when other work shares the machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.loopback import free_port
from bench.open_alerts import seed_open_alerts
from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.composition import bootstrap
from dutydesk.db import make_engine, unit_of_work
from dutydesk.notify.models import OutboxMessage
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
ROOT = Path(__file__).parent.parent
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
# bench-api is paged through the example's 24x7 policy, so the storm's page count means
# something; the others carry their share of the seeded open alerts.
SERVICE = (
    "  - {id: bench-api, name: Benchmark API, escalation_policy: 24x7}\n"
    "  - {id: bench-db, name: Benchmark database, escalation_policy: in-hours}\n"
    "  - {id: bench-queue, name: Benchmark queue}\n"
)
OPEN_ALERT_LEVELS = "0,10000,100000"
CEILING_WARM_UP = 1000


@dataclass(frozen=True)
class Load:
    """What one run of the load generator saw."""

    sent: int
    accepted: int
    seconds: float
    latencies_ms: list[float]
    generator_cpu_seconds: float = 0.0
    # The server's CPU over the run, all its threads (None where /proc cannot tell).
    server_cpu_seconds: float | None = None

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds

    def server_cpu_text(self) -> str:
        """The server's CPU per request, the figure the machine's load moves least."""
        if self.server_cpu_seconds is None or not self.sent:
            return ""
        return f"  server {self.server_cpu_seconds / self.sent * 1000:.3f} ms CPU a request"

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


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
    folder: Path, env: dict[str, str], *, team: str | None = None, open_alerts: int = 0
) -> tuple[subprocess.Popen[bytes], int]:
    """A `dutydesk serve` (with its worker) set up as a user would; returns it and its port.

    The team is the example with the benchmark's services, unless `team` gives its YAML text;
    `open_alerts` are seeded (bench/open_alerts.py) before the server starts.
    """
    cli = [sys.executable, "-m", "dutydesk"]
    path = team_file(folder)
    if team is not None:
        path.write_text(team)
    for command in (["db", "upgrade"], ["apply", str(path)]):
        subprocess.run([*cli, *command], env=env, check=True, capture_output=True)
    if open_alerts:
        started = time.perf_counter()
        engine = make_engine(env["DUTYDESK_DATABASE_URL"])
        with engine.begin() as connection:
            groups = seed_open_alerts(connection, open_alerts, datetime.now(UTC))
        # Into the database file, as a database that has been running a while has them:
        # otherwise the server's first commits copy the seeding's log in their stead. (On the
        # driver's connection: a checkpoint cannot run inside the transaction SQLAlchemy opens.)
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        engine.dispose()
        print(
            f"  seeded {open_alerts:,} open alerts in {groups:,} groups over every service"
            f" in {time.perf_counter() - started:.1f} s"
        )
    port = free_port()
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    return server, _wait_for(server, port, folder / "serve.log")


def _wait_for(server: subprocess.Popen[bytes], port: int, log: Path) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.05)
    server.kill()
    raise RuntimeError(f"the server did not start: {log.read_text()}")


def measure_ceiling(folder: Path, env: dict[str, str]) -> Load:
    """The bare FastAPI route (bench/ceiling.py) under the same load, served the same way."""
    port = free_port()
    level = env.get("DUTYDESK_LOG_LEVEL", "info").lower()
    log_path = folder / "ceiling.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.ceiling:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                level,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        _wait_for(server, port, log_path)
        bodies = [trigger("0" * 32, f"ceiling-{n}", n) for n in range(CEILING_WARM_UP + NEW_EVENTS)]
        requests = [request_bytes(port, body) for body in bodies]
        drive(port, requests[:CEILING_WARM_UP])
        return drive(port, requests[CEILING_WARM_UP:], server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


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
    port: int,
    requests: list[bytes],
    next_index: Callable[[], int | None],
    load: _Tally,
    ok: bytes = b"202",
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
            if status_line.split(b" ", 2)[1] == ok:
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


async def _drive(port: int, requests: list[bytes], ok: bytes = b"202") -> Load:
    tally = _Tally()
    positions = iter(range(len(requests)))

    def next_index() -> int | None:
        return next(positions, None)

    started, cpu = time.perf_counter(), _cpu_seconds()
    await asyncio.gather(
        *(_connection(port, requests, next_index, tally, ok) for _ in range(CONCURRENCY))
    )
    seconds = time.perf_counter() - started
    if tally.refused:
        print(f"  {tally.refused} event(s) were not accepted")
    return Load(tally.sent, tally.accepted, seconds, tally.latencies_ms, _cpu_seconds() - cpu)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drive(
    port: int, requests: list[bytes], server_pid: int | None = None, *, ok: bytes = b"202"
) -> Load:
    """Send every request over CONCURRENCY keep-alive connections; what came back, how fast,
    and (given its process id) the CPU the server spent meanwhile. An answer of status `ok`
    counts as accepted.

    On uvloop when it is installed (it is a dependency): the generator shares the machine's
    cores with the server, and uvloop's loop costs it less.
    """
    before = server_cpu_seconds(server_pid)
    load = _run_loop(_drive(port, requests, ok))
    after = server_cpu_seconds(server_pid)
    if before is None or after is None:
        return load
    return replace(load, server_cpu_seconds=after - before)


def server_cpu_seconds(pid: int | None) -> float | None:
    """User and system CPU of a process, all its threads, from /proc (Linux); else None."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # utime and stime, the 14th and 15th fields, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_loop(work: Coroutine[Any, Any, Load]) -> Load:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is not built for every platform
        return asyncio.run(work)
    return uvloop.run(work)


def report(label: str, load: Load, stored: int, ceiling: Load | None = None) -> None:
    share = f"  {load.rate / ceiling.rate:4.2f} of the ceiling" if ceiling is not None else ""
    print(
        f"  {label:<32} {load.rate:6.0f} events/s  p50 {load.percentile(50):5.1f} ms"
        f"  p95 {load.percentile(95):5.1f} ms  p99 {load.percentile(99):5.1f} ms{share}"
        f"{load.server_cpu_text()}  accepted {load.accepted}/{load.sent}, stored {stored}"
        + ("" if stored == load.accepted else "  NOT ALL STORED")
    )


def machine() -> str:
    """Cores, load average and commit, for the record that goes with the figures."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return f"{os.cpu_count()} cores, load average {load}, commit {commit or 'unknown'}"


def add_integration(env: dict[str, str], service: str) -> str:
    """A new integration key for `service`, made with the CLI as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "dutydesk", "integration", "add", service],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def levels() -> list[int]:
    """The numbers of open alerts to measure at (DUTYDESK_BENCH_OPEN_ALERTS)."""
    text = os.environ.get("DUTYDESK_BENCH_OPEN_ALERTS", OPEN_ALERT_LEVELS)
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def run() -> None:
    """Print the ingestion figures at each level of open alerts: new alerts, duplicates and the
    storm, each against the ceiling measured just before."""
    synchronous = os.environ.get("DUTYDESK_SQLITE_SYNCHRONOUS", "full")
    print(
        f"events: POST /v2/enqueue into `dutydesk serve` on SQLite (synchronous={synchronous},"
        f" worker on), {CONCURRENCY} keep-alive connections (target >= {TARGET_RATE} events/s,"
        f" p99 < {TARGET_P99_MS:.0f} ms, about 0.30 of the ceiling); {machine()}"
    )
    for open_alerts in levels():
        with tempfile.TemporaryDirectory() as directory:
            run_level(Path(directory), open_alerts)
    print(f"  at the end: {machine()}")


def run_level(folder: Path, open_alerts: int) -> None:
    """One fresh database with `open_alerts` open, and the three loads against it."""
    print(f"with {open_alerts:,} open alerts:")
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    env = os.environ | {"DUTYDESK_DATABASE_URL": url, "DUTYDESK_SECRET_KEY": SECRET_KEY}
    ceiling = measure_ceiling(folder, env)
    print(
        f"  {'ceiling: a bare FastAPI route':<32} {ceiling.rate:6.0f} requests/s"
        f"  p50 {ceiling.percentile(50):5.1f} ms  p99 {ceiling.percentile(99):5.1f} ms"
        f"{ceiling.server_cpu_text()}  (load generator:"
        f" {ceiling.generator_cpu_seconds / ceiling.sent * 1000:.3f} ms CPU a request)"
    )
    server, port = start_server(folder, env, open_alerts=open_alerts)
    runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY))
    try:
        routing_key = add_integration(env, "bench-api")

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

        new = [request_bytes(port, trigger(routing_key, f"new-{n}", n)) for n in range(NEW_EVENTS)]
        load = drive(port, new, server.pid)
        report(f"new alerts ({NEW_EVENTS} keys)", load, stored("new-")[0], ceiling)

        duplicates = [
            request_bytes(port, trigger(routing_key, f"dup-{n % DUPLICATE_KEYS}", n))
            for n in range(DUPLICATE_EVENTS)
        ]
        load = drive(port, duplicates, server.pid)
        report(f"duplicates ({DUPLICATE_KEYS} keys)", load, stored("dup-")[0], ceiling)

        storm = [
            request_bytes(port, trigger(routing_key, f"storm-{n % STORM_KEYS}", n))
            for n in range(STORM_EVENTS)
        ]
        load = drive(port, storm, server.pid)
        logged, alerts = stored("storm-")
        report(f"storm ({STORM_EVENTS} events, {STORM_KEYS} keys)", load, logged, ceiling)
        with unit_of_work(runtime.read_sessions) as session:
            pages = session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.idempotency_key.startswith("page"),
                    OutboxMessage.idempotency_key.not_like("page-seed-%"),
                )
            )
        print(
            f"  {'storm: alerts, pages':<32} {alerts} alerts (must be {STORM_KEYS}),"
            f" {pages} pages (at most {STORM_KEYS})"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        runtime.close()


if __name__ == "__main__":
    run()
