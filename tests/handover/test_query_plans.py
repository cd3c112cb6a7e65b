"""The handover report reads each period through an index on the time it filters by, however
long the team has kept its data: alerts by when they came, pages by when they were due,
tickets by when they came, were solved and breached, incidents by when they were resolved,
overrides by when they end, tasks by when they were completed (see tests/query_plans.py for
how plans are read).

The statements are captured as the worker's `make_report` sends them over a database seeded
with a tenth of the benchmark's year (bench/handover.py `seed_year`), then explained: any step
that reads one of those tables whole fails the test (on PostgreSQL with `enable_seqscan` off,
so a `Seq Scan` left means no index can answer).
"""

from __future__ import annotations

import re
from datetime import timedelta

from bench.handover import YEAR_START, seed_year
from sqlalchemy import text

from dutydesk.db import unit_of_work
from dutydesk.handover.handoffs import support_handoffs
from dutydesk.handover.models import Handover
from dutydesk.handover.policy import handover_policy
from dutydesk.handover.service import make_report
from tests.query_plans import captured_statements, explain

# Every table a report reads by time; none may be read whole.
_TABLES = "alerts|alert_groups|group_pages|tickets|incidents|overrides|tasks"
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")
# The period conditions each must meet through an index, by table and column.
_PERIOD_COLUMNS = (
    ("alerts", "created_at"),
    ("group_pages", "queued_at"),
    ("tickets", "created_at"),
    ("tickets", "solved_at"),
    ("tickets", "breached_at"),
    ("incidents", "resolved_at"),
    ("tasks", "completed_at"),
    ("overrides", "end_at"),
)


def test_a_weeks_report_over_a_year_reads_every_period_through_an_index(
    runtime, clock, example_team
):
    with runtime.engine.begin() as connection:
        written = seed_year(connection, YEAR_START, scale=0.1)
    assert written["alerts"] == 5_000 and written["pages"] > 4_000
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    with unit_of_work(runtime.read_sessions) as session:
        policy = handover_policy(session)
        # A week in the middle of the year: data before it and after it.
        middle = YEAR_START + timedelta(days=182)
        handoff = support_handoffs(session, "engineering", middle, middle + timedelta(days=8))[0]
    with captured_statements(runtime) as statements, unit_of_work(runtime.sessions) as session:
        row = Handover(
            rota_id="engineering",
            handoff_at=handoff.at,
            period_start_at=handoff.previous_at,
            notes="",
        )
        session.add(row)
        make_report(session, policy, row, handoff, handoff.at)
        session.flush()
        assert row.report is not None
        assert row.report["sections"]["alerts"]["count"] > 0
        assert row.report["sections"]["alerts"]["pages"] > 0
        session.rollback()
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
    # Each period query is there, and its plan searches its table by the period's column.
    for table, column in _PERIOD_COLUMNS:
        period_queries = [
            (s, p)
            for s, p in plans.items()
            if re.search(rf"\bFROM {table}\b", s) and re.search(rf"{table}\.{column} [<>]", s)
        ]
        assert period_queries, f"no query reads {table} by {column}"
        for statement, plan in period_queries:
            assert any(column in step and _searches(step, postgres) for step in plan), (
                f"{statement}\n  {' | '.join(plan)}"
            )


def _searches(step: str, postgres: bool) -> bool:
    """Whether a plan's step finds rows through an index condition (not a filter on a scan)."""
    return "Index Cond" in step if postgres else step.startswith("SEARCH")
