"""The dashboard's next-task suggestion over a year of data: how long `next_task` takes.

Target: it is one panel of the dashboard, read on every load, so it must cost about what a
handful of indexed lookups cost however much history there is: median under 5 ms (SQLite).

A fresh SQLite file (synchronous=full, as served) with the example team and a year's worth of
rows written in bulk: 50,000 alerts, all resolved (so the suggestion gets past its alert check
to the tasks), 5,000 tickets, every one solved or picked up (so it gets past the tickets too),
and 10,000 tasks of every size, four in five done and half the rest someone's. At Wednesday
14:00 (three and a half hours of support time left: S and unsized tasks fit) `next_task` is
asked REPEATS times after a warm-up; printed are its median and 95th percentile, and as a
ceiling the median of the cheapest read the panel cannot do without: who is on the support rota
now (`oncall.service.who`), which it also does. The backlog's filtered list (a label's open
tasks) is timed the same way.

Run alone with `.venv/bin/python -m bench.tasks`; `make bench` runs it with the others.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench.open_alerts import seed_open_alerts
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.migrate import upgrade
from dutydesk.oncall.service import who
from dutydesk.overview.next_task import next_task
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.tasks.models import Task
from dutydesk.tasks.service import TaskFilter, list_tasks
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.tickets.models import Ticket

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
ALERTS = 50_000
TICKETS = 5_000
TASKS = 10_000
REPEATS = 300
TARGET_MS = 5.0
_CHUNK = 500
# Wednesday 14 January 2026, 14:00 in London: Bob is on support with 3.5 hours left.
NOW = datetime(2026, 1, 14, 14, 0, tzinfo=UTC)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Median and 95th percentile of `action`'s wall-clock time in ms, after a warm-up."""
    for _ in range(10):
        action()
    walls = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        walls.append((time.perf_counter() - started) * 1000)
    return statistics.median(walls), statistics.quantiles(walls, n=20)[-1]


def _task(n: int) -> dict[str, Any]:
    done = n % 5 != 0
    return {
        "title": f"Task {n}",
        "description": "",
        "labels": [f"label-{n % 40}"],
        "size": ("S", "M", "L", None)[n % 4],
        "owner_id": None if n % 2 else ("alice", "bob", "carol")[n % 3],
        "status": "done" if done else "open",
        "created_by": "bench",
        "created_at": NOW - timedelta(minutes=n * 50),
        "completed_at": NOW if done else None,
    }


def _ticket(n: int) -> dict[str, Any]:
    solved = n % 10 != 0
    created = NOW - timedelta(minutes=n * 100)
    return {
        "subject": f"Ticket {n}",
        "status": "solved" if solved else "open",
        "assignee_id": ("alice", "bob", "carol")[n % 3],
        "source": "mail",
        "created_at": created,
        "updated_at": created,
        "clock_used_seconds": 0,
    }


def prepared(directory: str) -> Runtime:
    """The example team and a year's alerts, tickets and tasks in a fresh SQLite file."""
    settings = Settings(database_url=f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
    runtime = bootstrap(settings, FrozenClock(NOW))
    upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(EXAMPLE_TEAM.read_text(), "team.yaml"), NOW, actor="bench")
        session.commit()
    with runtime.engine.begin() as connection:
        seed_open_alerts(connection, ALERTS, NOW - timedelta(days=200))
        connection.execute(
            text("UPDATE alerts SET status = 'resolved', open_key = NULL, resolved_at = :now"),
            {"now": NOW - timedelta(days=1)},
        )
        tickets = [_ticket(n) for n in range(TICKETS)]
        tasks = [_task(n) for n in range(TASKS)]
        for start in range(0, TICKETS, _CHUNK):
            connection.execute(insert(Ticket), tickets[start : start + _CHUNK])
        for start in range(0, TASKS, _CHUNK):
            connection.execute(insert(Task), tasks[start : start + _CHUNK])
        connection.execute(
            text("INSERT INTO task_labels (task_id, label) SELECT id, 'label-' || ((id - 1) % 40)"
                 " FROM tasks")
        )  # fmt: skip
    return runtime


def run() -> None:
    print(f"next task: {ALERTS:,} resolved alerts, {TICKETS:,} tickets, {TASKS:,} tasks (SQLite)")
    with tempfile.TemporaryDirectory() as directory:
        runtime = prepared(directory)
        try:
            with unit_of_work(runtime.read_sessions) as session:
                found = next_task(session, NOW)
                assert found is not None and found.task is not None, found
                suggest = timed(lambda: next_task(session, NOW))
                on_call = timed(lambda: who(session, ["engineering"], NOW))
                labelled = timed(
                    lambda: list_tasks(session, TaskFilter(label="label-5", limit=200))
                )
        finally:
            runtime.close()
    verdict = "meets" if suggest[0] < TARGET_MS else "misses"
    print(
        f"  next_task          median {suggest[0]:6.2f} ms  p95 {suggest[1]:6.2f} ms"
        f"  ({verdict} the {TARGET_MS:g} ms target; {suggest[0] / on_call[0]:.1f}x the ceiling)"
    )
    print(f"  ceiling: who      median {on_call[0]:6.2f} ms  p95 {on_call[1]:6.2f} ms")
    print(f"  a label's tasks   median {labelled[0]:6.2f} ms  p95 {labelled[1]:6.2f} ms")


if __name__ == "__main__":
    run()
