"""Support hours against a brute-force oracle that reads the hours one minute at a time.

The oracle walks UTC minute by minute. For each minute it finds the local date on the team's
wall clock, closes the minute if that date is a skipped holiday, and otherwise opens it if a
window of that day or the day before holds it. A window's edges are its local times on the day
it starts, placed on the time line by the standard library (fold=0: a skipped time is read with
the offset before the change, a repeated one is its first occurrence). It shares nothing with
the interval sweep the module uses. Every instant, window edge and holiday edge is on a whole
minute, so the oracle is exact.

Instants are drawn within three weeks either side of a daylight-saving change, in zones whose
clocks change at different local times: 01:00 UTC (London), 02:00 local (New York), 02:00 by
half an hour (Lord Howe Island) and at midnight (Santiago).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import DAY_NAMES, parse_hours

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)
ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "America/Santiago")
CALENDARS = (None, "GB-ENG", "US")
MINUTE = timedelta(minutes=1)
AROUND_A_CHANGE = 21 * 24 * 60  # minutes either side of a clock change
LONGEST_SPAN = 4 * 24 * 60  # minutes in an asked interval
LONGEST_SUM = 2 * 24 * 60  # minutes of support time added
# How far the oracle walks looking for an opening, or adding up support time, before it stops.
ORACLE_REACH = 16 * 24 * 60


@cache
def clock_changes(zone_name: str) -> tuple[datetime, ...]:
    """The hours in 2025-2027 at which the zone's offset from UTC changes."""
    zone = ZoneInfo(zone_name)
    changes = []
    hour = datetime(2025, 1, 1, tzinfo=UTC)
    previous = hour.astimezone(zone).utcoffset()
    while hour.year < 2028:
        offset = hour.astimezone(zone).utcoffset()
        if offset != previous:
            changes.append(hour)
        previous = offset
        hour += timedelta(hours=1)
    return tuple(changes)


@st.composite
def hours_lines(draw: st.DrawFn) -> str:
    """One line of weekly hours, its edges on the quarter hour, maybe running past midnight."""
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    start = draw(st.integers(0, 24 * 4 - 1)) * 15
    # Up to a whole day, which must be written 00:00-24:00.
    length = draw(st.integers(1, 24 * 4 if start == 0 else 24 * 4 - 1)) * 15
    end = start + length if start + length <= 24 * 60 else start + length - 24 * 60
    clock = f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    return f"{','.join(DAY_NAMES[day] for day in sorted(days))} {clock}"


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[SupportHours, datetime]:
    """Random support hours in a zone, and an instant near one of its clock changes."""
    zone_name = draw(st.sampled_from(ZONES))
    change = draw(st.sampled_from(clock_changes(zone_name)))
    at = change + draw(st.integers(-AROUND_A_CHANGE, AROUND_A_CHANGE)) * MINUTE
    lines = draw(st.lists(hours_lines(), max_size=3))
    near = change.date()
    extra_days = draw(
        st.lists(st.integers(-25, 25).map(lambda d: near + timedelta(days=d)), max_size=5)
    )
    code = draw(st.sampled_from(CALENDARS))
    skip_holidays = draw(st.booleans())
    hours = SupportHours(
        timezone=ZoneInfo(zone_name),
        weekly=tuple(parse_hours(line) for line in lines),
        skip_holidays=skip_holidays,
        holidays=HolidayCalendar(code, extra_days),
    )
    return hours, at


minutes_long = st.integers(0, LONGEST_SPAN).map(lambda m: m * MINUTE)


# --- the oracle ------------------------------------------------------------------------------


class Oracle:
    """Whether support hours are open in a given minute, read straight from their definition."""

    def __init__(self, hours: SupportHours) -> None:
        self.hours = hours
        self.zone = hours.timezone
        self._windows_by_day: dict[date, list[tuple[datetime, datetime]]] = {}

    def is_open(self, minute: datetime) -> bool:
        today = minute.astimezone(self.zone).date()
        calendar = self.hours.holidays
        if self.hours.skip_holidays and calendar is not None and calendar.is_holiday(today):
            return False
        if not self.hours.weekly:
            return True
        return any(
            opens <= minute < closes
            for day in (today - timedelta(days=1), today)
            for opens, closes in self._windows_of(day)
        )

    def _windows_of(self, day: date) -> list[tuple[datetime, datetime]]:
        """The windows that open on a local day, as UTC instants."""
        if day not in self._windows_by_day:
            self._windows_by_day[day] = [
                (self._instant(day, line.start_minute), self._instant(day, end))
                for line in self.hours.weekly
                if day.weekday() in line.days
                for end in (line.start_minute + line.length_minutes,)
            ]
        return self._windows_by_day[day]

    def _instant(self, day: date, minutes_after_midnight: int) -> datetime:
        wall_clock = datetime.combine(day, time()) + minutes_after_midnight * MINUTE
        return wall_clock.replace(tzinfo=self.zone).astimezone(UTC)

    def minutes(self, start: datetime) -> Iterator[tuple[datetime, bool]]:
        """Each minute from `start` on, and whether it is open."""
        minute = start
        while True:
            yield minute, self.is_open(minute)
            minute += MINUTE


def open_runs(oracle: Oracle, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The oracle's open minutes in [start, end), joined into intervals."""
    runs: list[tuple[datetime, datetime]] = []
    for minute, is_open in oracle.minutes(start):
        if minute >= end:
            break
        if not is_open:
            continue
        if runs and runs[-1][1] == minute:
            runs[-1] = (runs[-1][0], minute + MINUTE)
        else:
            runs.append((minute, minute + MINUTE))
    return runs


# --- properties --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios(), minutes_long)
def test_open_intervals_are_the_open_minutes_joined_up(scenario, span):
    hours, start = scenario
    found = hours.open_intervals(start, start + span)
    assert found == open_runs(Oracle(hours), start, start + span)
    for earlier, later in pairwise(found):
        assert earlier[1] < later[0]


@PROPERTY_SETTINGS
@given(scenarios(), minutes_long)
def test_elapsed_support_time_counts_the_open_minutes(scenario, span):
    hours, start = scenario
    oracle = Oracle(hours)
    open_minutes = sum(oracle.is_open(start + i * MINUTE) for i in range(span // MINUTE))
    assert hours.elapsed(start, start + span) == open_minutes * MINUTE


@PROPERTY_SETTINGS
@given(scenarios())
def test_the_next_opening_is_the_first_open_minute(scenario):
    hours, at = scenario
    found = hours.next_open_at(at)
    oracle = Oracle(hours)
    for steps, (minute, is_open) in enumerate(oracle.minutes(at)):
        if is_open:
            assert found == minute
            assert hours.is_open(minute)
            break
        if steps == ORACLE_REACH:
            # Beyond the oracle's reach: the module must not have found anything sooner.
            assert found is None or found > minute
            break
    assert hours.is_open(at) == (found == at)


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, LONGEST_SUM))
def test_adding_support_time_ends_after_that_many_open_minutes(scenario, minutes):
    hours, at = scenario
    found = hours.add(at, minutes * MINUTE)
    oracle = Oracle(hours)
    counted = 0
    for steps, (minute, is_open) in enumerate(oracle.minutes(at)):
        if is_open and minutes == 0:
            assert found == minute  # nothing to add: the count starts at the next opening
            break
        counted += is_open
        if counted == minutes and minutes > 0:
            assert found == minute + MINUTE
            break
        if steps == ORACLE_REACH:
            assert found is None or found > minute
            break
    if found is not None:
        assert hours.elapsed(at, found) == minutes * MINUTE
