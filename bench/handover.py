"""The support-week handover report over a year of data: how long the worker takes to make one.

Target (issue 15, the handover): the report over a year of data (50,000 alerts, 5,000 tickets,
20,000 builds) in < 500 ms.

A database (an SQLite file, and PostgreSQL when one answers) with the example team and a year
of the team's life written in bulk (`seed_year`), spread as a platform team's year is: 50,000
alerts on 22 services (a few noisy ones, most quiet), in groups of one to six alerts, three in
four in working hours and the rest at night and at weekends; each group's pages (the first
step to one person by e-mail and Slack, a third of them escalated a second step 15 minutes
later); 5,000 tickets over the year with their clocks (most solved within days, some breached,
the last weeks' still open with their answers due); 150 incidents (resolved, most reviewed, the
latest with their reviews owed, a few still open); swaps, break cover and overrides on the
rotas; 1,200 tasks, most done; 20,000 build results of 100 jobs on the main branch, one in ten
failing while green (four in ten while red), and the red spells they make, ended fixed or
flaky.

What is timed is what the worker runs at a handoff: `handover.service.make_report` (every
section's queries and figures, the people's names, the JSON set on the report's row) and the
flush that writes the row, for each handoff of the engineering rota in the year (each week's
report made REPEATS times, the median taken; the transaction is rolled back so every week
starts alike). Printed: the median and the slowest week, the queries a report sends, the
median CPU time of this process, and the slowest week as a share of the 500 ms target. Then
the worker's whole handover pass (`handover.due.handover_due`) at each handoff in turn, as the
year goes by: the handoffs worked out, the report made, its e-mails and Slack post (and the
invitation, as the clock jumps from handoff to handoff) queued in the outbox, committed.

Run it with `.venv/bin/python -m bench.handover` (both engines; `sqlite` or `postgresql` for
one). PostgreSQL is the server at DUTYDESK_BENCH_DATABASE_URL (default: the database
`dutydesk_bench_handover` on 127.0.0.1), whose schema the benchmark drops and rebuilds.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, create_engine, event, insert, text
from sqlalchemy.exc import OperationalError

from bench.open_alerts import _insert, _insert_returning_ids, _table
from bench.outbox import create_database_if_missing
from bench.ticket_queue import EXAMPLE_TEAM, machine
from dutydesk import migrate
from dutydesk.alerts.models import Alert, AlertGroup, Service
from dutydesk.builds.models import BuildResult, RedSpell
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.escalation.models import GroupPage
from dutydesk.handover.due import handover_due
from dutydesk.handover.handoffs import support_handoffs
from dutydesk.handover.models import Handover
from dutydesk.handover.policy import handover_policy
from dutydesk.handover.service import make_report
from dutydesk.incidents.models import Incident
from dutydesk.overrides.models import Override
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.tasks.models import Task
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.tickets.models import Ticket

TARGET_MS = 500.0
ALERTS = 50_000
TICKETS = 5_000
INCIDENTS = 150
TASKS = 1_200
BUILDS = 20_000
SWAPS, COVERS, OVERRIDES = 60, 250, 40
EXTRA_SERVICES = 20
REPEATS = 3
# The example team's engineering rota starts on Monday 5 January 2026: a year from then.
YEAR_START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
YEAR_END = YEAR_START + timedelta(days=364)
ENGINEERS = ("alice", "bob", "carol")
PEOPLE = ("alice", "bob", "carol", "dan", "erin")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dutydesk_bench_handover"


def _instant(rng: random.Random, start: datetime, days: float, *, in_hours: float) -> datetime:
    """A moment in [start, start + days): with probability `in_hours` in UK working hours on a
    weekday (09:00-18:00 UTC, near enough), else anywhere in the day or week."""
    moment = start + timedelta(seconds=rng.random() * days * 86400)
    if rng.random() < in_hours:
        while moment.weekday() >= 5:
            moment -= timedelta(days=1)
        moment = moment.replace(hour=rng.randrange(9, 18), minute=rng.randrange(60))
        if moment < start:
            moment += timedelta(days=7)
    return moment


def seed_year(
    connection: Connection, start: datetime, *, scale: float = 1.0, seed: int = 15
) -> dict[str, int]:
    """A year from `start` of alerts and their pages, tickets, incidents, overrides, tasks and
    build results with their red spells,
    written in bulk (the example team applied already); `scale` shrinks it for tests. Returns
    how many rows of each were written. The caller commits."""
    rng = random.Random(seed)
    services = [f"service-{n:02d}" for n in range(EXTRA_SERVICES)]
    connection.execute(
        insert(Service),
        [
            {"id": s, "name": f"Service {n:02d} <{s}>", "position": 10 + n,
             "escalation_policy_id": ("in-hours", "24x7")[n % 2], "group_window": "5m"}
            for n, s in enumerate(services)
        ],
    )  # fmt: skip
    services += ["platform-api", "status-checks"]
    # A few noisy services, most quiet: Zipf-like weights.
    weights = [1 / (rank + 1) for rank in range(len(services))]
    alerts = _alerts_and_pages(connection, rng, start, services, weights, int(ALERTS * scale))
    tickets = year_of_tickets(connection, rng, start, int(TICKETS * scale))
    incidents = _incidents(connection, rng, start, max(5, int(INCIDENTS * scale)))
    overrides = _overrides(connection, rng, start, scale)
    tasks = _tasks(connection, rng, start, int(TASKS * scale))
    builds = year_of_builds(connection, rng, start, int(BUILDS * scale))
    return {
        "alerts": alerts[0],
        "pages": alerts[1],
        "tickets": tickets,
        "incidents": incidents,
        "overrides": overrides,
        "tasks": tasks,
        "builds": builds,
    }


def _alerts_and_pages(
    connection: Connection,
    rng: random.Random,
    start: datetime,
    services: list[str],
    weights: list[float],
    count: int,
) -> tuple[int, int]:
    groups: list[dict[str, Any]] = []
    sizes: list[int] = []
    made = 0
    while made < count:
        opened = _instant(rng, start, 364, in_hours=0.75)
        size = min(count - made, rng.choice((1, 1, 1, 2, 2, 3, 4, 6)))
        groups.append(
            {"service_id": rng.choices(services, weights)[0], "opened_at": opened,
             "join_until": opened + timedelta(minutes=5),
             "closed_at": opened + timedelta(minutes=rng.randrange(10, 240)),
             "policy_id": "24x7", "run": 1, "step_index": 0, "loop_index": 0,
             "next_step_at": None, "assignee_id": None}
        )  # fmt: skip
        sizes.append(size)
        made += size
    groups.sort(key=lambda g: g["opened_at"])
    ids = _insert_returning_ids(connection, _table(AlertGroup), groups)
    alerts: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    for group, group_id, size in zip(groups, ids, sizes, strict=True):
        for n in range(size):
            created = group["opened_at"] + timedelta(seconds=20 * n)
            key = f"{group['service_id']}-{group_id}-{n}"
            alerts.append(
                {"service_id": group["service_id"], "dedup_key": key, "open_key": None,
                 "status": "resolved", "summary": f"{key}: error rate above 5% <5xx>",
                 "source": f"host-{group_id % 97}", "severity": ("critical", "error")[n % 2],
                 "links": [], "images": [], "created_at": created, "last_event_at": created,
                 "event_count": 1, "resolved_at": group["closed_at"], "resolved_by": "monitoring",
                 "group_id": group_id}
            )  # fmt: skip
        first = rng.choice(ENGINEERS)
        steps = [(0, first)]
        if rng.random() < 0.33:
            steps.append((1, rng.choice([p for p in ENGINEERS if p != first])))
        for step, person in steps:
            due = group["opened_at"] + timedelta(minutes=15 * step)
            for via in ("email", "slack"):
                pages.append(
                    {"group_id": group_id, "queued_at": due, "due_at": due, "run": 1,
                     "loop_index": 0, "step_index": step, "policy_id": "24x7",
                     "person_id": person, "via": via, "destination": f"{person}@example.org"}
                )  # fmt: skip
    _insert(connection, _table(Alert), alerts)
    _insert(connection, _table(GroupPage), pages)
    return len(alerts), len(pages)


def year_of_tickets(connection: Connection, rng: random.Random, start: datetime, count: int) -> int:
    end = start + timedelta(days=364)
    rows = []
    for n in range(count):
        created = _instant(rng, start, 364, in_hours=0.85)
        priority = rng.choices(("P1", "P2", "P3", "P4", None), (1, 4, 20, 60, 15))[0]
        recent = end - created < timedelta(days=21)
        still_open = recent and rng.random() < 0.5
        status = rng.choice(("new", "open", "open", "pending")) if still_open else "solved"
        due = created + timedelta(hours=rng.choice((2, 8, 16, 48)))
        breached = due if rng.random() < 0.08 else None
        running = status in ("new", "open")
        rows.append(
            {"subject": f"Deploys to app-{n % 313} fail <since {n % 24}:00>", "status": status,
             "priority": priority, "source": "mail", "requester_email": f"ops{n % 97}@t.example",
             "created_at": created, "updated_at": created,
             "solved_at": None if still_open else created + timedelta(hours=rng.randrange(1, 120)),
             "clock_kind": ("first_response" if status == "new" else "update") if still_open
             else None,
             "clock_running_since": created if running else None, "clock_used_seconds": 600,
             "answer_due_at": due if still_open else None, "breached_at": breached}
        )  # fmt: skip
    _insert(connection, _table(Ticket), rows)
    return len(rows)


def _incidents(connection: Connection, rng: random.Random, start: datetime, count: int) -> int:
    end = start + timedelta(days=364)
    rows = []
    for n in range(count):
        declared = _instant(rng, start, 364, in_hours=0.7)
        resolved = declared + timedelta(hours=rng.randrange(1, 48))
        review_due = resolved + timedelta(days=14)
        status = "reviewed" if review_due < end - timedelta(days=7) else "resolved"
        if end - declared < timedelta(days=2) or (n % 50 == 0 and end - declared < timedelta(30)):
            status, resolved, review_due = "active", None, None  # type: ignore[assignment]
        rows.append(
            {"title": f"Incident {n}: router errors for <tenants>", "status": status,
             "priority": rng.choice(("P1", "P2", "P2", "P3")), "source": "web",
             "declared_at": declared, "declared_by": "alice", "updated_at": declared,
             "resolved_at": resolved, "review_due_at": review_due,
             "reviewed_at": review_due if status == "reviewed" else None,
             "document": "# Incident", "document_version": 1, "document_saved_at": declared,
             "document_saved_by": "alice", "timeline_version": 0}
        )  # fmt: skip
    _insert(connection, _table(Incident), rows)
    return len(rows)


def _overrides(connection: Connection, rng: random.Random, start: datetime, scale: float) -> int:
    rows = []

    def add(rota: str, person: str, begin: datetime, hours: float, kind: str) -> None:
        rows.append(
            {"rota_id": rota, "person_id": person, "start_at": begin,
             "end_at": begin + timedelta(hours=hours), "kind": kind,
             "created_at": begin - timedelta(days=3), "created_by": "person:alice"}
        )  # fmt: skip

    for _ in range(max(1, int(SWAPS * scale))):
        day = _instant(rng, start, 364, in_hours=1.0).replace(hour=9, minute=30)
        first, second = rng.sample(ENGINEERS, 2)
        add("engineering", first, day, 8, "swap")
        add("engineering", second, day + timedelta(days=7), 8, "swap")
    for _ in range(max(1, int(COVERS * scale))):
        add("engineering", rng.choice(ENGINEERS), _instant(rng, start, 364, in_hours=1.0),
            0.75, "cover")  # fmt: skip
    for _ in range(max(1, int(OVERRIDES * scale))):
        add(rng.choice(("comms", "escalation")), rng.choice(PEOPLE),
            _instant(rng, start, 364, in_hours=0.5), 24, "override")  # fmt: skip
    _insert(connection, _table(Override), rows)
    return len(rows)


def _tasks(connection: Connection, rng: random.Random, start: datetime, count: int) -> int:
    end = start + timedelta(days=364)
    rows = []
    for n in range(count):
        created = _instant(rng, start, 364, in_hours=0.95)
        done_at = created + timedelta(days=rng.randrange(0, 30), hours=rng.randrange(8))
        done = done_at < end and rng.random() < 0.85
        rows.append(
            {"title": f"Task {n}: tidy <the> runbook", "description": "", "labels": [],
             "status": "done" if done else "open", "owner_id": rng.choice(PEOPLE),
             "created_by": "person:alice", "created_at": created,
             "completed_at": done_at if done else None}
        )  # fmt: skip
    _insert(connection, _table(Task), rows)
    return len(rows)


def year_of_builds(connection: Connection, rng: random.Random, start: datetime, count: int) -> int:
    """`count` build results of 100 jobs over the year on main, about one in ten failing, and
    the red spells they make (ended fixed at a new commit, or flaky on a re-run at the same)."""
    jobs = [(f"pipeline-{p}", f"job-{j:02d}") for p in range(5) for j in range(20)]
    per_job = max(1, count // len(jobs))
    results: list[dict[str, Any]] = []
    spells: list[dict[str, Any]] = []
    for pipeline, job in jobs:
        moment, red, sha = start, None, f"{rng.getrandbits(160):040x}"
        for n in range(per_job):
            moment += timedelta(minutes=rng.randrange(30, 2 * 364 * 24 * 60 // per_job))
            rerun = red is not None and rng.random() < 0.3
            if not rerun:
                sha = f"{rng.getrandbits(160):040x}"
            failed = rng.random() < (0.4 if red is not None else 0.1)
            results.append(
                {"source": "concourse", "pipeline": pipeline, "job": job,
                 "build_id": str(n), "attempt": 1, "status": "failed" if failed else "succeeded",
                 "branch": "main", "sha": sha, "url": f"https://ci.example.org/{job}/{n}",
                 "workflow_name": None, "on_main": True, "finished_at": moment,
                 "received_at": moment}
            )  # fmt: skip
            if failed and red is None:
                red = {"source": "concourse", "pipeline": pipeline, "job": job, "branch": "main",
                       "started_at": moment, "first_failing_sha": sha, "last_failing_sha": sha,
                       "first_failing_url": None, "failures": 1, "told_person_id": "alice",
                       "claimed_by": None, "claimed_at": None, "task_id": None,
                       "ended_at": None, "ending": None, "ended_by_sha": None}  # fmt: skip
                spells.append(red)
            elif failed and red is not None:
                red["failures"] += 1
                red["last_failing_sha"] = sha
            elif red is not None:
                ending = "flaky" if sha == red["last_failing_sha"] else "fixed"
                red.update(ended_at=moment, ended_by_sha=sha, ending=ending)
                red = None
    _insert(connection, _table(BuildResult), results)
    _insert(connection, _table(RedSpell), spells)
    return len(results)


def prepared(url: str) -> tuple[Runtime, dict[str, int]]:
    """A migrated database at `url` with the example team and a year of its data."""
    if url.startswith("postgresql"):
        create_database_if_missing(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    runtime = bootstrap(Settings(database_url=url), FrozenClock(YEAR_END + timedelta(hours=1)))
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        team = read_team_file(EXAMPLE_TEAM.read_text(), "team.yaml")
        apply(session, team, YEAR_START - timedelta(days=1), actor="bench")
        session.commit()
    with runtime.engine.begin() as connection:
        written = seed_year(connection, YEAR_START)
    if runtime.engine.dialect.name == "postgresql":
        # As autovacuum would soon after a bulk load: the planner's statistics.
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return runtime, written


def measure(engine_name: str, url: str) -> None:
    """Make every week's report of the year and print the figures."""
    started = time.perf_counter()
    runtime, written = prepared(url)
    seeded = time.perf_counter() - started
    statements: list[str] = []
    captured: list[tuple[str, Any]] = []

    def count(*args: Any) -> None:
        statements.append(args[2])
        captured.append((args[2], args[3]))

    try:
        with unit_of_work(runtime.read_sessions) as session:
            policy = handover_policy(session)
            handoffs = support_handoffs(session, policy.support_rota(), YEAR_START, YEAR_END)
        weeks: list[float] = []
        cpus: list[float] = []
        sizes: list[int] = []
        floors: list[float] = []
        for handoff in handoffs:
            walls: list[float] = []
            for _ in range(REPEATS + 1):  # the first one warms up
                statements.clear()
                captured.clear()
                with unit_of_work(runtime.sessions) as session:
                    event.listen(runtime.engine, "before_cursor_execute", count)
                    wall, cpu = time.perf_counter(), time.process_time()
                    row = Handover(rota_id=policy.support_rota(), handoff_at=handoff.at,
                                   period_start_at=handoff.previous_at, notes="")  # fmt: skip
                    session.add(row)
                    make_report(session, policy, row, handoff, handoff.at)
                    session.flush()
                    walls.append((time.perf_counter() - wall) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                    event.remove(runtime.engine, "before_cursor_execute", count)
                    sizes.append(len(str(row.report)))
                    session.rollback()
            weeks.append(statistics.median(walls[1:]))
            floors.append(_queries_alone(runtime, captured))
        passes = _worker_passes(runtime, [handoff.at for handoff in handoffs])
    finally:
        runtime.close()
    median, slowest = statistics.median(weeks), max(weeks)
    verdict = "meets" if slowest < TARGET_MS else "misses"
    rows = ", ".join(f"{value:,} {name}" for name, value in written.items())
    print(f"{engine_name}: a year seeded in {seeded:.1f} s ({rows})")
    print(
        f"{engine_name}: handover report of a week, {len(weeks)} weeks of the year: median"
        f" {median:.1f} ms, slowest {slowest:.1f} ms ({slowest / TARGET_MS:.2f} of the"
        f" {TARGET_MS:.0f} ms target: {verdict} it); cpu median {statistics.median(cpus):.1f} ms;"
        f" {len(statements)} statements a report; report {statistics.median(sizes) / 1024:.0f} KiB"
    )
    floor = statistics.median(floors)
    print(
        f"{engine_name}: its queries alone, replayed on the same connection kind with the same"
        f" parameters (the floor: reading what the report reads): median {floor:.1f} ms; the"
        f" report is {median / floor:.2f}x it"
    )
    print(
        f"{engine_name}: the worker's handover pass at each handoff (report made, its e-mails and"
        f" Slack post queued, committed): median {statistics.median(passes):.1f} ms, slowest"
        f" {max(passes):.1f} ms ({max(passes) / TARGET_MS:.2f} of the target)"
    )


def _queries_alone(runtime: Runtime, captured: list[tuple[str, Any]]) -> float:
    """The report's SELECTs run again, alone, on a raw connection: median of 3, milliseconds."""
    selects = [
        (sql, params) for sql, params in captured if sql.lstrip().upper().startswith("SELECT")
    ]
    raw = runtime.engine.raw_connection()
    try:
        cursor = raw.cursor()
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            for sql, params in selects:
                cursor.execute(sql, params or ())
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
        raw.rollback()
    finally:
        raw.close()
    return statistics.median(timings)


def _worker_passes(runtime: Runtime, handoffs: list[datetime]) -> list[float]:
    """The worker's handover cycle run at each handoff in turn, as through the year: each pass
    makes that week's report and queues its messages (with the invitation, never sent ahead
    since the clock jumps from handoff to handoff). Milliseconds a pass."""
    clock = runtime.clock
    assert isinstance(clock, FrozenClock)
    walls = []
    for at in handoffs:
        clock.set(at)
        started = time.perf_counter()
        handled = handover_due(runtime, "bench")
        walls.append((time.perf_counter() - started) * 1000)
        assert handled == 2, f"{at}: {handled} handled"
    return walls


def run(engines: tuple[str, ...] = ("sqlite", "postgresql")) -> None:
    year = f"{ALERTS:,} alerts, {TICKETS:,} tickets, {BUILDS:,} builds over a year"
    print(f"handover: {year}; {machine()}")
    for name, engine in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
        if engine not in engines:
            continue
        with tempfile.TemporaryDirectory() as folder:
            url = (
                f"sqlite:///{folder}/handover.sqlite3"
                if engine == "sqlite"
                else os.environ.get("DUTYDESK_BENCH_DATABASE_URL", DEFAULT_PG_URL)
            )
            try:
                measure(name, url)
            except OperationalError as error:
                print(f"{name}: not measured, no database at {url} ({error.orig})")
    print(f"handover: load average {os.getloadavg()[0]:.2f} when done")


if __name__ == "__main__":
    # `python -m bench.handover sqlite` (or `postgresql`) measures that engine alone.
    chosen = tuple(sys.argv[1:]) or ("sqlite", "postgresql")
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        sys.exit(f"usage: python -m bench.handover [sqlite] [postgresql]; not {sorted(unknown)}")
    run(chosen)
