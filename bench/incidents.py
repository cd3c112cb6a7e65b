"""Incidents: the incident page with 5,000 timeline entries, their export, and declaring.

Targets (issue 13, incidents): the incident page with 5,000 timeline entries renders in
< 150 ms; their export runs in < 200 ms; declaring an incident until the comms lead's
notification is queued takes < 100 ms.

A database (an SQLite file, and PostgreSQL when one answers) that has been busy: the example
team, 20,000 open alerts in their groups with their log and pages (bench/open_alerts.py),
10,000 open and 20,000 closed tickets (bench/ticket_queue.py), 1,000 past incidents with 20
timeline entries each, and the incident measured: 5,000 entries (people's notes and automatic
ones, a tenth edited with their earlier words kept, ten pinned), its three roles and ten linked
alerts. A responder signs in through the form and the pages are asked
for in process (FastAPI's TestClient, no network); the median and 95th percentile of the
wall-clock time are printed with the median CPU time of this process (the server runs in it).
The page is timed three ways: right after a new entry is added through the API each time (the
figure the target is about: the page reads every entry's stamp and renders the new entry), the
first view in a new process (every entry read and rendered), and viewed again with nothing new
(the rendering is kept, per timeline version; incidents/timeline_view.py).

Declaring is `POST /api/v1/incidents` with a bearer token: it answers 201 once the incident,
its roles, timeline, reminders and the outbox messages to its role holders (the comms lead's
among them) are committed. Each declaration is a new incident.

The ceilings, in the same run: a bare FastAPI route rendering, with Jinja2 and autoescaping, a
template of the same 5,000 entries (worked out beforehand as plain strings) in a page of the
same size; the same route answering the CSV export's bytes; and a bare FastAPI route taking a
JSON body and answering 201. Each figure is also printed as a multiple of its ceiling.

Run it with `.venv/bin/python -m bench.incidents` (both engines; `sqlite` or `postgresql` for
one). PostgreSQL is the server at DUTYDESK_BENCH_DATABASE_URL (default: the database
`dutydesk_bench_incidents` on 127.0.0.1), whose schema the benchmark drops and rebuilds.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.testclient import TestClient
from jinja2 import Environment, select_autoescape
from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bench import ticket_queue
from bench.open_alerts import seed_open_alerts
from bench.outbox import create_database_if_missing
from bench.ticket_queue import Figures, machine, report, signed_in, timed
from dutydesk import migrate
from dutydesk.alerts.models import Alert
from dutydesk.app import create_app
from dutydesk.auth import service as auth
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.incidents import document, service, timeline
from dutydesk.incidents.export import export
from dutydesk.incidents.models import (
    Incident,
    IncidentAlert,
    IncidentRole,
    TimelineEdit,
    TimelineEntry,
)
from dutydesk.incidents.policy import incident_policy
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.timeparse import local_text

ENTRIES = 5_000
PAST_INCIDENTS = 1_000
PAST_ENTRIES = 20
OPEN_ALERTS = 20_000
PAGE_TARGET_MS, EXPORT_TARGET_MS, DECLARE_TARGET_MS = 150.0, 200.0, 100.0
REPEATS = 40
DECLARATIONS = 100
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dutydesk_bench_incidents"
_CHUNK = 500
_KINDS = ("note", "note", "note", "alert", "role", "update", "check", "status")


def prepared(url: str) -> tuple[Runtime, int, str]:
    """The busy database at `url`; returns the runtime, the measured incident and a token."""
    if url.startswith("postgresql"):
        create_database_if_missing(url)
        runtime = bootstrap(Settings(database_url=url, secret_key="b" * 32))
        with runtime.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        runtime = bootstrap(Settings(database_url=url, secret_key="b" * 32))
    migrate.upgrade(runtime.engine)
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        apply(
            session,
            read_team_file(ticket_queue.EXAMPLE_TEAM.read_text(), "team.yaml"),
            now,
            actor="bench",
        )
        auth.add_user(
            session,
            username="alice",
            role="responder",
            person_id="alice",
            password=ticket_queue.PASSWORD,
            now=now,
        )
        _, token = auth.create_token(session, "alice", name="bench", now=now)
        session.commit()
    with runtime.engine.begin() as connection:
        seed_open_alerts(connection, OPEN_ALERTS, now)
        ticket_queue.seed_tickets(connection, now)
        _seed_past_incidents(connection, now)
    incident_id = _measured_incident(runtime, now)
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return runtime, incident_id, token


def _incident_row(n: int, now: datetime, *, status: str) -> dict[str, Any]:
    declared = now - timedelta(days=2 + n % 700, minutes=n)
    return {
        "title": f"Incident {n}: deploys to app-{n % 313} fail with 502",
        "priority": ("P1", "P2", "P3", "P4")[n % 4],
        "status": status,
        "source": "web",
        "declared_at": declared,
        "declared_by": "alice",
        "updated_at": declared,
        "resolved_at": declared + timedelta(hours=3) if status != "active" else None,
        "reviewed_at": declared + timedelta(days=5) if status == "reviewed" else None,
        "document": document.template(
            title=f"Incident {n}",
            priority="P2",
            declared_at_text="then",
            declared_by="alice",
            roles=[("Incident lead", "Bob Brown")],
        ),
        "document_version": 1,
        "document_saved_at": declared,
        "document_saved_by": "alice",
    }


def _seed_past_incidents(connection: Connection, now: datetime) -> None:
    rows = [_incident_row(n, now, status="reviewed") for n in range(PAST_INCIDENTS)]
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(Incident), rows[start : start + _CHUNK])
    ids = list(connection.scalars(select(Incident.id).order_by(Incident.id)))
    entries = [
        _entry(incident_id, n, row["declared_at"])
        for incident_id, row in zip(ids, rows, strict=True)
        for n in range(PAST_ENTRIES)
    ]
    for start in range(0, len(entries), _CHUNK):
        connection.execute(insert(TimelineEntry), entries[start : start + _CHUNK])


def _entry(incident_id: int, n: int, declared: datetime) -> dict[str, Any]:
    at = declared + timedelta(seconds=37 * n)
    return {
        "incident_id": incident_id,
        "occurred_at": at,
        "recorded_at": at + timedelta(minutes=n % 3),
        "kind": _KINDS[n % len(_KINDS)],
        "text": f"Entry {n}: rolled back deploy {4000 + n} of app-{n % 313} <eu-west-{n % 3}>"
        + (" and watched the 5xx rate settle over the next few minutes" if n % 2 else ""),
        "author": ("alice", "bob", "erin", "dutydesk")[n % 4],
        "pinned": n % 500 == 7,
        "edited_at": at + timedelta(minutes=5) if n % 10 == 3 else None,
        "details": {},
    }


def _measured_incident(runtime: Runtime, now: datetime) -> int:
    """Declared as a person would (roles, document, reminders), then 5,000 entries in bulk."""
    with unit_of_work(runtime.sessions) as session:
        alert_ids = list(session.scalars(select(Alert.id).order_by(Alert.id).limit(10)))
        incident = service.declare(
            session,
            incident_policy(session),
            service.Declaration(
                title="Platform API errors for every tenant", priority="P1", source="web"
            ),
            actor="alice",
            person_id="alice",
            now=now - timedelta(hours=30),
            base_url=runtime.settings.base_url,
        )
        session.add_all(
            IncidentAlert(incident_id=incident.id, alert_id=alert_id, linked_at=now)
            for alert_id in alert_ids
        )
        session.commit()
        incident_id = incident.id
        declared = incident.declared_at
    with runtime.engine.begin() as connection:
        written = len(timeline.entries(Session(connection), incident_id))
        rows = [_entry(incident_id, n, declared) for n in range(ENTRIES - written)]
        for start in range(0, len(rows), _CHUNK):
            connection.execute(insert(TimelineEntry), rows[start : start + _CHUNK])
        # Written in bulk, not through the timeline: its version moves on as the service's would.
        connection.execute(
            update(Incident)
            .where(Incident.id == incident_id)
            .values(timeline_version=Incident.timeline_version + 1)
        )
        edited = list(
            connection.scalars(
                select(TimelineEntry.id).where(
                    TimelineEntry.incident_id == incident_id,
                    TimelineEntry.edited_at.is_not(None),
                )
            )
        )
        connection.execute(
            insert(TimelineEdit),
            [
                {
                    "entry_id": entry_id,
                    "text": "What it said first",
                    "occurred_at": declared,
                    "edited_by": "bob",
                    "edited_at": declared + timedelta(minutes=5),
                }
                for entry_id in edited
            ],
        )
    return incident_id


# The ceiling's page: the timeline's 5,000 entries in a list of the same shape, padded to the
# incident page's size.
CEILING_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Incident · Dutydesk</title>
<link rel="stylesheet" href="/static/style.css"></head><body><main>{{ padding }}
<h1>Incident</h1><ol class="timeline">
{% for row in rows %}<li id="entry-{{ row.id }}"
 class="timeline__entry timeline__entry--{{ row.kind }}">
<p class="timeline__meta"><span class="timeline__when">
<time datetime="{{ row.iso }}">{{ row.local }}</time>
<span class="utc">({{ row.utc }} UTC)</span></span> · <span class="badge">{{ row.kind }}</span>
 · {{ row.author }}</p>
<div class="timeline__text">{{ row.text }}</div></li>
{% endfor %}</ol></main></body></html>"""


def timed_after(change: Callable[[], object], action: Callable[[], object]) -> Figures:
    """Time `action` REPEATS times, each right after `change` (not timed), after a warm-up."""
    for _ in range(3):
        change()
        action()
    walls, cpus = [], []
    for _ in range(REPEATS):
        change()
        started, cpu_started = time.perf_counter(), time.process_time()
        action()
        cpus.append((time.process_time() - cpu_started) * 1000)
        walls.append((time.perf_counter() - started) * 1000)
    return Figures(
        statistics.median(walls), statistics.quantiles(walls, n=20)[-1], statistics.median(cpus)
    )


def first_views(url: str, incident_id: int, repeats: int = 10) -> Figures:
    """The page's first view in a new runtime (its own engine, so nothing rendered yet)."""
    walls, cpus = [], []
    for _ in range(repeats):
        fresh = bootstrap(Settings(database_url=url, secret_key="b" * 32))
        try:
            with TestClient(create_app(fresh), headers={"accept": "text/html"}) as client:
                signed_in(client)
                started, cpu_started = time.perf_counter(), time.process_time()
                assert client.get(f"/incidents/{incident_id}").status_code == 200
                cpus.append((time.process_time() - cpu_started) * 1000)
                walls.append((time.perf_counter() - started) * 1000)
        finally:
            fresh.close()
    return Figures(
        statistics.median(walls), statistics.quantiles(walls, n=20)[-1], statistics.median(cpus)
    )


def ceiling_rows(runtime: Runtime, incident_id: int) -> tuple[list[dict[str, str]], str]:
    """The timeline as plain strings, and its CSV export, worked out once."""
    zone = incident_policy_zone(runtime)
    with unit_of_work(runtime.read_sessions) as session:
        incident = service.get_incident(session, incident_id)
        entries = timeline.entries(session, incident_id)
        csv_text = export(incident, entries, zone, "csv")
        rows = [
            {
                "id": str(e.id),
                "kind": e.kind,
                "iso": e.occurred_at.isoformat(),
                "local": local_text(e.occurred_at, zone),
                "utc": e.occurred_at.strftime("%H:%M"),
                "author": e.author,
                "text": e.text,
            }
            for e in entries
        ]
    return rows, csv_text


def incident_policy_zone(runtime: Runtime) -> Any:
    with unit_of_work(runtime.read_sessions) as session:
        return incident_policy(session).cadence.working.timezone


def ceiling_app(rows: list[dict[str, str]], page_size: int, csv_text: str) -> FastAPI:
    template = Environment(autoescape=select_autoescape(default=True)).from_string(CEILING_TEMPLATE)
    bare = len(template.render(rows=rows, padding="").encode())
    padding = "x" * max(0, page_size - bare)
    app = FastAPI()

    @app.get("/incident", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse(template.render(rows=rows, padding=padding))

    @app.get("/export")
    def exported() -> Response:
        return Response(csv_text, media_type="text/csv; charset=utf-8")

    @app.post("/declare", status_code=201)
    def declare(body: dict[str, Any]) -> dict[str, Any]:
        return {"id": 1, "title": body.get("title")}

    return app


def measure(engine_name: str, url: str) -> dict[str, tuple[Figures, int]]:
    """Print the figures on one database; returns each measure with its page size."""
    runtime, incident_id, token = prepared(url)
    found: dict[str, tuple[Figures, int]] = {}
    try:
        with TestClient(create_app(runtime), headers={"accept": "text/html"}) as client:
            signed_in(client)
            page = client.get(f"/incidents/{incident_id}")
            assert page.status_code == 200 and page.text.count('class="timeline__entry') == ENTRIES
            api = {"Authorization": f"Bearer {token}", "accept": "application/json"}

            def add_an_entry() -> None:
                added = client.post(
                    f"/api/v1/incidents/{incident_id}/timeline",
                    json={"text": "Tenants told again"},
                    headers=api,
                )
                assert added.status_code == 201, added.text

            # The first view after each change: the timeline is read and rendered anew.
            figures = timed_after(add_an_entry, lambda: client.get(f"/incidents/{incident_id}"))
            report(
                f"{engine_name}: incident page after a new entry",
                figures,
                f"(target < {PAGE_TARGET_MS:.0f} ms; {len(page.content):,} bytes)",
            )
            found["page"] = (figures, len(page.content))
            # The first view in a process that has rendered nothing of it yet (a restart).
            figures = first_views(url, incident_id)
            report(f"{engine_name}: incident page, first view in a new process", figures)
            found["page first"] = (figures, len(page.content))
            # Views with nothing new: the rendered timeline is kept.
            figures = timed(lambda: client.get(f"/incidents/{incident_id}"), REPEATS)
            report(f"{engine_name}: incident page viewed again", figures)
            found["page again"] = (figures, len(page.content))
            for suffix in ("csv", "md", "json"):
                path = f"/incidents/{incident_id}/timeline.{suffix}"
                exported = client.get(path)
                assert exported.status_code == 200, path
                figures = timed(lambda p=path: client.get(p), REPEATS)
                report(
                    f"{engine_name}: export .{suffix}",
                    figures,
                    f"(target < {EXPORT_TARGET_MS:.0f} ms; {len(exported.content):,} bytes)",
                )
                found[f"export.{suffix}"] = (figures, len(exported.content))
            count = iter(range(1_000_000))

            def declare() -> None:
                answer = client.post(
                    "/api/v1/incidents",
                    json={"title": f"Declared {next(count)}", "priority": "P1"},
                    headers=api,
                )
                assert answer.status_code == 201, answer.text

            figures = timed(declare, DECLARATIONS)
            report(
                f"{engine_name}: declare (POST /api/v1/incidents)",
                figures,
                f"(target < {DECLARE_TARGET_MS:.0f} ms, comms lead's notification queued)",
            )
            found["declare"] = (figures, 0)
        with unit_of_work(runtime.read_sessions) as session:
            queued = session.scalar(
                text(
                    "SELECT count(*) FROM outbox_messages WHERE idempotency_key LIKE"
                    " 'incident-%-role-comms-%'"
                )
            )
            comms = session.scalar(
                select(IncidentRole.person_id).where(IncidentRole.role == "comms").limit(1)
            )
        print(f"{engine_name}: comms lead ({comms}) notifications queued: {queued}")
    finally:
        runtime.close()
    return found


def run(engines: tuple[str, ...] = ("sqlite", "postgresql")) -> None:
    print(f"incidents: {ENTRIES:,} timeline entries, {OPEN_ALERTS:,} open alerts; {machine()}")
    measured: list[tuple[str, dict[str, tuple[Figures, int]]]] = []
    ceiling_inputs: tuple[list[dict[str, str]], str] | None = None
    for name, engine in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
        if engine not in engines:
            continue
        with tempfile.TemporaryDirectory() as folder:
            url = (
                f"sqlite:///{folder}/incidents.sqlite3"
                if engine == "sqlite"
                else os.environ.get("DUTYDESK_BENCH_DATABASE_URL", DEFAULT_PG_URL)
            )
            try:
                found = measure(name, url)
            except OperationalError as error:
                print(f"{name}: not measured, no database at {url} ({error.orig})")
                continue
            measured.append((name, found))
            if ceiling_inputs is None:
                runtime = bootstrap(Settings(database_url=url, secret_key="b" * 32))
                try:
                    incident = runtime.sessions().scalar(
                        select(Incident.id).where(
                            Incident.title == "Platform API errors for every tenant"
                        )
                    )
                    ceiling_inputs = ceiling_rows(runtime, int(incident or 0))
                finally:
                    runtime.close()
    if ceiling_inputs is None:
        return
    rows, csv_text = ceiling_inputs
    page_size = measured[0][1]["page"][1]
    with TestClient(ceiling_app(rows, page_size, csv_text)) as bare:
        page = timed(lambda: bare.get("/incident"), REPEATS)
        report(f"ceiling: a bare FastAPI route, {len(rows):,} entries", page)
        exported = timed(lambda: bare.get("/export"), REPEATS)
        report("ceiling: a bare FastAPI route, the CSV's bytes", exported)
        declared = timed(lambda: bare.post("/declare", json={"title": "x"}), DECLARATIONS)
        report("ceiling: a bare FastAPI JSON POST", declared)
    ceilings = {"page": page, "export.csv": exported, "declare": declared}
    for name, found in measured:
        for key, ceiling in ceilings.items():
            figures = found[key][0]
            print(
                f"{name}: {key} takes {figures.median_ms / ceiling.median_ms:.1f} times its"
                f" ceiling's wall-clock median, {figures.cpu_median_ms / ceiling.cpu_median_ms:.1f}"
                " times its CPU"
            )


if __name__ == "__main__":
    chosen = tuple(sys.argv[1:]) or ("sqlite", "postgresql")
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        sys.exit(f"usage: python -m bench.incidents [sqlite] [postgresql]; not {sorted(unknown)}")
    run(chosen)
