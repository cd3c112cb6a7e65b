"""The ticket queue page with 10,000 open tickets: how long `/tickets` takes to render.

Target (issue 12, tenant tickets): the queue page with 10,000 open tickets renders in < 100 ms.

An SQLite file with the example team, 40 tenants, 10,000 open tickets (new, open and pending,
every priority and none, a quarter picked up, due times from two hours ago to two days ahead,
the pending ones paused) and 20,000 solved or closed ones, written in bulk. A responder signs
in through the form, and the pages are asked for in process (FastAPI's TestClient, no network):
the queue's first page (100 rows), its tabs, the next page, and the dashboard with its Tickets
panel. Each is asked for REPEATS times after a warm-up; the median and the 95th percentile are
printed, with the CPU time of the median request.

The ceiling: a bare FastAPI route in the same process renders, with Jinja2 and autoescaping,
a template of the same table (the same 100 rows as plain strings, worked out beforehand) in
a page of about the same size: what any server-rendered page of that size costs here, with no
database, no sign-in and no clock. The queue's median is also printed as a multiple of it.

Run it with `.venv/bin/python -m bench.ticket_queue`.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from jinja2 import Environment, select_autoescape
from sqlalchemy import Connection, insert

from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.auth import service as auth
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.tenants.models import Tenant
from dutydesk.tickets.models import Ticket

ROOT = Path(__file__).parent.parent
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
PASSWORD = "benchmark password"
TARGET_MS = 100.0
OPEN_TICKETS = 10_000
CLOSED_TICKETS = 20_000
TENANTS = 40
PEOPLE = ("alice", "bob", "carol", "dan", "erin")
REPEATS = 200
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
        f"{label:<46} median {figures.median_ms:7.2f} ms  p95 {figures.p95_ms:7.2f} ms  "
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
<td>{{ row.tenant }}</td>
<td class="queue__subject"><a href="/tickets/{{ row.id }}">{{ row.subject }}</a></td>
<td>{{ row.assignee }}</td><td><time datetime="{{ row.due_iso }}">{{ row.due }}</time><br>
<span class="countdown countdown--{{ row.state }}">{{ row.countdown }}</span></td></tr>
{% endfor %}</tbody></table></main></body></html>"""
_ROW = re.compile(
    r'<tr class="queue__row--(?P<state>\w+)">\s*<td>#(?P<id>\d+)</td>'
    r"\s*<td>(?P<priority_cell>.*?)</td>"
    r"\s*<td>.*?>(?P<status>\w+)</span></td>\s*<td>(?P<tenant>.*?)</td>"
    r'\s*<td class="queue__subject"><a href="[^"]+">(?P<subject>.*?)</a></td>'
    r"\s*<td>(?P<assignee>.*?)</td>\s*<td>(?P<due_cell>.*?)</td>",
    re.S,
)


def ceiling_app(queue_html: str) -> tuple[FastAPI, int]:
    """A bare FastAPI route rendering the queue's rows (taken from its page) as a template."""
    rows = []
    for found in _ROW.finditer(queue_html):
        due = re.sub(r"<[^>]+>", " ", found["due_cell"]).split()
        rows.append(
            {
                "state": found["state"],
                "id": found["id"],
                "priority": re.sub(r"<[^>]+>", "", found["priority_cell"]),
                "status": found["status"],
                "tenant": found["tenant"],
                "subject": found["subject"],
                "assignee": found["assignee"],
                "due_iso": "2026-01-14T10:00:00+00:00",
                "due": " ".join(due[:4]),
                "countdown": " ".join(due[4:]),
            }
        )
    template = Environment(autoescape=select_autoescape(default=True)).from_string(CEILING_TEMPLATE)
    bare = len(template.render(rows=rows, total=OPEN_TICKETS, padding=""))
    # The layout's navigation, filters and footer, as text of the same length.
    padding = "x" * max(0, len(queue_html) - bare)
    app = FastAPI()

    @app.get("/tickets", response_class=HTMLResponse)
    def tickets() -> HTMLResponse:
        return HTMLResponse(template.render(rows=rows, total=OPEN_TICKETS, padding=padding))

    return app, len(rows)


def run() -> None:
    """Print the queue's render times, its tabs', the next page's and the dashboard's, and the
    ceiling's."""
    print(f"ticket queue page, {OPEN_TICKETS:,} open tickets; {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/tickets.sqlite3"
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
        with TestClient(create_app(runtime), headers={"accept": "text/html"}) as client:
            signed_in(client)
            first = client.get("/tickets")
            assert first.status_code == 200 and first.text.count("<tr class=") == 100
            more = re.search(r'href="(/tickets\?after=[^"]+)"', first.text)
            assert more is not None
            queue = timed(lambda: client.get("/tickets"))
            target = f"(target < {TARGET_MS:.0f} ms)"
            report("page: /tickets (first 100 of 10,000)", queue, target)
            for label, path in (
                ("page: /tickets?tab=breaching", "/tickets?tab=breaching"),
                ("page: /tickets?tab=unassigned", "/tickets?tab=unassigned"),
                ("page: /tickets?tab=mine", "/tickets?tab=mine"),
                (
                    "page: /tickets?priority=P1&tenant=tenant-3",
                    "/tickets?priority=P1&tenant=tenant-3",
                ),
                ("page: the next 100 (More tickets)", more.group(1).replace("&amp;", "&")),
                ("page: dashboard (/) with the Tickets panel", "/"),
                ("page: one ticket (/tickets/5)", "/tickets/5"),
            ):
                assert client.get(path).status_code == 200, path
                report(label, timed(lambda p=path: client.get(p), repeats=REPEATS // 4), target)
            page_bytes = len(first.content)
        app, rows = ceiling_app(first.text)
        with TestClient(app) as bare:
            ceiling_bytes = len(bare.get("/tickets").content)
            ceiling = timed(lambda: bare.get("/tickets"))
        report(
            f"ceiling: a bare FastAPI route, {rows} rows",
            ceiling,
            f"({ceiling_bytes:,} bytes; the queue page {page_bytes:,})",
        )
        print(f"the queue page costs {queue.median_ms / ceiling.median_ms:.1f} times the ceiling")
        runtime.engine.dispose()


if __name__ == "__main__":
    run()
