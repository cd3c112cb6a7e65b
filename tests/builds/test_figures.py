"""The build report's maths: failures, red time clipped to ISO weeks in the team's zone (an open
spell counting to now), flaky runs, and the impact ranking — tables of cases and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.builds.figures import (
    Failure,
    JobImpact,
    Spell,
    impact,
    ranking,
    week_of,
    week_start,
    weekly,
)

LONDON = ZoneInfo("Europe/London")
DEPLOY = ("concourse", "paas-cf", "deploy")
TESTS = ("github", "octo-org/octo-repo", "test.yml")
START = datetime(2026, 1, 5, 0, tzinfo=UTC)  # Monday 5 January, midnight in London too
END = datetime(2026, 1, 19, 0, tzinfo=UTC)
NOW = datetime(2026, 1, 14, 10, tzinfo=UTC)


def at(day: int, hour: float = 0) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC) + timedelta(hours=hour)


@pytest.mark.parametrize(
    ("instant", "zone", "monday"),
    [
        (at(5), LONDON, date(2026, 1, 5)),
        (at(4, 23.5), LONDON, date(2025, 12, 29)),
        (at(11, 23.5), LONDON, date(2026, 1, 5)),
        # 23:30 UTC on Sunday is already Monday in Berlin.
        (at(11, 23.5), ZoneInfo("Europe/Berlin"), date(2026, 1, 12)),
        (at(12, 3), ZoneInfo("America/New_York"), date(2026, 1, 5)),
    ],
)
def test_the_week_is_the_iso_week_in_the_teams_zone(instant, zone, monday):
    assert week_of(instant, zone) == monday


def test_a_week_that_changes_the_clocks_is_an_hour_short():
    monday = date(2026, 3, 23)  # the clocks go forward on Sunday 29 March
    length = week_start(monday + timedelta(days=7), LONDON) - week_start(monday, LONDON)
    assert length == timedelta(days=7) - timedelta(hours=1)


@pytest.mark.parametrize(
    ("failures", "spells", "expected"),
    [
        pytest.param([], [], [], id="nothing"),
        pytest.param(
            [Failure(DEPLOY, at(6, 10)), Failure(DEPLOY, at(6, 11))],
            [Spell(DEPLOY, at(6, 10), at(6, 13))],
            [(DEPLOY, date(2026, 1, 5), 2, 3 * 3600.0, 0)],
            id="red for three hours in one week",
        ),
        pytest.param(
            [Failure(DEPLOY, at(11, 22))],
            [Spell(DEPLOY, at(11, 22), at(12, 2))],
            [
                (DEPLOY, date(2026, 1, 5), 1, 2 * 3600.0, 0),
                (DEPLOY, date(2026, 1, 12), 0, 2 * 3600.0, 0),
            ],
            id="red over midnight on Sunday is split between the weeks",
        ),
        pytest.param(
            [Failure(DEPLOY, at(14, 8))],
            [Spell(DEPLOY, at(14, 8), None)],
            [(DEPLOY, date(2026, 1, 12), 1, 2 * 3600.0, 0)],
            id="a spell still open counts to now",
        ),
        pytest.param(
            [],
            [Spell(DEPLOY, at(1), at(5, 6))],
            [(DEPLOY, date(2026, 1, 5), 0, 6 * 3600.0, 0)],
            id="a spell that began before the period is clipped to it",
        ),
        pytest.param(
            [Failure(DEPLOY, at(1))],
            [],
            [],
            id="a failure before the period is left out",
        ),
        pytest.param(
            [Failure(TESTS, at(7, 9))],
            [Spell(TESTS, at(7, 9), at(7, 9.25), flaky=True)],
            [(TESTS, date(2026, 1, 5), 1, 900.0, 1)],
            id="a flaky spell counts in the week it ended",
        ),
    ],
)
def test_weekly_figures(failures, spells, expected):
    rows = weekly(failures, spells, START, END, LONDON, NOW)
    assert [(r.job, r.week, r.failures, r.red_seconds, r.flaky) for r in rows] == expected


def test_the_most_costly_job_comes_first():
    failures = [Failure(DEPLOY, at(6, h)) for h in range(3)] + [Failure(TESTS, at(6, 1))] * 10
    spells = [Spell(DEPLOY, at(6, 0), at(8, 0)), Spell(TESTS, at(6, 1), at(6, 1.1))]
    ranked = ranking(weekly(failures, spells, START, END, LONDON, NOW))
    # deploy: 3 failures × 48 h = 144; tests: 10 failures × 0.1 h = 1.
    assert [(r.job, round(r.impact, 6)) for r in ranked] == [("deploy", 144.0), ("test.yml", 1.0)]
    assert isinstance(ranked[0], JobImpact)


@pytest.mark.parametrize(
    ("failures", "red_seconds", "expected"),
    [(0, 3600, 0.0), (1, 3600, 1.0), (4, 1800, 2.0), (3, 0, 0.0)],
)
def test_impact_is_failures_times_red_hours(failures, red_seconds, expected):
    assert impact(failures, red_seconds) == expected


JOBS = st.sampled_from([DEPLOY, TESTS, ("gitlab", "group/app", "build")])
INSTANTS = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2026, 2, 10), timezones=st.just(UTC)
)


@st.composite
def spells_of(draw):
    start = draw(INSTANTS)
    length = draw(st.one_of(st.none(), st.timedeltas(timedelta(0), timedelta(days=20))))
    return Spell(draw(JOBS), start, None if length is None else start + length, draw(st.booleans()))


@settings(max_examples=200, deadline=None)
@given(
    failures=st.lists(st.builds(Failure, JOBS, INSTANTS), max_size=30),
    spells=st.lists(spells_of(), max_size=12),
    zone=st.sampled_from([LONDON, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]),
)
def test_the_weeks_add_up_and_never_count_outside_the_period(failures, spells, zone):
    rows = weekly(failures, spells, START, END, zone, NOW)
    ranked = ranking(rows)
    # Every failure in the period is counted once, in one week.
    assert sum(r.failures for r in rows) == sum(START <= f.at < END for f in failures)
    # No job is red longer than the period (up to now), however its spells overlap the weeks.
    longest = (min(END, NOW) - START).total_seconds()
    per_job: dict[tuple[str, str, str], float] = {}
    for spell in spells:
        first, last = max(spell.started_at, START), min(spell.ended_at or NOW, NOW, END)
        per_job[spell.job] = per_job.get(spell.job, 0.0) + max(0.0, (last - first).total_seconds())
    for row in ranked:
        job = (row.source, row.pipeline, row.job)
        assert row.red_seconds == pytest.approx(per_job.get(job, 0.0))
        assert row.red_seconds <= longest * sum(s.job == job for s in spells) + 1e-6
    # Every row is in a week of the period, and the ranking is by impact.
    assert all(week_start(r.week, zone) < END for r in rows)
    assert [r.impact for r in ranked] == sorted((r.impact for r in ranked), reverse=True)
