"""The ticket queue page with 10,000 open tickets: how long `/tickets` takes to render.

Target (issue 12, tenant tickets): the queue page with 10,000 open tickets renders in < 100 ms.

A database (an SQLite file, and PostgreSQL when one answers) with the example team, 40 tenants,
10,000 open tickets (new, open and pending, every priority and none, a quarter picked up, due
times from two hours ago to two days ahead, the pending ones paused) and 20,000 solved or
closed ones, written in bulk. A responder signs in through the form, and the pages are asked
for in process (FastAPI's TestClient, no network): the queue's first page (100 rows), its tabs,
a filtered view, the next page, the dashboard with its Tickets panel and one ticket. The queue
is asked for REPEATS times after a warm-up (the others a quarter as often); the median and the
95th percentile of the wall-clock time are printed, with the median CPU time of this process
(the server runs in it), which other processes on a shared machine disturb far less.

The ceiling: a bare FastAPI route in the same process renders, with Jinja2 and autoescaping,
a template of the same table (the same 100 rows as plain strings, worked out beforehand) in
a page of about the same size: what any server-rendered page of that size costs here, with no
database, no sign-in and no clock. The queue's median is also printed as a multiple of it.

Run it with `.venv/bin/python -m bench.ticket_queue` (both engines; `sqlite` or `postgresql` for
one). PostgreSQL is the server at DUTYDESK_BENCH_DATABASE_URL (default: the database
`dutydesk_bench_tickets` on 127.0.0.1), whose schema the benchmark drops and rebuilds.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from jinja2 import Environment, select_autoescape
from sqlalchemy import Connection, create_engine, insert, text
from sqlalchemy.exc import OperationalError

from bench.outbox import create_database_if_missing
from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.auth import service as auth
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.tenants.models import Tenant
from dutydesk.tickets import service
from dutydesk.tickets.models import Ticket
from dutydesk.tickets.page_views import names, queue_rows
from dutydesk.timeparse import local_text

ROOT = Path(__file__).parent.parent
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
PASSWORD = "benchmark password"
TARGET_MS = 100.0
OPEN_TICKETS = 10_000
CLOSED_TICKETS = 20_000
TENANTS = 40
PEOPLE = ("alice", "bob", "carol", "dan", "erin")
REPEATS = 200
# Its own database: the benchmark drops and rebuilds the schema.
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dutydesk_bench_tickets"
_CHUNK = 500


@dataclass(frozen=True)
class Figures:
    """Milliseconds: median and 95th percentile of the wall-clock time, median CPU time."""

    median_ms: float
    p95_ms: float
    cpu_median_ms: float


def timed(action: Callable[[], object], repeats: int = REPEATS) -> Figures:
    """Time `action` `repeats` times after a warm-up of ten."""
    for _ in range(10):
        action()
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        action()
        cpus.append((time.process_time() - cpu_started) * 1000)
        walls.append((time.perf_counter() - started) * 1000)
    return Figures(
        statistics.median(walls),
        statistics.quantiles(walls, n=20)[-1],
        statistics.median(cpus),
    )


def report(label: str, figures: Figures, note: str = "") -> None:
    print(
        f"{label:<54} median {figures.median_ms:7.2f} ms  p95 {figures.p95_ms:7.2f} ms  "
        f"cpu {figures.cpu_median_ms:7.2f} ms  {note}"
    )


def machine() -> str:
    """Cores, load average and commit, for the record that goes with the figures."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return f"{os.cpu_count()} cores, load average {load}, commit {commit or 'unknown'}"


def seed_tickets(connection: Connection, now: datetime) -> None:
    """Tenants and tickets in bulk: OPEN_TICKETS new, open or pending, CLOSED_TICKETS done."""
    connection.execute(
        insert(Tenant),
        [
            {"id": f"tenant-{n}", "name": f"Tenant {n:02d}", "created_at": now}
            for n in range(TENANTS)
        ],
    )
    rows = [_ticket(n, now, done=False) for n in range(OPEN_TICKETS)]
    rows += [_ticket(n, now, done=True) for n in range(CLOSED_TICKETS)]
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(Ticket), rows[start : start + _CHUNK])


def _ticket(n: int, now: datetime, *, done: bool) -> dict[str, Any]:
    status = ("solved", "closed")[n % 2] if done else ("new", "open", "open", "pending")[n % 4]
    # Tenants and people by another stride than statuses and priorities, so every tenant and
    # person has tickets in every status and priority.
    spread = n // 20
    running = status in ("new", "open")
    created = now - timedelta(minutes=n % 5000)
    return {
        "tenant_id": f"tenant-{spread % TENANTS}" if n % 7 else None,
        "subject": f"Deploys to app-{n % 313} fail with 502 <since {n % 24}:00>",
        "requester_email": f"ops{n % 97}@tenant-{spread % TENANTS}.example",
        "requester_name": None,
        "status": status,
        "priority": ("P1", "P2", "P3", "P4", None)[n % 5],
        "assignee_id": PEOPLE[spread % len(PEOPLE)] if spread % 4 == 0 else None,
        "source": "mail",
        "created_at": created,
        "updated_at": created,
        "solved_at": now if done else None,
        "clock_kind": None if done else ("first_response" if status == "new" else "update"),
        # Due from two hours ago to two days ahead; pending clocks are paused.
        "clock_running_since": created if running else None,
        "clock_used_seconds": 600,
        "answer_due_at": now + timedelta(minutes=(n * 7919) % 3000 - 120) if running else None,
        "next_reminder_at": None,
        "next_reminder_stage": None,
    }


def signed_in(client: TestClient) -> None:
    form = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form)
    assert token is not None
    answer = client.post(
        "/sign-in",
        data={"csrf_token": token.group(1), "username": "alice", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


# The ceiling's page: the queue's table of the same rows, with a layout of about the same size.
CEILING_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tickets · Dutydesk</title>
<link rel="stylesheet" href="/static/style.css"></head><body><main>{{ padding }}
<h1>Tickets</h1><p>{{ total }} tickets</p>
<table class="table queue"><thead><tr><th scope="col">Ticket</th><th scope="col">Priority</th>
<th scope="col">Status</th><th scope="col">Tenant</th><th scope="col">Subject</th>
<th scope="col">Assignee</th><th scope="col">Answer due</th></tr></thead><tbody>
{% for row in rows %}<tr class="queue__row--{{ row.state }}"><td>#{{ row.id }}</td>
<td><span class="badge badge--priority-{{ row.priority|lower }}">{{ row.priority }}</span></td>
<td><span class="badge badge--ticket-{{ row.status }}">{{ row.status }}</span></td>
<td><span class="queue__label">Tenant: </span>{{ row.tenant }}</td>
<td class="queue__subject"><a href="/tickets/{{ row.id }}">{{ row.subject }}</a></td>
<td><span class="queue__label">Assignee: </span>{{ row.assignee }}</td>
<td class="queue__due"><span class="queue__label">Answer due: </span>
<time datetime="{{ row.due_iso }}">{{ row.due }}</time><br>
<span class="countdown countdown--{{ row.state }}">{{ row.countdown }}</span></td></tr>
{% endfor %}</tbody></table></main></body></html>"""


def ceiling_rows(runtime: Runtime) -> list[dict[str, str]]:
    """The queue's first page as plain strings, worked out once: what the ceiling renders."""
    with unit_of_work(runtime.read_sessions) as session:
        known = names(session)
        tickets = service.list_tickets(session, service.Queue(limit=100))
        rows = queue_rows(tickets, known, runtime.clock.now())
    zone = ZoneInfo("Europe/London")
    return [
        {
            "state": row.countdown.state,
            "id": str(row.ticket.id),
            "priority": row.ticket.priority or "untriaged",
            "status": row.ticket.status,
            "tenant": row.tenant,
            "subject": row.ticket.subject,
            "assignee": row.assignee or "nobody",
            "due_iso": row.ticket.answer_due_at.isoformat() if row.ticket.answer_due_at else "",
            "due": local_text(row.ticket.answer_due_at, zone, with_year=False),
            "countdown": row.countdown.text,
        }
        for row in rows
    ]


def ceiling_app(rows: list[dict[str, str]], page_size: int) -> FastAPI:
    """A bare FastAPI route rendering the rows as a template, padded to `page_size` bytes."""
    template = Environment(autoescape=select_autoescape(default=True)).from_string(CEILING_TEMPLATE)
    bare = len(template.render(rows=rows, total=OPEN_TICKETS, padding="").encode())
    # The layout's navigation, filters and footer, as text of the same length.
    padding = "x" * max(0, page_size - bare)
    app = FastAPI()

    @app.get("/tickets", response_class=HTMLResponse)
    def tickets() -> HTMLResponse:
        return HTMLResponse(template.render(rows=rows, total=OPEN_TICKETS, padding=padding))

    return app


def prepared(url: str) -> Runtime:
    """A migrated database at `url` with the example team, alice and the tickets."""
    if url.startswith("postgresql"):
        create_database_if_missing(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    runtime = bootstrap(Settings(database_url=url, secret_key="b" * 32))
    migrate.upgrade(runtime.engine)
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        team = read_team_file(EXAMPLE_TEAM.read_text(), "team.yaml")
        apply(session, team, now, actor="bench")
        auth.add_user(
            session,
            username="alice",
            role="responder",
            person_id="alice",
            password=PASSWORD,
            now=now,
        )
        session.commit()
    with runtime.engine.begin() as connection:
        seed_tickets(connection, now)
    if runtime.engine.dialect.name == "postgresql":
        # As autovacuum would soon after a bulk load: the planner's statistics.
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return runtime


def measure(engine_name: str, url: str) -> tuple[Figures, list[dict[str, str]], int]:
    """Print the pages' figures on one database; returns the queue's, its first page's rows
    as the ceiling renders them, and the page's size in bytes."""
    runtime = prepared(url)
    rows = ceiling_rows(runtime)
    target = f"(target < {TARGET_MS:.0f} ms)"
    try:
        with TestClient(create_app(runtime), headers={"accept": "text/html"}) as client:
            signed_in(client)
            first = client.get("/tickets")
            assert first.status_code == 200 and first.text.count("<tr class=") == 100
            more = re.search(r'href="(/tickets\?after=[^"]+)"', first.text)
            assert more is not None
            queue = timed(lambda: client.get("/tickets"))
            report(f"{engine_name}: /tickets (first 100 of 10,000)", queue, target)
            for label, path in (
                ("/tickets?tab=breaching", "/tickets?tab=breaching"),
                ("/tickets?tab=unassigned", "/tickets?tab=unassigned"),
                ("/tickets?tab=mine", "/tickets?tab=mine"),
                ("/tickets?priority=P1&tenant=tenant-3", "/tickets?priority=P1&tenant=tenant-3"),
                ("the next 100 (More tickets)", more.group(1).replace("&amp;", "&")),
                ("dashboard (/) with the Tickets panel", "/"),
                ("one ticket (/tickets/5)", "/tickets/5"),
            ):
                assert client.get(path).status_code == 200, path
                figures = timed(lambda p=path: client.get(p), repeats=REPEATS // 4)
                report(f"{engine_name}: {label}", figures, target)
    finally:
        runtime.close()
    return queue, rows, len(first.content)


def run(engines: tuple[str, ...] = ("sqlite", "postgresql")) -> None:
    """Print the queue's render times (and its tabs', the next page's, the dashboard's and a
    ticket's) on each engine, and the ceiling's."""
    print(f"ticket queue page, {OPEN_TICKETS:,} open tickets; {machine()}")
    measured: list[tuple[str, Figures]] = []
    rows: list[dict[str, str]] = []
    page_size = 0
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as folder:
            queue, rows, page_size = measure("SQLite", f"sqlite:///{folder}/tickets.sqlite3")
            measured.append(("SQLite", queue))
    if "postgresql" in engines:
        url = os.environ.get("DUTYDESK_BENCH_DATABASE_URL", DEFAULT_PG_URL)
        try:
            queue, rows, page_size = measure("PostgreSQL", url)
            measured.append(("PostgreSQL", queue))
        except OperationalError as error:
            print(f"PostgreSQL: not measured, no database at {url} ({error.orig})")
    if not rows:
        return
    app = ceiling_app(rows, page_size)
    with TestClient(app) as bare:
        ceiling_bytes = len(bare.get("/tickets").content)
        ceiling = timed(lambda: bare.get("/tickets"))
    report(
        f"ceiling: a bare FastAPI route, {len(rows)} rows",
        ceiling,
        f"({ceiling_bytes:,} bytes; the queue page {page_size:,})",
    )
    for engine_name, queue in measured:
        wall = queue.median_ms / ceiling.median_ms
        cpu = queue.cpu_median_ms / ceiling.cpu_median_ms
        print(
            f"{engine_name}: the queue page takes {wall:.1f} times the ceiling's wall-clock"
            f" median, {cpu:.1f} times its CPU"
        )


if __name__ == "__main__":
    # `python -m bench.ticket_queue sqlite` (or `postgresql`) measures that engine alone.
    chosen = tuple(sys.argv[1:]) or ("sqlite", "postgresql")
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        sys.exit(
            f"usage: python -m bench.ticket_queue [sqlite] [postgresql]; not {sorted(unknown)}"
        )
    run(chosen)
