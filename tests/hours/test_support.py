"""Support hours by example: clock changes, bank holidays, overnight windows, always open."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SEARCH_LIMIT, SupportHours
from dutydesk.hours.weekly import parse_hours

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = "Mon-Fri 09:00-17:30"
HOUR = timedelta(hours=1)


def make_hours(
    *lines: str,
    zone: ZoneInfo = LONDON,
    holidays: str | HolidayCalendar | None = None,
) -> SupportHours:
    """Support hours written the way the team file writes them; a calendar means skip it."""
    calendar = HolidayCalendar(holidays) if isinstance(holidays, str) else holidays
    return SupportHours(
        timezone=zone,
        weekly=tuple(parse_hours(line) for line in lines),
        skip_holidays=calendar is not None,
        holidays=calendar,
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0):
    """An instant on a zone's wall clock (its first occurrence), returned in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


# --- the clocks change -------------------------------------------------------------------------


def test_office_hours_keep_their_local_times_when_london_springs_forward():
    hours = make_hours(OFFICE)
    assert hours.open_intervals(utc(2026, 3, 27), utc(2026, 3, 31)) == [
        (utc(2026, 3, 27, 9), utc(2026, 3, 27, 17, 30)),  # Friday, GMT
        (utc(2026, 3, 30, 8), utc(2026, 3, 30, 16, 30)),  # Monday, BST
    ]
    assert hours.add(utc(2026, 3, 27, 17), HOUR) == utc(2026, 3, 30, 8, 30)
    assert hours.elapsed(utc(2026, 3, 27, 9), utc(2026, 3, 30, 16, 30)) == timedelta(hours=17)


def test_office_hours_keep_their_local_times_when_london_falls_back():
    hours = make_hours(OFFICE)
    assert hours.open_intervals(utc(2026, 10, 23), utc(2026, 10, 27)) == [
        (utc(2026, 10, 23, 8), utc(2026, 10, 23, 16, 30)),  # Friday, BST
        (utc(2026, 10, 26, 9), utc(2026, 10, 26, 17, 30)),  # Monday, GMT
    ]
    assert hours.next_open_at(utc(2026, 10, 24, 12)) == utc(2026, 10, 26, 9)


@pytest.mark.parametrize(
    ("sunday", "length"),
    [
        pytest.param(date(2026, 3, 29), timedelta(hours=23), id="spring-forward"),
        pytest.param(date(2026, 10, 25), timedelta(hours=25), id="fall-back"),
        pytest.param(date(2026, 6, 28), timedelta(hours=24), id="summer"),
    ],
)
def test_a_whole_local_day_is_as_long_as_the_clocks_make_it(sunday, length):
    hours = make_hours("Sun 00:00-24:00")
    saturday_noon = datetime.combine(sunday - timedelta(days=1), time(12), tzinfo=UTC)
    assert hours.elapsed(saturday_noon, saturday_noon + timedelta(days=2)) == length


def test_new_york_office_hours_across_its_spring_forward():
    hours = make_hours("Mon-Fri 09:00-17:00", zone=NEW_YORK, holidays="US")
    friday_4pm = local(NEW_YORK, 2026, 3, 6, 16)
    assert friday_4pm == utc(2026, 3, 6, 21)  # EST
    assert hours.add(friday_4pm, 2 * HOUR) == utc(2026, 3, 9, 14)  # Monday 10:00 EDT
    assert hours.next_open_at(friday_4pm + 2 * HOUR) == utc(2026, 3, 9, 13)


def test_new_york_office_hours_across_its_fall_back():
    hours = make_hours("Mon-Fri 09:00-17:00", zone=NEW_YORK, holidays="US")
    friday_4pm = local(NEW_YORK, 2026, 10, 30, 16)
    assert friday_4pm == utc(2026, 10, 30, 20)  # EDT
    assert hours.add(friday_4pm, 2 * HOUR) == utc(2026, 11, 2, 15)  # Monday 10:00 EST


@pytest.mark.parametrize(
    ("saturday", "expected"),
    [
        # 22:00 EST to 06:00 EDT: the clocks skip an hour of the night.
        pytest.param(date(2026, 3, 7), (utc(2026, 3, 8, 3), utc(2026, 3, 8, 10)), id="spring"),
        # 22:00 EDT to 06:00 EST: the night has an hour more.
        pytest.param(date(2026, 10, 31), (utc(2026, 11, 1, 2), utc(2026, 11, 1, 11)), id="fall"),
    ],
)
def test_a_night_window_over_a_clock_change_is_shorter_or_longer(saturday, expected):
    hours = make_hours("Sat 22:00-06:00", zone=NEW_YORK)
    saturday_midnight = datetime.combine(saturday, time(), tzinfo=UTC)
    assert hours.open_intervals(saturday_midnight, saturday_midnight + timedelta(days=3)) == [
        expected
    ]


@pytest.mark.parametrize(
    ("line", "sunday", "expected"),
    [
        # 01:30 does not exist on the London clock that day: it is read as 01:30 GMT, which is
        # 02:30 BST, so the window opens an hour after the jump and closes at 03:00 BST.
        pytest.param(
            "Sun 01:30-03:00",
            date(2026, 3, 29),
            [(utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2))],
            id="opens-in-the-skipped-hour",
        ),
        pytest.param(
            "Sun 00:00-01:30",
            date(2026, 3, 29),
            [(utc(2026, 3, 29), utc(2026, 3, 29, 1, 30))],
            id="closes-in-the-skipped-hour",
        ),
        # 01:30 happens twice: the window opens at the first (BST) and closes at 03:00 GMT.
        pytest.param(
            "Sun 01:30-03:00",
            date(2026, 10, 25),
            [(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3))],
            id="opens-in-the-repeated-hour",
        ),
        pytest.param(
            "Sun 00:00-01:30",
            date(2026, 10, 25),
            [(utc(2026, 10, 24, 23), utc(2026, 10, 25, 0, 30))],
            id="closes-in-the-repeated-hour",
        ),
    ],
)
def test_window_edges_the_clocks_skip_or_repeat(line, sunday, expected):
    hours = make_hours(line)
    start = datetime.combine(sunday - timedelta(days=1), time(), tzinfo=UTC)
    assert hours.open_intervals(start, start + timedelta(days=2)) == expected


# --- bank holidays -----------------------------------------------------------------------------


def test_easter_is_skipped_when_counting_support_time():
    hours = make_hours(OFFICE, holidays="GB-ENG")
    thursday_5pm = local(LONDON, 2026, 4, 2, 17)
    # Half an hour on Thursday; Good Friday and Easter Monday are bank holidays.
    assert hours.add(thursday_5pm, HOUR) == local(LONDON, 2026, 4, 7, 9, 30)
    assert hours.elapsed(thursday_5pm, local(LONDON, 2026, 4, 7, 17, 30)) == timedelta(hours=9)
    assert not hours.is_open(local(LONDON, 2026, 4, 3, 10))
    assert hours.next_open_at(local(LONDON, 2026, 4, 3, 10)) == local(LONDON, 2026, 4, 7, 9)


def test_a_bank_holiday_counts_when_the_hours_do_not_skip_them():
    hours = SupportHours(LONDON, (parse_hours(OFFICE),), False, HolidayCalendar("GB-ENG"))
    assert hours.is_open(local(LONDON, 2026, 4, 3, 10))


def test_a_holiday_cuts_the_night_windows_at_its_midnights():
    hours = make_hours("Mon-Fri 17:30-09:30", holidays="GB-ENG")
    assert hours.open_intervals(utc(2026, 4, 2, 12), utc(2026, 4, 4, 12)) == [
        # Thursday night stops at the start of Good Friday ...
        (local(LONDON, 2026, 4, 2, 17, 30), local(LONDON, 2026, 4, 3)),
        # ... and Friday's night starts again when Saturday does.
        (local(LONDON, 2026, 4, 4), local(LONDON, 2026, 4, 4, 9, 30)),
    ]


def test_always_open_hours_that_skip_holidays_close_for_whole_local_days():
    hours = make_hours(holidays="GB-ENG")
    # Christmas Day is a Friday; Boxing Day is a Saturday, so its day off is Monday the 28th.
    assert hours.open_intervals(utc(2026, 12, 24, 12), utc(2026, 12, 29, 12)) == [
        (utc(2026, 12, 24, 12), utc(2026, 12, 25)),
        (utc(2026, 12, 26), utc(2026, 12, 28)),
        (utc(2026, 12, 29), utc(2026, 12, 29, 12)),
    ]


def test_the_teams_own_days_off_are_holidays_too():
    hours = make_hours(OFFICE, holidays=HolidayCalendar(None, [date(2026, 6, 17)]))
    wednesday_noon = local(LONDON, 2026, 6, 17, 12)
    assert hours.next_open_at(wednesday_noon) == local(LONDON, 2026, 6, 18, 9)


# --- windows past midnight ---------------------------------------------------------------------


def test_a_window_past_midnight_belongs_to_the_day_it_starts():
    hours = make_hours("Fri 22:00-06:00")
    # Early Friday morning is not Friday's night (that would be Thursday's window).
    assert hours.open_intervals(local(LONDON, 2026, 6, 19), local(LONDON, 2026, 6, 21)) == [
        (local(LONDON, 2026, 6, 19, 22), local(LONDON, 2026, 6, 20, 6))
    ]
    assert hours.add(local(LONDON, 2026, 6, 19, 23), 2 * HOUR) == local(LONDON, 2026, 6, 20, 1)


def test_night_windows_on_consecutive_days_join_up():
    hours = make_hours("Mon-Fri 17:30-09:30", "Sat-Sun 00:00-24:00")
    monday_noon = local(LONDON, 2026, 6, 15, 12)
    assert hours.open_intervals(monday_noon, monday_noon + timedelta(days=1)) == [
        (local(LONDON, 2026, 6, 15, 17, 30), local(LONDON, 2026, 6, 16, 9, 30))
    ]
    # Friday evening runs into the weekend, which runs until Monday's midnight.
    assert hours.open_intervals(local(LONDON, 2026, 6, 19), local(LONDON, 2026, 6, 23)) == [
        (local(LONDON, 2026, 6, 19), local(LONDON, 2026, 6, 19, 9, 30)),
        (local(LONDON, 2026, 6, 19, 17, 30), local(LONDON, 2026, 6, 22)),
        (local(LONDON, 2026, 6, 22, 17, 30), local(LONDON, 2026, 6, 23)),
    ]


# --- counting support time ---------------------------------------------------------------------


def test_support_time_runs_on_from_one_working_day_to_the_next():
    hours = make_hours(OFFICE)
    wednesday_noon = local(LONDON, 2026, 6, 17, 12)
    assert hours.add(wednesday_noon, timedelta(hours=8)) == local(LONDON, 2026, 6, 18, 11, 30)


def test_support_time_that_runs_out_at_closing_time_is_due_then():
    hours = make_hours(OFFICE)
    assert hours.add(local(LONDON, 2026, 6, 15, 9), timedelta(hours=8, minutes=30)) == local(
        LONDON, 2026, 6, 15, 17, 30
    )


def test_outside_hours_the_count_starts_at_the_next_opening():
    hours = make_hours(OFFICE)
    saturday = local(LONDON, 2026, 6, 20, 12)
    assert hours.add(saturday, timedelta(0)) == local(LONDON, 2026, 6, 22, 9)
    assert hours.add(saturday, timedelta(minutes=20)) == local(LONDON, 2026, 6, 22, 9, 20)


def test_inside_hours_the_next_opening_is_now():
    hours = make_hours(OFFICE)
    at = local(LONDON, 2026, 6, 17, 12, 34) + timedelta(seconds=56, microseconds=7)
    assert hours.is_open(at)
    assert hours.next_open_at(at) == at
    assert not hours.is_open(local(LONDON, 2026, 6, 17, 17, 30))  # closing time is closed


def test_an_interval_is_half_open_and_empty_when_backwards():
    hours = make_hours(OFFICE)
    start, end = local(LONDON, 2026, 6, 17, 10), local(LONDON, 2026, 6, 17, 11)
    assert hours.open_intervals(start, end) == [(start, end)]
    assert hours.open_intervals(end, start) == []
    assert hours.elapsed(end, start) == timedelta(0)
    assert hours.elapsed(start, start) == timedelta(0)


# --- always open -------------------------------------------------------------------------------


def test_no_hours_means_always_open():
    hours = SupportHours(LONDON)
    start = utc(2026, 3, 29, 0, 30)  # the night the London clocks go forward
    end = start + timedelta(hours=5)
    assert hours.is_open(start)
    assert hours.open_intervals(start, end) == [(start, end)]
    assert hours.elapsed(start, end) == timedelta(hours=5)
    assert hours.add(start, timedelta(minutes=90)) == start + timedelta(minutes=90)
    assert hours.next_open_at(start) == start


def test_instants_come_out_in_utc_whatever_zone_they_went_in():
    hours = SupportHours(LONDON)
    at = datetime(2026, 6, 17, 12, tzinfo=NEW_YORK)
    found = hours.next_open_at(at)
    assert found is not None
    assert (found, found.tzinfo) == (at, UTC)
    assert hours.open_intervals(at, at + HOUR)[0][0].tzinfo is UTC


# --- limits and bad input ----------------------------------------------------------------------


def every_day(first: date, count: int) -> HolidayCalendar:
    return HolidayCalendar(None, [first + timedelta(days=i) for i in range(count)])


def test_hours_closed_for_longer_than_the_search_limit_never_open():
    hours = make_hours(OFFICE, holidays=every_day(date(2026, 1, 1), 2 * 366))
    at = utc(2026, 1, 1)
    assert hours.next_open_at(at) is None
    assert hours.add(at, HOUR) is None
    assert hours.elapsed(at, at + timedelta(days=60)) == timedelta(0)


def test_a_closure_shorter_than_the_search_limit_is_waited_out():
    closed_days = SEARCH_LIMIT.days - 20
    hours = make_hours(OFFICE, holidays=every_day(date(2026, 1, 1), closed_days))
    reopens = date(2026, 1, 1) + timedelta(days=closed_days)
    while reopens.weekday() >= 5:
        reopens += timedelta(days=1)
    first_morning = local(LONDON, reopens.year, reopens.month, reopens.day, 9)
    assert hours.next_open_at(utc(2026, 1, 1)) == first_morning
    assert hours.add(utc(2026, 1, 1), HOUR) == first_morning + HOUR


def test_counting_gives_up_when_the_hours_close_for_longer_than_the_search_limit():
    # Open on 2 January 2026, then closed every day for two years.
    hours = make_hours(OFFICE, holidays=every_day(date(2026, 1, 3), 2 * 366))
    friday = local(LONDON, 2026, 1, 2, 9)
    assert hours.add(friday, timedelta(hours=8, minutes=30)) == local(LONDON, 2026, 1, 2, 17, 30)
    assert hours.add(friday, timedelta(hours=9)) is None


@pytest.mark.parametrize(
    "ask",
    [
        pytest.param(lambda hours, naive: hours.is_open(naive), id="is_open"),
        pytest.param(lambda hours, naive: hours.next_open_at(naive), id="next_open_at"),
        pytest.param(lambda hours, naive: hours.add(naive, HOUR), id="add"),
    ],
)
def test_a_naive_instant_is_refused(ask):
    with pytest.raises(ValueError) as raised:
        ask(make_hours(OFFICE), datetime(2026, 6, 17, 12))
    assert str(raised.value) == "at must be an aware datetime, not naive 2026-06-17T12:00:00"


def test_a_naive_interval_end_is_refused():
    with pytest.raises(ValueError) as raised:
        make_hours(OFFICE).elapsed(utc(2026, 6, 17), datetime(2026, 6, 18))
    assert str(raised.value) == "end must be an aware datetime, not naive 2026-06-18T00:00:00"


def test_negative_support_time_is_refused():
    with pytest.raises(ValueError) as raised:
        make_hours(OFFICE).add(utc(2026, 6, 17), -HOUR)
    assert str(raised.value) == "support time to add must not be negative (got -3600 seconds)"
