"""Every query on the hot paths finds its rows through an index, however many alerts are open.

The SQL is not written out here: it is captured as the code issues it (a `before_cursor_execute`
listener) while events arrive through the Events API (one at a time, and as a group commit's
batch), alerts are acknowledged and resolved by key, and the worker runs a pass (escalations,
re-triggers and the outbox). Each statement is then explained on the same database, seeded with
open alerts in their groups (bench/open_alerts.py), and any full scan of the alert, group,
page or outbox tables fails the test: such a query costs time in proportion to everything
stored, so ingestion slows down as alerts pile up.

On PostgreSQL the statements are explained with `enable_seqscan` off. That setting does not
forbid sequential scans: it only makes the planner take one when no index can answer the
query. A few thousand rows are a small table to PostgreSQL, whose planner rightly reads small
tables whole; with the setting off, a `Seq Scan` left in a plan means the query has no usable
index, which is the fault this test looks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from bench.open_alerts import seed_open_alerts
from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from dutydesk.alerts import events_api
from dutydesk.alerts.integrations import add_integration
from dutydesk.alerts.service import acknowledge_alert, find_open_alert
from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.overview.next_task import any_open_alert, next_task, oldest_fitting_task
from dutydesk.runtime import Runtime
from dutydesk.tasks.models import Task, TaskLabel
from dutydesk.tasks.service import TaskFilter, list_tasks
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Worker
from tests.query_plans import captured_statements, explain

pytestmark = pytest.mark.usefixtures("example_team")

OPEN_ALERTS = 3000
# Tables that grow with every alert, group and page: none of them may be read whole.
GROWING_TABLES = (
    "alerts",
    "alert_groups",
    "alert_log",
    "group_pages",
    "outbox_messages",
    "delivery_attempts",
)
_TABLES = "|".join(GROWING_TABLES)
# SQLite: "SCAN alerts", "SCAN alerts USING (COVERING) INDEX ...": every row or index entry.
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
# A search by service alone reads all the service's rows: a busy service has most of them.
_SQLITE_BY_SERVICE = re.compile(rf"^SEARCH ({_TABLES}) USING .*\(service_id=\?\)$")
# PostgreSQL: a sequential scan, or an index read from end to end (no Index Cond beneath).
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")
_POSTGRES_INDEX = re.compile(
    rf"^(\s*(?:->\s+)?)(?:Index|Index Only) Scan (?:Backward )?using \S+ on ({_TABLES})\b"
)
_POSTGRES_BY_SERVICE = re.compile(r"Index Cond: \(\(service_id\)::text = '[^']*'::text\)$")


@pytest.fixture
def seeded(runtime: Runtime) -> None:
    """The example team with thousands of open alerts in their groups, and their pages."""
    with runtime.engine.begin() as connection:
        seed_open_alerts(connection, OPEN_ALERTS, runtime.clock.now() - timedelta(hours=1))
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


@pytest.fixture
def captured(runtime: Runtime, seeded: None) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the code sends to the database from now on, with its parameters."""
    with captured_statements(runtime) as statements:
        yield statements


def routing_key(runtime: Runtime, service: str) -> str:
    with unit_of_work(runtime.sessions) as session:
        _, plain = add_integration(session, service, "probe", runtime.clock.now(), actor="test")
        session.commit()
    return plain


def trigger(key: str, dedup_key: str, action: str = "trigger") -> dict[str, Any]:
    body: dict[str, Any] = {"routing_key": key, "event_action": action, "dedup_key": dedup_key}
    if action == "trigger":
        body["payload"] = {
            "summary": f"{dedup_key} is down",
            "source": "probe",
            "severity": "error",
        }
    return body


def ingest_and_page(runtime: Runtime) -> None:
    """What a busy minute does: events one by one and in a batch, acknowledgements and resolves
    by key, and the worker's passes that page, re-trigger and deliver."""
    api_key, checks_key = (
        routing_key(runtime, "platform-api"),
        routing_key(runtime, "status-checks"),
    )
    with TestClient(create_app(runtime)) as client:
        for body in (
            trigger(api_key, "one-by-one"),
            trigger(api_key, "one-by-one"),
            trigger(api_key, "seed-platform-api-0"),
            trigger(api_key, "one-by-one", "acknowledge"),
            trigger(checks_key, "seed-status-checks-1", "resolve"),
        ):
            assert client.post("/v2/enqueue", json=body).status_code == 202
    # A group commit's batch: new keys on two services, duplicates of open alerts (seeded and
    # in the batch itself), handed to the batched writer as the Events API's writer does.
    batch = [
        trigger(api_key, "batch-new-1"),
        trigger(api_key, "batch-new-2"),
        trigger(api_key, "batch-new-1"),
        trigger(api_key, "seed-platform-api-2"),
        trigger(checks_key, "batch-new-3"),
        trigger(checks_key, "seed-status-checks-3"),
    ]
    received = []
    for body in batch:
        envelope, payload = events_api._parse_event(body)
        assert payload is not None
        received.append(events_api._Received(envelope, payload, runtime.clock.now()))
    with unit_of_work(runtime.sessions) as session:
        outcomes = events_api._store_triggers(session, received)
        session.commit()
    assert all(isinstance(outcome, str) for outcome in outcomes)
    worker = Worker(runtime, default_cycles(), "plans")
    worker.run_once()  # pages the new groups; the outbox sends what is due
    with unit_of_work(runtime.sessions) as session:
        opened = find_open_alert(session, "status-checks", "batch-new-3")
        assert opened is not None
        acknowledge_alert(session, opened.id, runtime.clock.now(), actor="person:carol")
        session.commit()
    runtime.clock.advance(timedelta(hours=2))  # past acknowledgement timeouts and later steps
    worker.run_once()


def full_scans(plan: list[str], postgres: bool) -> list[str]:
    """The steps of a plan that read a growing table whole (or a whole service's share)."""
    if not postgres:
        return [step for step in plan if _SQLITE_SCAN.match(step) or _SQLITE_BY_SERVICE.match(step)]
    found = [step for step in plan if _POSTGRES_SCAN.search(step)]
    for index, step in enumerate(plan):
        node = _POSTGRES_INDEX.match(step)
        if node is None:
            continue
        depth = len(node.group(1))
        details = []
        for later in plan[index + 1 :]:
            if "->" in later or len(later) - len(later.lstrip()) <= depth:
                break
            details.append(later.strip())
        conditions = [d for d in details if d.startswith("Index Cond:")]
        if not conditions or all(_POSTGRES_BY_SERVICE.search(c) for c in conditions):
            found.append(" ".join([step.strip(), *details]))
    return found


def test_no_query_on_the_ingest_escalation_or_outbox_path_reads_a_growing_table_whole(
    runtime: Runtime, captured: list[tuple[str, Any]]
) -> None:
    ingest_and_page(runtime)
    plans = explain(runtime, captured)
    postgres = runtime.engine.dialect.name == "postgresql"
    scans = {s: found for s, plan in plans.items() if (found := full_scans(plan, postgres))}
    assert len(plans) > 30, "the scenario should have run the whole hot path"
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())


TASKS = 3000
_TASK_TABLES = "tasks|task_labels|alerts|tickets"
_SQLITE_TASK_SCAN = re.compile(rf"^SCAN ({_TASK_TABLES})\b")
_POSTGRES_TASK_SCAN = re.compile(rf"Seq Scan on ({_TASK_TABLES})\b")


def seed_tasks(runtime: Runtime) -> None:
    """A backlog of thousands of tasks: most done, many owned, of every size, labelled."""
    now = runtime.clock.now()
    rows = [
        {
            "title": f"Task {n}",
            "description": "",
            "labels": [f"l{n % 20}"],
            "size": ("S", "M", "L", None)[n % 4],
            "owner_id": ("alice", "bob", None)[n % 3],
            "status": "done" if n % 5 else "open",
            "created_by": "seed",
            "created_at": now - timedelta(minutes=n),
        }
        for n in range(TASKS)
    ]
    with runtime.engine.begin() as connection:
        connection.execute(insert(Task), rows)
        ids = connection.scalars(text("SELECT id FROM tasks ORDER BY id")).all()
        connection.execute(insert(TaskLabel), [{"task_id": i, "label": f"l{i % 20}"} for i in ids])


def test_the_next_task_suggestion_and_the_backlog_read_through_indexes(
    runtime: Runtime, seeded: None
) -> None:
    """The dashboard's suggestion asks whether any alert is open (with thousands open, then
    with all of them resolved), whether a ticket is unassigned, and for the oldest fitting
    task; the backlog lists by label, owner and size. None reads a table whole."""
    seed_tasks(runtime)
    now = runtime.clock.now()
    with captured_statements(runtime) as statements, unit_of_work(runtime.read_sessions) as session:
        assert any_open_alert(session)
        assert next_task(session, now) is not None
    with runtime.engine.begin() as connection:
        connection.execute(
            text("UPDATE alerts SET status = 'resolved', open_key = NULL, resolved_at = :now"),
            {"now": now},
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    with captured_statements(runtime) as more, unit_of_work(runtime.read_sessions) as session:
        assert not any_open_alert(session)
        found = next_task(session, now)
        assert found is not None and found.task is not None
        assert oldest_fitting_task(session, timedelta(minutes=30)) is not None
        for chosen in (
            TaskFilter(),
            TaskFilter(label="l3"),
            TaskFilter(owner="alice"),
            TaskFilter(owner="nobody", size="S"),
            TaskFilter(status="done", label="l7"),
        ):
            list_tasks(session, chosen)
    plans = explain(runtime, statements + more)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_TASK_SCAN if postgres else _SQLITE_TASK_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 8
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
