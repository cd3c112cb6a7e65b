"""The status page's uptime bar, as pure maths: Statuspage's formula (major outage counts in
full, partial outage 30 %), team-local days of 23 or 25 hours across DST, today up to now, no
data before the component existed, and each day's level the worst of its states and incidents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dutydesk.statuspage import uptime
from dutydesk.statuspage.uptime import IncidentMark, UptimeDay, period_uptime, uptime_days

LONDON = ZoneInfo("Europe/London")
# Wednesday 14 January 2026 at noon (GMT, so London time is UTC).
NOW = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)
DAY_SECONDS = 86_400


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def bar(
    changes: Sequence[tuple[datetime, str]] = (),
    incidents: Sequence[IncidentMark] = (),
    since_at: datetime = LONG_AGO,
    now: datetime = NOW,
    zone: ZoneInfo = LONDON,
    days: int = 90,
) -> list[UptimeDay]:
    return uptime_days(changes, incidents, since_at, now, zone, days)


def on(days: list[UptimeDay], day: date) -> UptimeDay:
    (found,) = [entry for entry in days if entry.day == day]
    return found


def outage(state: str, start_at: datetime, hours: int) -> list[tuple[datetime, str]]:
    return [
        (LONG_AGO, uptime.OPERATIONAL),
        (start_at, state),
        (start_at + timedelta(hours=hours), uptime.OPERATIONAL),
    ]


def test_a_component_always_operational_is_up_every_day():
    days = bar([(LONG_AGO, uptime.OPERATIONAL)])
    assert {(d.uptime, d.level, d.major_outage_seconds, d.incidents) for d in days} == {
        (1.0, "operational", 0, ())
    }
    assert period_uptime(days) == 1.0


def test_the_bar_has_exactly_the_days_asked_for_oldest_first_ending_today():
    days = bar(days=90)
    assert len(days) == 90
    assert days[-1].day == date(2026, 1, 14)
    assert days[0].day == date(2025, 10, 17)
    assert [b.day - a.day for a, b in pairwise(days)] == [timedelta(1)] * 89
    # 23:30 UTC on 1 July is 00:30 on 2 July in London: today is the local date.
    summer = bar(now=datetime(2026, 7, 1, 23, 30, tzinfo=UTC), days=7)
    assert [d.day for d in summer] == [date(2026, 6, 26) + timedelta(n) for n in range(7)]
    assert summer[-1].measured_seconds == 30 * 60


@pytest.mark.parametrize(
    ("state", "expected_uptime", "level", "major_seconds", "partial_seconds"),
    [
        (uptime.MAJOR, 1 - 7200 / 86400, "critical", 7200, 0),
        (uptime.PARTIAL, 1 - 0.3 * 7200 / 86400, "major", 0, 7200),
        (uptime.DEGRADED, 1.0, "minor", 0, 0),
        (uptime.MAINTENANCE, 1.0, "maintenance", 0, 0),
        (uptime.OPERATIONAL, 1.0, "operational", 0, 0),
    ],
)
def test_two_hours_in_a_state_count_by_statuspages_formula(
    state, expected_uptime, level, major_seconds, partial_seconds
):
    days = bar(outage(state, at(12, 10), hours=2))
    monday = on(days, date(2026, 1, 12))
    assert monday.uptime == pytest.approx(expected_uptime, abs=1e-15)
    assert monday.level == level
    assert (monday.major_outage_seconds, monday.partial_outage_seconds) == (
        major_seconds,
        partial_seconds,
    )
    assert monday.measured_seconds == DAY_SECONDS
    assert on(days, date(2026, 1, 11)).level == on(days, date(2026, 1, 13)).level == "operational"


def test_an_outage_across_midnight_counts_on_both_days():
    days = bar(outage(uptime.MAJOR, at(12, 23), hours=3))
    assert on(days, date(2026, 1, 12)).major_outage_seconds == 3600
    assert on(days, date(2026, 1, 13)).major_outage_seconds == 7200
    assert on(days, date(2026, 1, 13)).uptime == 1 - 7200 / 86400


def test_today_runs_from_midnight_to_now_only():
    days = bar(outage(uptime.MAJOR, at(14, 9), hours=1))
    assert days[-1].measured_seconds == 12 * 3600
    assert days[-1].uptime == 1 - 3600 / 43200
    # An outage still going on counts up to now.
    ongoing = bar([(at(14, 11), uptime.MAJOR)])
    assert ongoing[-1].major_outage_seconds == 3600


@pytest.mark.parametrize(
    ("impact", "level"),
    [
        ("none", "operational"),
        ("maintenance", "maintenance"),
        ("minor", "minor"),
        ("major", "major"),
        ("critical", "critical"),
    ],
)
def test_an_incident_on_a_day_without_a_change_sets_the_level_not_the_uptime(impact, level):
    mark = IncidentMark("inc-1", "Slow logins", impact, at(12, 10), at(12, 11))
    monday = on(bar([(LONG_AGO, uptime.OPERATIONAL)], [mark]), date(2026, 1, 12))
    assert (monday.uptime, monday.level, monday.incidents) == (
        1.0,
        level,
        (("inc-1", "Slow logins"),),
    )


@pytest.mark.parametrize(
    ("state", "impact", "level"),
    [
        (uptime.DEGRADED, "maintenance", "minor"),
        (uptime.MAINTENANCE, "none", "maintenance"),
        (uptime.MAINTENANCE, "minor", "minor"),
        (uptime.PARTIAL, "critical", "critical"),
        (uptime.MAJOR, "minor", "critical"),
    ],
)
def test_the_level_is_the_worst_of_the_states_and_the_incidents(state, impact, level):
    mark = IncidentMark("inc-1", "Trouble", impact, at(12, 9), at(12, 13))
    assert on(bar(outage(state, at(12, 10), 1), [mark]), date(2026, 1, 12)).level == level


def test_incidents_are_listed_on_each_day_they_touched_in_start_order():
    later = IncidentMark("b", "Queue backlog", "minor", at(12, 15), at(13, 0))
    earlier = IncidentMark("a", "API errors", "major", at(11, 22), at(12, 16))
    instant = IncidentMark("c", "Blip", "minor", at(10, 8), at(10, 8))
    days = bar(incidents=[later, earlier, instant])
    assert on(days, date(2026, 1, 10)).incidents == (("c", "Blip"),)
    assert on(days, date(2026, 1, 11)).incidents == (("a", "API errors"),)
    assert on(days, date(2026, 1, 12)).incidents == (("a", "API errors"), ("b", "Queue backlog"))
    # Ending at midnight is not running into the next day.
    assert on(days, date(2026, 1, 13)).incidents == ()
    assert on(days, date(2026, 1, 12)).level == "major"


def test_an_open_incident_marks_every_day_since_it_started_up_to_today():
    still_open = IncidentMark("inc-9", "Email delays", "minor", at(12, 20), None)
    days = bar(incidents=[still_open])
    assert [d.level for d in days[-4:]] == ["operational", "minor", "minor", "minor"]
    assert days[-1].incidents == (("inc-9", "Email delays"),)


def test_an_incident_starting_after_now_is_not_shown():
    scheduled = IncidentMark("m-1", "Database upgrade", "maintenance", at(14, 20), at(14, 22))
    assert bar(incidents=[scheduled])[-1].incidents == ()


@pytest.mark.parametrize(
    ("outage_at", "local_day", "measured_seconds"),
    [
        # Last Sunday of March: the clocks go forward at 01:00 GMT, a 23-hour day.
        (datetime(2026, 3, 29, 10, tzinfo=UTC), date(2026, 3, 29), 23 * 3600),
        (datetime(2026, 3, 28, 10, tzinfo=UTC), date(2026, 3, 28), 24 * 3600),
        (datetime(2026, 3, 30, 10, tzinfo=UTC), date(2026, 3, 30), 24 * 3600),
        # Last Sunday of October: back at 02:00 BST, a 25-hour day.
        (datetime(2026, 10, 25, 10, tzinfo=UTC), date(2026, 10, 25), 25 * 3600),
        (datetime(2026, 10, 24, 10, tzinfo=UTC), date(2026, 10, 24), 24 * 3600),
        (datetime(2026, 10, 26, 10, tzinfo=UTC), date(2026, 10, 26), 24 * 3600),
    ],
)
def test_a_dst_change_day_has_a_23_or_25_hour_denominator(outage_at, local_day, measured_seconds):
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    day = on(bar(outage(uptime.MAJOR, outage_at, 1), now=now, days=300), local_day)
    assert day.measured_seconds == measured_seconds
    assert day.uptime == 1 - 3600 / measured_seconds
    assert day.major_outage_seconds == 3600


def test_a_dst_day_runs_from_local_midnight_to_local_midnight():
    # 29 March 2026 in London: 00:00 GMT (00:00 UTC) to 00:00 BST on the 30th (23:00 UTC).
    now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    late = on(
        bar([(datetime(2026, 3, 29, 23, tzinfo=UTC), uptime.MAJOR)], now=now), date(2026, 3, 29)
    )
    assert late.major_outage_seconds == 0
    next_day = on(
        bar([(datetime(2026, 3, 29, 23, tzinfo=UTC), uptime.MAJOR)], now=now), date(2026, 3, 30)
    )
    assert next_day.uptime == 0.0


def test_a_component_created_mid_window_has_no_data_before_and_is_measured_from_creation():
    since_at = at(10, 15)
    changes = [
        (since_at, uptime.OPERATIONAL),
        (at(10, 17), uptime.MAJOR),
        (at(10, 18), "operational"),
    ]
    days = bar(changes, since_at=since_at)
    assert [d.day for d in days if d.uptime is None] == [
        date(2026, 1, 9) - timedelta(n) for n in range(84, -1, -1)
    ]
    assert {(d.level, d.measured_seconds) for d in days[:85]} == {("no_data", 0)}
    created = on(days, date(2026, 1, 10))
    assert created.measured_seconds == 9 * 3600
    assert created.uptime == 1 - 3600 / (9 * 3600)
    assert period_uptime(days) == 1 - 3600 / (9 * 3600 + 3 * DAY_SECONDS + 12 * 3600)


def test_changes_before_the_window_only_set_the_state_it_starts_in():
    days = bar(
        [(LONG_AGO, uptime.MAJOR), (datetime(2025, 12, 1, tzinfo=UTC), uptime.PARTIAL)], days=7
    )
    assert days[0].partial_outage_seconds == DAY_SECONDS
    assert days[0].uptime == pytest.approx(0.7)
    assert days[0].level == "major"
    assert sum(d.major_outage_seconds for d in days) == 0


def test_changes_after_now_are_ignored():
    days = bar([(LONG_AGO, uptime.OPERATIONAL), (at(14, 13), uptime.MAJOR)])
    assert (days[-1].uptime, days[-1].level) == (1.0, "operational")


def test_now_at_local_midnight_leaves_today_without_data():
    days = bar(now=at(14, 0), days=3)
    assert [(d.level, d.uptime) for d in days] == [("operational", 1.0)] * 2 + [("no_data", None)]


def test_period_uptime_weights_each_day_by_its_measured_seconds():
    days = [
        UptimeDay(date(2026, 1, 12), 0.5, "critical", 43_200, 0, (), 86_400),
        UptimeDay(date(2026, 1, 13), 1.0, "operational", 0, 0, (), 86_400),
        UptimeDay(date(2026, 1, 14), 1.0, "operational", 0, 0, (), 43_200),
        UptimeDay(date(2026, 1, 11), None, "no_data", 0, 0, (), 0),
    ]
    assert period_uptime(days) == 1 - 43_200 / 216_000
    assert period_uptime(days[-1:]) is None
    assert period_uptime([]) is None


@pytest.mark.parametrize(
    ("changes", "incidents", "since_at", "now"),
    [
        ([(datetime(2026, 1, 1, 12), uptime.MAJOR)], [], LONG_AGO, NOW),
        ([], [IncidentMark("a", "A", "minor", datetime(2026, 1, 1, 12), None)], LONG_AGO, NOW),
        ([], [], datetime(2026, 1, 1, 12), NOW),
        ([], [], LONG_AGO, datetime(2026, 1, 14, 12)),
    ],
)
def test_a_naive_datetime_is_refused(changes, incidents, since_at, now):
    with pytest.raises(ValueError, match="aware datetime"):
        bar(changes, incidents, since_at, now)


def test_changes_out_of_order_and_unknown_values_are_refused():
    with pytest.raises(ValueError, match="time order"):
        bar([(at(12, 10), uptime.MAJOR), (at(12, 9), uptime.OPERATIONAL)])
    with pytest.raises(ValueError, match="no component state"):
        bar([(at(12, 10), "down")])
    with pytest.raises(ValueError, match="no incident impact"):
        bar(incidents=[IncidentMark("a", "A", "severe", at(12, 10), None)])
    with pytest.raises(ValueError, match="at least 1"):
        bar(days=0)


# Properties, over zones with DST (London, New York), a half-hour DST (Lord Howe) and none.
ZONES = [
    ZoneInfo(name) for name in ("Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC")
]
NOWS = [NOW, datetime(2026, 4, 2, 5, 30, tzinfo=UTC), datetime(2026, 11, 3, 23, 59, 59, tzinfo=UTC)]
WINDOW_SECONDS = 14 * DAY_SECONDS
DOWNTIME_WEIGHT = {
    uptime.OPERATIONAL: 0.0,
    uptime.DEGRADED: 0.0,
    uptime.MAINTENANCE: 0.0,
    uptime.PARTIAL: 0.3,
    uptime.MAJOR: 1.0,
}
STATES = st.sampled_from(sorted(DOWNTIME_WEIGHT))


@st.composite
def histories(draw):
    now = draw(st.sampled_from(NOWS))
    offsets = sorted(draw(st.lists(st.integers(-WINDOW_SECONDS, DAY_SECONDS), max_size=30)))
    changes = [(now + timedelta(seconds=offset), draw(STATES)) for offset in offsets]
    incidents = [
        IncidentMark(
            f"inc-{n}",
            f"Incident {n}",
            draw(st.sampled_from(sorted(uptime.IMPACT_LEVELS))),
            now + timedelta(seconds=start),
            draw(st.none() | st.just(now + timedelta(seconds=start + length))),
        )
        for n, (start, length) in enumerate(
            draw(
                st.lists(
                    st.tuples(st.integers(-WINDOW_SECONDS, 3600), st.integers(0, 3 * DAY_SECONDS)),
                    max_size=5,
                )
            )
        )
    ]
    since_at = now - timedelta(seconds=draw(st.integers(-3600, WINDOW_SECONDS)))
    return changes, incidents, since_at, now, draw(st.sampled_from(ZONES))


@settings(max_examples=300, deadline=None)
@given(history=histories(), days=st.integers(1, 12))
def test_every_day_is_a_fraction_within_0_and_1_with_its_level(history, days):
    changes, incidents, since_at, now, zone = history
    result = uptime_days(changes, incidents, since_at, now, zone, days)
    assert len(result) == days
    assert result[-1].day == now.astimezone(zone).date()
    for day in result:
        assert (day.uptime is None) == (day.level == "no_data") == (day.measured_seconds == 0)
        if day.uptime is not None:
            assert 0.0 <= day.uptime <= 1.0
            assert day.level in uptime.LEVELS
            assert day.major_outage_seconds + day.partial_outage_seconds <= day.measured_seconds
            assert day.measured_seconds <= 25 * 3600
    total = period_uptime(result)
    measured = [day.uptime for day in result if day.uptime is not None]
    if measured:
        assert total is not None and min(measured) <= total <= max(measured)
    else:
        assert total is None


@settings(max_examples=300, deadline=None)
@given(history=histories(), worse=STATES, which=st.integers(0, 29), days=st.integers(1, 12))
def test_more_outage_never_raises_uptime(history, worse, which, days):
    changes, incidents, since_at, now, zone = history
    assume(changes)
    index = which % len(changes)
    assume(DOWNTIME_WEIGHT[worse] >= DOWNTIME_WEIGHT[changes[index][1]])
    worsened = [*changes[:index], (changes[index][0], worse), *changes[index + 1 :]]
    before = uptime_days(changes, incidents, since_at, now, zone, days)
    after = uptime_days(worsened, incidents, since_at, now, zone, days)
    for old, new in zip(before, after, strict=True):
        assert (old.uptime is None) == (new.uptime is None)
        if old.uptime is not None and new.uptime is not None:
            assert new.uptime <= old.uptime
    old_total, new_total = period_uptime(before), period_uptime(after)
    if old_total is not None and new_total is not None:
        assert new_total <= old_total
