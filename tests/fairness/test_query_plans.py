"""The fairness report reads a period's pages and swaps through indexes, however many are
stored (see tests/query_plans.py for how plans are read): the page rows through their
`queued_at` index, the swaps through their rota's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bench.open_alerts import seed_open_alerts

from dutydesk.db import unit_of_work
from dutydesk.fairness import service
from tests.query_plans import captured_statements, explain

pytestmark = pytest.mark.usefixtures("example_team")
_TABLES = "group_pages|alert_groups|swap_requests|overrides"
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")


def test_the_report_reads_no_growing_table_whole(runtime):
    now = runtime.clock.now()
    with runtime.engine.begin() as connection:
        seed_open_alerts(connection, 2000, now - timedelta(hours=1))
    with captured_statements(runtime) as statements, unit_of_work(runtime.read_sessions) as session:
        service.load(session, now - timedelta(days=7), now)
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    reads = [s for s in plans if "group_pages" in s or "swap_requests" in s]
    assert len(reads) == 2, plans
    found = {s: [step for step in plan if scan.search(step)] for s, plan in plans.items()}
    assert not any(found.values()), found
