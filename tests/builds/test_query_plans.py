"""Build intake, the red-spell lookup, the GitHub delivery check, the red builds, claims, the
worker's spells nobody was told of and the report find their rows through an index, however many results and spells there are (see
tests/query_plans.py for how plans are read)."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

from dutydesk.builds import github, service
from dutydesk.builds.due import builds_due
from dutydesk.builds.intake import record_result
from dutydesk.builds.models import BuildResult, GithubDelivery, RedSpell
from dutydesk.builds.panels import builds_panel
from dutydesk.builds.report import summary, weekly_report
from dutydesk.builds.results import BuildReport
from dutydesk.db import unit_of_work
from tests.query_plans import captured_statements, explain

RESULTS = 5000
SPELLS = 500
_TABLES = "build_results|red_spells|github_deliveries"
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")


def seed(runtime, now):
    """A year of results over 200 jobs, their spells (most ended), and GitHub deliveries."""
    with runtime.engine.begin() as connection:
        connection.execute(
            insert(BuildResult),
            [
                {
                    "source": "concourse",
                    "pipeline": f"pipeline-{n % 20}",
                    "job": f"job-{n % 10}",
                    "build_id": str(n),
                    "attempt": 1,
                    "status": ("succeeded", "failed")[n % 7 == 0],
                    "branch": "main",
                    "sha": f"{n:040x}",
                    "on_main": True,
                    "finished_at": now - timedelta(hours=RESULTS - n),
                    "received_at": now - timedelta(hours=RESULTS - n),
                }
                for n in range(RESULTS)
            ],
        )
        connection.execute(
            insert(RedSpell),
            [
                {
                    "source": "concourse",
                    "pipeline": f"pipeline-{n % 20}",
                    "job": f"job-{n % 10}",
                    "branch": "main",
                    "started_at": now - timedelta(hours=10 * (SPELLS - n)),
                    "ended_at": now - timedelta(hours=10 * (SPELLS - n) - 2),
                    "ending": "fixed",
                    "failures": 1,
                }
                for n in range(SPELLS)
            ],
        )
        connection.execute(
            insert(GithubDelivery),
            [{"id": f"d-{n}", "received_at": now - timedelta(hours=n)} for n in range(2000)],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def report(now, status, build, *, branch="main", sha="f" * 40):
    return BuildReport(
        source="concourse",
        pipeline="pipeline-3",
        job="job-3",
        build_id=build,
        attempt=1,
        status=status,
        branch=branch,
        sha=sha,
        url=None,
        finished_at=now,
    )


def test_intake_the_red_spell_lookup_and_the_report_read_no_table_whole(
    runtime, clock, example_team
):
    now = clock.now()
    seed(runtime, now)
    zone = ZoneInfo("Europe/London")
    with captured_statements(runtime) as statements:
        with unit_of_work(runtime.sessions) as session:
            github.forget_old(session, now)
            github.remember(session, "new-delivery", now)
            for status, build, branch in (
                ("failed", "x1", "main"),
                ("failed", "x2", "main"),
                ("failed", "x2", "main"),  # a repeat
                ("failed", "x3", "feature"),
                ("succeeded", "x4", "main"),
            ):
                record_result(
                    session, report(now, status, build, branch=branch), now=now, base_url="http://d"
                )
            record_result(session, report(now, "failed", "x5"), now=now, base_url="http://d")
            session.commit()
        with unit_of_work(runtime.sessions) as session:
            spell = service.red_now(session)[0]
            service.claim(session, spell.id, "alice", actor="alice", now=now, base_url="http://d")
            session.commit()
        with unit_of_work(runtime.read_sessions) as session:
            assert service.get_spell(session, spell.id).claimed_by == "alice"
            start, end = now - timedelta(days=28), now + timedelta(days=1)
            assert weekly_report(session, start, end, zone, now).ranking
            assert summary(session, start, end, zone, now).failures > 0
            board = SimpleNamespace(page=SimpleNamespace(now=now), session=session, person_names={})
            assert builds_panel(board) is not None
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 8
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())


def test_the_worker_finds_the_spells_nobody_was_told_of_through_an_index(
    runtime, clock, example_team
):
    now = clock.now()
    seed(runtime, now)
    with runtime.engine.begin() as connection:
        connection.execute(
            insert(RedSpell),
            [
                {
                    "source": "concourse",
                    "pipeline": "weekend",
                    "job": f"job-{n}",
                    "branch": "main",
                    "started_at": now - timedelta(days=4, hours=n),
                    "failures": 1,
                }
                for n in range(3)
            ],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    with captured_statements(runtime) as statements:
        assert builds_due(runtime, "plans") == 3
        assert builds_due(runtime, "plans") == 0
    plans = explain(runtime, statements)
    scan = _POSTGRES_SCAN if runtime.engine.dialect.name == "postgresql" else _SQLITE_SCAN
    untold = [s for s in plans if "told_person_id IS NULL" in s]
    assert untold, list(plans)
    # The open spells through ix_red_spells_ended_at; told_person_id is a filter on those few.
    assert all(any("ix_red_spells_ended_at" in step for step in plans[s]) for s in untold)
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
