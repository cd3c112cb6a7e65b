"""The public status page: its throughput, its latency while the database is locked, and an
update's fan-out to 10,000 subscribers.

Targets (issue 14, the status page), on the embedded SQLite default:
- the front page and summary.json serve at least half the requests a second of a bare FastAPI
  route answering the same bytes (bench/ceiling.py `status_app`, fed from a static copy of the
  same page), measured in the same run with 32 keep-alive connections;
- the front page's p99 while another connection holds SQLite's write lock stays under twice
  its p99 with nobody holding it;
- an update reaching 10,000 subscribers is in their mailboxes (a local SMTP server's) within
  60 s of being published.

The database is one that has been in use for a quarter: the example team applied with the CLI
(its status page has 4 components in a group and alone), 20,000 open alerts in their groups
(bench/open_alerts.py), 90 days of status-page history published through the services as the
comms lead would (an incident a day with four updates and its components' states, and a
maintenance window a fortnight), and 22,000 subscribers: 10,000 confirmed of every component,
10,000 confirmed of one component the measured update does not concern, 2,000 unconfirmed.

The server is `dutydesk serve` with its worker, as a user runs it, sending mail to an aiosmtpd
server in this process. The load generator is bench/events.py's (raw asyncio HTTP/1.1, one
request in flight per connection), sharing the machine's cores with the server.

Run it with `.venv/bin/python -m bench.statuspage`.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert

from bench.events import ROOT, Load, _wait_for, drive, server_cpu_seconds
from bench.loopback import free_port
from bench.open_alerts import seed_open_alerts
from bench.ticket_queue import machine
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.settings import Settings
from dutydesk.statuspage import components, maintenance, publishing, snapshot
from dutydesk.statuspage.models import StatusSubscriber, StatusSubscriberComponent
from dutydesk.statuspage.publishing import UpdateDraft
from dutydesk.statuspage.site import Site

SECRET_KEY = "s" * 32
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
REQUESTS = 6000
WARM_UP = 500
REACHED = 10_000
OTHERS = 10_000
UNCONFIRMED = 2_000
OPEN_ALERTS = 20_000
HISTORY_DAYS = 90
FAN_OUT_TARGET_SECONDS = 60.0


@dataclass
class _Sink:
    """An SMTP server that counts what it receives, by the messages' idempotency keys."""

    received: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        key = ""
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"dutydesk-idempotency-key:"):
                key = line.split(b":", 1)[1].strip().decode()
                break
            if not line:
                break
        with self.lock:
            self.received[key] = self.received.get(key, 0) + 1
        return "250 OK"

    def count(self, prefix: str) -> tuple[int, int]:
        """Messages received whose key starts with `prefix`: distinct, and in all."""
        with self.lock:
            found = [n for key, n in self.received.items() if key.startswith(prefix)]
        return len(found), sum(found)


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "dutydesk", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip


def _seed(url: str, start: datetime) -> tuple[list[str], str]:
    """The quarter's history, published through the services with a clock walking through it,
    then the subscribers and open alerts in bulk. Returns the components and the one the
    measured update concerns."""
    clock = FrozenClock(start)
    runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY), clock)
    site = Site.of(runtime)
    rng = random.Random(14)
    with unit_of_work(runtime.read_sessions) as session:
        ids = [c.id for c in components.list_components(session) if not c.is_group]
    states = ("degraded_performance", "partial_outage", "major_outage")
    for day in range(HISTORY_DAYS):
        clock.set(start + timedelta(days=day, hours=9 + rng.random() * 6))
        chosen = rng.sample(ids, 2)
        with unit_of_work(runtime.sessions) as session:
            made = publishing.create_incident(
                session, name=f"Errors on {chosen[0]} (day {day})",
                draft=UpdateDraft("investigating", "We are looking into reports of errors.",
                                  {c: rng.choice(states) for c in chosen}, False),
                actor="bench", now=clock.now(), site=site,
            )  # fmt: skip
            session.commit()
            made_id = made.id
        for status, text, state in (
            ("identified", "The cause is a faulty deploy; rolling back.", None),
            ("monitoring", "The rollback is done; we are watching error rates.", "operational"),
            ("resolved", "Error rates are back to normal. Sorry for the trouble.", "operational"),
        ):
            clock.advance(timedelta(minutes=20 + rng.random() * 60))
            with unit_of_work(runtime.sessions) as session:
                found = publishing.get_status_incident(session, made_id, lock=True)
                publishing.publish_update(
                    session, found,
                    UpdateDraft(status, text, {c: state for c in chosen} if state else {}, False),
                    actor="bench", now=clock.now(), site=site,
                )  # fmt: skip
                session.commit()
        if day % 14 == 0:
            window_at = clock.now() + timedelta(hours=10)
            with unit_of_work(runtime.sessions) as session:
                window = maintenance.schedule(
                    session,
                    maintenance.Window(
                        f"Database upgrade {day}", "Brief pauses in deploys.", window_at,
                        window_at + timedelta(hours=1), [ids[0]], deliver_notifications=False,
                    ),
                    actor="bench", now=clock.now(), site=site,
                )  # fmt: skip
                session.commit()
                window_id = window.id
            for step in (maintenance.start, maintenance.complete):
                clock.set(
                    window_at if step is maintenance.start else window_at + timedelta(hours=1)
                )
                with unit_of_work(runtime.sessions) as session:
                    found = publishing.get_status_incident(session, window_id, lock=True)
                    step(session, found, now=clock.now(), site=site)
                    session.commit()
    clock.set(start + timedelta(days=HISTORY_DAYS))
    reached, other = ids[0], ids[-1]
    with runtime.engine.begin() as connection:
        _seed_subscribers(connection, clock.now(), other)
        seed_open_alerts(connection, OPEN_ALERTS, clock.now())
    with unit_of_work(runtime.sessions) as session:
        snapshot.mark_changed(session, clock.now())
        session.commit()
    runtime.close()
    return ids, reached


def _seed_subscribers(connection: Any, now: datetime, other: str) -> None:
    rows, chosen = [], []
    for n in range(REACHED + OTHERS + UNCONFIRMED):
        subscriber_id = f"bench{n:07d}"
        rows.append({
            "id": subscriber_id, "kind": "email", "address": f"tenant{n}@example.org",
            "address_digest": f"{n:064d}", "all_components": n < REACHED, "created_at": now,
            "confirmed_at": now if n < REACHED + OTHERS else None, "confirmation_sent_at": None,
        })  # fmt: skip
        if n >= REACHED:
            chosen.append({"subscriber_id": subscriber_id, "component_id": other})
    for start in range(0, len(rows), 500):
        connection.execute(insert(StatusSubscriber), rows[start : start + 500])
    for start in range(0, len(chosen), 500):
        connection.execute(insert(StatusSubscriberComponent), chosen[start : start + 500])


def _get(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


def _load(port: int, path: str, pid: int, count: int = REQUESTS) -> Load:
    drive(port, [_get(port, path)] * WARM_UP, ok=b"200")
    return drive(port, [_get(port, path)] * count, pid, ok=b"200")


def _line(label: str, load: Load, ceiling: Load | None = None) -> str:
    share = f"  {load.rate / ceiling.rate:4.2f} of the ceiling" if ceiling else ""
    cpu = load.server_cpu_text()
    return (
        f"  {label:<40} {load.rate:6.0f} requests/s  p50 {load.percentile(50):5.1f} ms"
        f"  p99 {load.percentile(99):6.1f} ms{share}{cpu}  ok {load.accepted}/{load.sent}"
    )


def _ceiling(folder: Path, env: dict[str, str], site_dir: Path) -> dict[str, Load]:
    port = free_port()
    log_path = folder / "ceiling.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bench.ceiling:status_app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", env.get("DUTYDESK_LOG_LEVEL", "info")],
            cwd=ROOT, env={**env, "DUTYDESK_BENCH_STATUS_DIR": str(site_dir)},
            stdout=log, stderr=log,
        )  # fmt: skip
    try:
        _wait_for(server, port, log_path)
        return {
            path: _load(port, path, server.pid)
            for path in ("/status/", "/status/api/v2/summary.json")
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def run() -> None:
    print(f"status page ({machine()})")
    with tempfile.TemporaryDirectory(prefix="dutydesk-bench-status-") as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'dutydesk.sqlite3'}"
        sink = _Sink()
        smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
        smtp.start()
        env = {
            **os.environ,
            "DUTYDESK_DATABASE_URL": url,
            "DUTYDESK_SECRET_KEY": SECRET_KEY,
            "DUTYDESK_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
            "DUTYDESK_BASE_URL": "http://127.0.0.1",
            "DUTYDESK_LOG_LEVEL": "warning",
        }
        try:
            _cli(env, "db", "upgrade")
            _cli(env, "apply", str(EXAMPLE_TEAM))
            started = time.perf_counter()
            start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=HISTORY_DAYS)
            ids, reached = _seed(url, start)
            print(
                f"  seeded {HISTORY_DAYS} days of history on {len(ids)} components,"
                f" {REACHED + OTHERS + UNCONFIRMED:,} subscribers and {OPEN_ALERTS:,} open"
                f" alerts in {time.perf_counter() - started:.0f} s"
            )
            site_dir = folder / "site"
            _cli(env, "status", "export", str(site_dir))
            sizes = {
                p: (site_dir / f).stat().st_size
                for p, f in (("front", "index.html"), ("summary", "api/v2/summary.json"))
            }
            print(f"  front page {sizes['front']:,} bytes, summary.json {sizes['summary']:,} bytes")
            ceilings = _ceiling(folder, env, site_dir)
            _measure_server(folder, env, url, ceilings, sink, reached)
        finally:
            smtp.stop()


def _measure_server(
    folder: Path,
    env: dict[str, str],
    url: str,
    ceilings: dict[str, Load],
    sink: _Sink,
    reached: str,
) -> None:
    port = free_port()
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "dutydesk", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        _wait_for(server, port, folder / "serve.log")
        for path, ceiling in ceilings.items():
            print(_line(f"ceiling {path}", ceiling))
            print(_line(f"dutydesk {path}", _load(port, path, server.pid), ceiling))
        idle = _load(port, "/status/", server.pid)
        locked = _while_locked(url, lambda: _load(port, "/status/", server.pid))
        ratio = locked.percentile(99) / idle.percentile(99)
        print(_line("/status/ idle", idle))
        print(_line("/status/ with the write lock held", locked) + f"  p99 {ratio:.2f}x idle")
        _fan_out(url, sink, reached, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)


def _while_locked(url: str, measure: Any) -> Load:
    """`measure()` while another connection holds SQLite's write lock throughout."""
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("UPDATE status_snapshots SET built_at = built_at")
    try:
        return measure()  # type: ignore[no-any-return]
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def _fan_out(url: str, sink: _Sink, reached: str, server_pid: int) -> None:
    """Publish an update of `reached` (through the services, in this process, as the API or a
    page would) and wait until every subscriber's mail has arrived."""
    runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY))
    site = Site.of(runtime)
    cpu_before = server_cpu_seconds(server_pid)
    started = time.perf_counter()
    with unit_of_work(runtime.sessions) as session:
        made = publishing.create_incident(
            session, name="Platform API errors",
            draft=UpdateDraft("investigating", "Some requests to the API fail; we are on it.",
                              {reached: "partial_outage"}),
            actor="bench", now=runtime.clock.now(), site=site,
        )  # fmt: skip
        session.commit()
        update_id = publishing.updates_of(session, made.id)[0].id
        told = publishing.updates_of(session, made.id)[0].notified
    queued = time.perf_counter() - started
    prefix = f"status-update-{update_id}-"
    deadline = started + 600
    while sink.count(prefix)[0] < told and time.perf_counter() < deadline:
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    distinct, total = sink.count(prefix)
    cpu_after = server_cpu_seconds(server_pid)
    cpu = (
        f", worker {(cpu_after - cpu_before) / max(distinct, 1) * 1000:.2f} ms CPU a message"
        if cpu_before is not None and cpu_after is not None
        else ""
    )
    verdict = (
        "met" if distinct == told == REACHED and seconds < FAN_OUT_TARGET_SECONDS else "NOT MET"
    )
    print(
        f"  fan-out to {told:,} subscribers: queued in {queued:.2f} s, all received in"
        f" {seconds:.1f} s ({distinct / seconds:.0f} a second{cpu}); {distinct:,} received,"
        f" {total - distinct} twice; target < {FAN_OUT_TARGET_SECONDS:.0f} s {verdict}"
    )
    runtime.close()


if __name__ == "__main__":
    run()
