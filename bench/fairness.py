"""The fairness report over a year of data (target: under 500 ms).

A fresh SQLite file (synchronous=full, as served) with a team of seven on a 24x7 weekly rota
(handing over on Mondays at 09:00, England's bank holidays, support hours Mon-Fri 09:00-17:00)
and an in-hours rota of the same people; over the year 2026: 50,000 alert groups, each paging
the person on call by two channels (100,000 page rows) and one in ten escalating to a second
person; 100 overrides (break cover and plain) and 40 accepted swaps, each with its override.
Then `fairness.service.load` for the whole year, every rota, as the page, the API and `dutydesk
rota load` call it: the schedules worked out, the pages read and classified, the swaps counted.

The year also has 5,000 tickets and 20,000 build results (bench/handover.py's), which the
report does not read, so that it reads among tables of a realistic size.

Printed: the best and median of several runs, the pages read, and the ratio to the target.
As a floor, the same year's page rows only read (the one query whose cost grows with the data),
and the report's ratio to it.

Run alone with `.venv/bin/python -m bench.fairness`; `make bench` runs it with the others.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.handover import BUILDS, TICKETS, year_of_builds, year_of_tickets
from bench.ticket_queue import machine
from dutydesk.alerts.models import AlertGroup
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.escalation.models import GroupPage
from dutydesk.fairness import service
from dutydesk.migrate import upgrade
from dutydesk.oncall.service import who
from dutydesk.overrides.models import Override
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.swaps.models import ACCEPTED, TAKE, SwapRequest
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file

ALERTS = 50_000
OVERRIDES = 100
SWAPS = 40
TARGET_SECONDS = 0.5
RUNS = 7
PEOPLE = ("ann", "ben", "cat", "dev", "eve", "fay", "gus")
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)
TEAM = f"""
team: paas
timezone: Europe/London
holidays: GB-ENG
people:
{chr(10).join(f"  - {{id: {p}, name: {p.title()}, email: {p}@example.org}}" for p in PEOPLE)}
rotas:
  - id: ops
    name: Out of hours
    layers:
      - {{members: [{", ".join(PEOPLE)}], shift: 1w, handoff: "Mon 09:00", start: 2025-12-29}}
  - id: engineering
    name: In hours
    hours: ["Mon-Fri 09:30-17:30"]
    skip_holidays: true
    layers:
      - {{members: [{", ".join(reversed(PEOPLE))}], shift: 1w, handoff: "Mon 09:30",
          start: 2025-12-29}}
escalation_policies:
  - id: ops
    name: Ops
    steps:
      - notify: [{{rota: ops}}]
services:
  - id: api
    name: API
    escalation_policy: ops
support:
  hours: ["Mon-Fri 09:00-17:00"]
"""


def _runtime(directory: str) -> Runtime:
    settings = Settings(database_url=f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
    runtime = bootstrap(settings, FrozenClock(YEAR_END + timedelta(days=1)))
    upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(TEAM, "team.yaml"), YEAR_START, actor="bench")
        session.commit()
    return runtime


def _fill_year(runtime: Runtime) -> None:
    """A year of alert groups with their pages, overrides and swaps, written in bulk."""
    chance = random.Random(15)
    year_seconds = int((YEAR_END - YEAR_START).total_seconds())
    opened = sorted(
        YEAR_START + timedelta(seconds=chance.randrange(year_seconds)) for _ in range(ALERTS)
    )
    with unit_of_work(runtime.sessions) as session:
        on_call = {}
        for day in range(0, 366, 7):  # who the ops rota has on, week by week
            at = YEAR_START + timedelta(days=day, hours=12)
            on_call[day // 7] = who(session, ["ops"], at)[0].now.person
        session.execute(
            insert(AlertGroup),
            [
                {"id": i + 1, "service_id": "api", "opened_at": at, "join_until": at, "run": 0}
                for i, at in enumerate(opened)
            ],
        )
        pages = []
        for i, at in enumerate(opened):
            person = on_call[(at - YEAR_START).days // 7] or PEOPLE[0]
            steps = [(0, person)]
            if i % 10 == 0:
                steps.append((1, PEOPLE[(PEOPLE.index(person) + 1) % len(PEOPLE)]))
            for step, paged in steps:
                for via in ("email", "slack"):
                    pages.append(
                        {
                            "group_id": i + 1,
                            "queued_at": at + timedelta(minutes=15 * step),
                            "due_at": at + timedelta(minutes=15 * step),
                            "run": 0,
                            "loop_index": 0,
                            "step_index": step,
                            "policy_id": "ops",
                            "person_id": paged,
                            "via": via,
                            "destination": f"{paged}@example.org",
                        }
                    )
        session.execute(insert(GroupPage), pages)
        overrides = []
        for i in range(OVERRIDES + SWAPS):
            start = YEAR_START + timedelta(hours=chance.randrange(365 * 24))
            overrides.append(
                {
                    "id": i + 1,
                    "rota_id": "ops",
                    "person_id": chance.choice(PEOPLE),
                    "start_at": start,
                    "end_at": start + timedelta(hours=chance.choice((1, 4, 12, 24))),
                    "kind": "swap" if i >= OVERRIDES else chance.choice(("override", "cover")),
                    "created_at": start - timedelta(days=2),
                    "created_by": "bench",
                }
            )
        session.execute(insert(Override), overrides)
        # The rest of a year the report does not read, so that it reads among realistic tables.
        rows = random.Random(16)
        year_of_tickets(session.connection(), rows, YEAR_START, TICKETS)
        year_of_builds(session.connection(), rows, YEAR_START, BUILDS)
        session.execute(
            insert(SwapRequest),
            [
                {
                    "rota_id": "ops",
                    "requester_id": chance.choice(PEOPLE),
                    "taker_id": row["person_id"],
                    "start_at": row["start_at"],
                    "end_at": row["end_at"],
                    "status": ACCEPTED,
                    "kind": TAKE,
                    "created_at": row["created_at"],
                    "created_by": "bench",
                    "cover_override_id": row["id"],
                }
                for row in overrides[OVERRIDES:]
            ],
        )
        session.commit()


def _time_report(runtime: Runtime) -> tuple[list[float], int]:
    timings = []
    pages = 0
    for _ in range(RUNS):
        began = time.perf_counter()
        with unit_of_work(runtime.read_sessions) as session:
            report = service.load(session, YEAR_START, YEAR_END)
        timings.append(time.perf_counter() - began)
        pages = sum(p.pages for p in report.people)
    return timings, pages


def _time_page_rows(runtime: Runtime) -> float:
    began = time.perf_counter()
    with unit_of_work(runtime.read_sessions) as session:
        service.pages_between(session, YEAR_START, YEAR_END)
    return time.perf_counter() - began


def run() -> None:
    """Build the year, time the report, print the figures."""
    with tempfile.TemporaryDirectory() as directory:
        runtime = _runtime(directory)
        try:
            _fill_year(runtime)
            timings, pages = _time_report(runtime)
            floor = min(_time_page_rows(runtime) for _ in range(3))
        finally:
            runtime.close()
    best, median = min(timings), statistics.median(timings)
    print(
        f"fairness: report over a year ({ALERTS:,} alert groups, {pages:,} pages to people,"
        f" {len(PEOPLE)} people on a weekly 24x7 rota and an in-hours rota,"
        f" {OVERRIDES} overrides, {SWAPS} swaps; {TICKETS:,} tickets and {BUILDS:,} builds it"
        f" does not read): best {best * 1000:.0f} ms, median {median * 1000:.0f} ms of {RUNS}"
        f" (target {TARGET_SECONDS * 1000:.0f} ms: {median / TARGET_SECONDS:.2f} of it);"
        f" reading the pages alone {floor * 1000:.0f} ms (the floor: the report is"
        f" {median / floor:.2f}x it); {machine()}"
    )


if __name__ == "__main__":
    run()
