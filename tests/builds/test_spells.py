"""Red spells, fast-forwarded: a job on a main branch is red from its first failure until its
next success; the engineer on support is told once; a claim makes a task; a pass at the
failing commit is flaky; other branches and aborted builds make no spell."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from dutydesk.audit.service import subject_history
from dutydesk.builds import service
from dutydesk.builds.intake import record_result
from dutydesk.builds.report import summary
from dutydesk.builds.results import BuildReport
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.notify.models import OutboxMessage
from dutydesk.tasks.models import Task
from dutydesk.tasks.service import tasks_from
from dutydesk.timeparse import parse_zone

ZONE = parse_zone("Europe/London")


def claim(runtime, spell_id, person, actor="cli:alice"):
    with unit_of_work(runtime.sessions) as session:
        spell = service.claim(
            session,
            spell_id,
            person,
            actor=actor,
            now=runtime.clock.now(),
            base_url="http://dutydesk.test",
        )
        session.commit()
        return spell.task_id


def test_red_then_claimed_then_green_is_recorded_with_its_red_time(
    team, record, runtime, clock, spells
):
    started = clock.now()
    assert record("failed", build="1", sha="a" * 40).turned == "red"
    clock.advance(timedelta(minutes=40))
    assert record("failed", build="2", sha="b" * 40).turned == "failing"
    clock.advance(timedelta(minutes=20))
    task_id = claim(runtime, 1, "alice")
    clock.advance(timedelta(hours=2))
    assert record("succeeded", build="3", sha="c" * 40).turned == "fixed"

    [spell] = spells()
    assert (spell.started_at, spell.ended_at) == (started, started + timedelta(hours=3))
    assert (spell.failures, spell.ending, spell.first_failing_sha) == (2, "fixed", "a" * 40)
    assert (spell.claimed_by, spell.claimed_at, spell.task_id) == (
        "alice",
        started + timedelta(hours=1),
        task_id,
    )
    with unit_of_work(runtime.read_sessions) as session:
        [task] = tasks_from(session, "build:1")
        history = [r.entry.action for r in subject_history(session, "build-spell:1")]
        figures = summary(
            session, started - timedelta(days=1), started + timedelta(days=1), ZONE, clock.now()
        )
    assert (task.id, task.owner_id, task.title) == (
        task_id,
        "alice",
        "Fix the build: paas-cf/deploy",
    )
    assert task.link == "https://ci.example.org/builds/1"
    assert history == ["build.green", "build.claim", "build.red"]
    assert (figures.failures, figures.red_seconds, figures.flaky) == (2, 3 * 3600.0, 0)
    [job] = figures.top_jobs
    assert (job.source, job.pipeline, job.job, job.impact) == (
        "concourse",
        "paas-cf",
        "deploy",
        6.0,
    )


def test_a_pass_at_the_failing_commit_is_flaky(team, record, clock, spells, runtime):
    record("failed", build="7", sha="a" * 40)
    clock.advance(timedelta(minutes=15))
    assert record("succeeded", build="7", attempt=2, sha="a" * 40).turned == "flaky"
    [spell] = spells()
    assert (spell.ending, spell.ended_by_sha) == ("flaky", "a" * 40)
    with unit_of_work(runtime.read_sessions) as session:
        figures = summary(
            session,
            clock.now() - timedelta(days=1),
            clock.now() + timedelta(days=1),
            ZONE,
            clock.now(),
        )
    assert (figures.flaky, figures.failures, figures.red_seconds) == (1, 1, 900.0)


def test_the_failing_commit_passing_after_another_commit_failed_is_still_a_fix(
    team, record, clock, spells
):
    # Flaky means the commit that failed last passed: here b failed last, and a passed.
    record("failed", build="1", sha="a" * 40)
    record("failed", build="2", sha="b" * 40)
    assert record("succeeded", build="1", attempt=2, sha="a" * 40).turned == "fixed"


def test_the_engineer_on_support_is_told_once_when_the_job_turns_red(team, record, runtime):
    record("failed", build="1")
    record("failed", build="1")  # the same build and attempt again: dropped
    record("failed", build="2")  # still red: nobody is told again
    with unit_of_work(runtime.read_sessions) as session:
        told = session.scalars(select(OutboxMessage)).all()
    assert [(m.destination, m.status) for m in told] == [("bob@example.org", "pending")]
    assert "dutydesk build claim 1" in told[0].text


def test_outside_the_support_rotas_hours_nobody_is_told_but_the_job_is_red(
    team, record, runtime, clock, spells
):
    clock.advance(timedelta(hours=10))  # 20:00, the engineering rota covers 09:30-17:30
    record("failed", build="1")
    [spell] = spells()
    assert spell.told_person_id is None
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_without_a_team_results_are_recorded_and_spells_kept(record, spells):
    assert record("failed", build="1").turned == "red"
    assert spells()[0].told_person_id is None


@pytest.mark.parametrize("branch", ["feature/login", None, "Main"])
def test_failures_on_other_branches_are_recorded_but_make_no_spell(team, record, spells, branch):
    recorded = record("failed", build="1", branch=branch)
    assert recorded.result_id is not None and recorded.turned is None
    assert spells() == []


def test_the_team_files_main_branches_decide(make_team, record, spells):
    make_team("team: paas\nbuilds:\n  main_branches: [trunk]\n")
    assert record("failed", build="1", branch="main").turned is None
    assert record("failed", build="2", branch="trunk").turned == "red"
    assert len(spells()) == 1


def test_an_aborted_build_neither_starts_nor_ends_a_spell(team, record, spells):
    assert record("aborted", build="1").turned is None
    assert spells() == []
    record("failed", build="2")
    assert record("aborted", build="3").turned is None
    assert spells()[0].ended_at is None


def test_a_success_that_finished_before_the_spell_began_does_not_end_it(
    team, record, clock, spells
):
    record("failed", build="2")
    late = record("succeeded", build="1", finished_at=clock.now() - timedelta(minutes=5))
    assert late.turned is None
    assert spells()[0].ended_at is None


def test_a_failure_arriving_after_the_success_that_followed_it_does_not_turn_the_job_red(
    team, record, runtime, clock, spells
):
    # The re-run passed (attempt 2) and its delivery came first; attempt 1's failure arrives
    # late. The job is green: nobody is paged, and the spell is recorded over, as flaky.
    now = clock.now()
    record("succeeded", build="1", attempt=2, finished_at=now - timedelta(minutes=5))
    late = record("failed", build="1", attempt=1, finished_at=now - timedelta(minutes=20))
    assert late.turned is None
    [spell] = spells()
    assert (spell.started_at, spell.ended_at, spell.ending, spell.told_person_id) == (
        now - timedelta(minutes=20),
        now - timedelta(minutes=5),
        "flaky",
        None,
    )
    with unit_of_work(runtime.read_sessions) as session:
        assert service.red_now(session) == []
        assert session.scalars(select(OutboxMessage)).all() == []
        week = summary(session, now - timedelta(days=1), now, ZONE, now)
    assert (week.failures, week.red_seconds, week.flaky) == (1, 15 * 60, 1)


def test_a_late_failure_joins_the_spell_the_next_success_ended(team, record, clock, spells):
    now = clock.now()
    record("failed", build="2", sha="a" * 40, finished_at=now - timedelta(minutes=30))
    record("succeeded", build="3", sha="b" * 40, finished_at=now - timedelta(minutes=10))
    record("failed", build="1", sha="c" * 40, finished_at=now - timedelta(minutes=40))
    [spell] = spells()
    assert (spell.started_at, spell.failures, spell.first_failing_sha, spell.ending) == (
        now - timedelta(minutes=40),
        2,
        "c" * 40,
        "fixed",
    )


def test_a_success_arriving_after_a_later_failure_does_not_end_the_spell(
    team, record, clock, spells
):
    now = clock.now()
    record("failed", build="1", sha="a" * 40, finished_at=now - timedelta(minutes=30))
    record("failed", build="3", sha="c" * 40, finished_at=now - timedelta(minutes=5))
    late = record("succeeded", build="2", sha="b" * 40, finished_at=now - timedelta(minutes=20))
    assert late.turned is None
    [spell] = spells()
    assert (spell.ended_at, spell.failures) == (None, 2)
    assert record("succeeded", build="4", sha="c" * 40).turned == "flaky"


def test_an_earlier_failure_arriving_late_moves_the_spells_start(team, record, clock, spells):
    now = clock.now()
    record("failed", build="2", sha="b" * 40, finished_at=now - timedelta(minutes=10))
    record("failed", build="1", sha="a" * 40, finished_at=now - timedelta(minutes=40))
    [spell] = spells()
    assert (spell.started_at, spell.failures, spell.first_failing_sha, spell.last_failing_sha) == (
        now - timedelta(minutes=40),
        2,
        "a" * 40,
        "b" * 40,
    )


def test_a_job_red_again_after_a_fix_is_a_new_spell(team, record, clock, spells):
    record("failed", build="1", sha="a" * 40)
    record("succeeded", build="2", sha="b" * 40)
    clock.advance(timedelta(hours=1))
    record("errored", build="3", sha="c" * 40)
    assert [(s.ending, s.failures) for s in spells()] == [("fixed", 1), (None, 1)]


def test_a_claim_by_someone_else_is_refused_and_a_second_claim_by_the_same_person_changes_nothing(
    team, record, runtime
):
    record("failed", build="1")
    first = claim(runtime, 1, "alice")
    assert claim(runtime, 1, "alice") == first
    with pytest.raises(Conflict, match="already being fixed by alice"):
        claim(runtime, 1, "bob")
    with unit_of_work(runtime.read_sessions) as session:
        assert len(session.scalars(select(Task)).all()) == 1


def test_a_green_build_cannot_be_claimed(team, record, runtime):
    record("failed", build="1")
    record("succeeded", build="2", sha="b" * 40)
    with pytest.raises(Conflict, match="green again"):
        claim(runtime, 1, "alice")


def test_claiming_names_a_person_and_a_red_build_that_exist(team, record, runtime):
    record("failed", build="1")
    with pytest.raises(Invalid, match="no person 'zoe'"):
        claim(runtime, 1, "zoe")
    with pytest.raises(NotFound):
        claim(runtime, 99, "alice")


def test_red_green_red_in_one_transaction_makes_two_spells(team, runtime, spells):
    # A group commit takes many results in one transaction: each must see the one before.
    from dutydesk.builds.intake import record_result
    from dutydesk.builds.results import BuildReport

    now = runtime.clock.now()

    def report(build: str, status: str, sha: str) -> BuildReport:
        return BuildReport("ci", "app", "test", build, 1, status, "main", sha, None, now)

    with unit_of_work(runtime.sessions) as session:
        turned = [
            record_result(session, report(b, s, sha), now=now, base_url="http://d").turned
            for b, s, sha in (("1", "failed", "a"), ("2", "succeeded", "b"), ("3", "failed", "c"))
        ]
        session.commit()
    assert turned == ["red", "fixed", "red"]
    assert [(s.ending, s.failures) for s in spells()] == [("fixed", 1), (None, 1)]


def _waiting_on_a_lock(runtime) -> bool:
    """Whether another PostgreSQL session is waiting for a lock."""
    with runtime.engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        ).scalar()
    return bool(waiting)


def test_two_first_failures_of_a_green_job_at_once_make_one_spell(team, runtime, clock, spells):
    """The first failure's spell is uncommitted when the second arrives (two webhook
    deliveries, two server processes): there is no open spell to lock yet, so on PostgreSQL the
    second must wait on the job itself, then add to the first's spell."""
    opened, release = threading.Event(), threading.Event()

    def take(build: str, *, hold: bool) -> None:
        report = BuildReport(
            source="concourse",
            pipeline="paas-cf",
            job="deploy",
            build_id=build,
            attempt=1,
            status="failed",
            branch="main",
            sha="a" * 40,
            url=None,
            finished_at=clock.now(),
        )
        with unit_of_work(runtime.sessions) as session:
            record_result(session, report, now=clock.now(), base_url="http://dutydesk.test")
            session.flush()
            if hold:
                opened.set()
                release.wait(timeout=30)
            session.commit()

    first = threading.Thread(target=take, args=("1",), kwargs={"hold": True})
    first.start()
    assert opened.wait(timeout=30)
    second = threading.Thread(target=take, args=("2",), kwargs={"hold": False})
    second.start()
    if runtime.engine.dialect.name == "postgresql":
        deadline = time.monotonic() + 30
        while second.is_alive() and not _waiting_on_a_lock(runtime):
            assert time.monotonic() < deadline, "the second failure neither waited nor ended"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert [(s.ended_at, s.failures) for s in spells()] == [(None, 2)]
