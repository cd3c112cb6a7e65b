"""Response targets: how they are written, and when a clock running against one falls due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.tickets.targets import (
    Target,
    due_at,
    parse_target,
    support_day,
    time_used,
)

LONDON = ZoneInfo("Europe/London")
OFFICE = SupportHours(
    LONDON,
    (parse_hours("Mon-Fri 09:30-17:30"),),
    skip_holidays=True,
    holidays=HolidayCalendar("GB-ENG"),
)
# Monday 31 August 2026 is England's summer bank holiday.
EXTRA_DAY_OFF = SupportHours(
    LONDON,
    (parse_hours("Mon-Fri 09:30-17:30"),),
    skip_holidays=True,
    holidays=HolidayCalendar("GB-ENG", [date(2026, 6, 8)]),
)
ALWAYS = SupportHours(LONDON)


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("20m", Target(amount=timedelta(minutes=20))),
        ("1h", Target(amount=timedelta(hours=1))),
        ("1h30m", Target(amount=timedelta(minutes=90))),
        (" 2H ", Target(amount=timedelta(hours=2))),
        ("1d", Target(amount=timedelta(days=1))),
        ("1 support day", Target(support_days=1)),
        ("2  Support Days", Target(support_days=2)),
    ],
)
def test_a_target_is_written_as_a_duration_or_in_support_days(text, target):
    assert parse_target(text) == target
    assert parse_target(target.text()) == target


@pytest.mark.parametrize(
    ("text", "calendar", "message"),
    [
        ("soon", False, "'soon' is not a target like 20m, 2h, 1h30m, 1d or 2 support days"),
        ("", False, "'' is not a target like 20m, 2h, 1h30m, 1d or 2 support days"),
        ("0m", False, "'0m': a target must be longer than nothing"),
        ("0 support days", False, "'0 support days': a target of support days must be at least"),
        ("1 support day", True, "'1 support day': support days count only in support hours"),
        ("-5m", False, "'-5m' is not a target"),
    ],
)
def test_a_target_that_does_not_read_says_why(text, calendar, message):
    with pytest.raises(ValueError) as refused:
        parse_target(text, calendar=calendar)
    assert str(refused.value).startswith(message)


def test_a_support_day_is_an_average_open_day():
    assert support_day(OFFICE) == timedelta(hours=8)
    assert support_day(ALWAYS) == timedelta(hours=24)
    short_friday = SupportHours(
        LONDON, (parse_hours("Mon-Thu 09:00-17:00"), parse_hours("Fri 09:00-13:00"))
    )
    assert support_day(short_friday) == timedelta(hours=36) / 5


def test_a_p4_on_friday_afternoon_is_due_at_the_same_time_on_the_next_support_day():
    assert due_at(parse_target("1 support day"), OFFICE, london("2026-11-27T16:50")) == london(
        "2026-11-30T16:50"
    )


def test_when_that_monday_is_a_bank_holiday_it_is_due_on_tuesday():
    assert due_at(parse_target("1 support day"), OFFICE, london("2026-08-28T16:50")) == london(
        "2026-09-01T16:50"
    )
    # A team's own day off counts the same way.
    assert due_at(
        parse_target("1 support day"), EXTRA_DAY_OFF, london("2026-06-05T16:50")
    ) == london("2026-06-09T16:50")


def test_a_ticket_arriving_out_of_hours_counts_from_the_next_opening():
    assert due_at(parse_target("20m"), OFFICE, london("2026-11-27T19:00")) == london(
        "2026-11-30T09:50"
    )
    assert due_at(parse_target("2 support days"), OFFICE, london("2026-11-28T10:00")) == london(
        "2026-12-01T17:30"
    )


def test_a_calendar_target_counts_every_hour():
    target = parse_target("1h", calendar=True)
    assert due_at(target, OFFICE, london("2026-11-28T23:30")) == london("2026-11-29T00:30")


def test_a_calendar_target_across_the_clocks_going_back_counts_real_time():
    # 25 October 2026: 02:00 BST becomes 01:00 GMT. An hour from 00:30 BST is 01:30 BST.
    target = parse_target("2h", calendar=True)
    start = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 00:30 BST
    assert due_at(target, ALWAYS, start) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_support_hours_in_a_dst_week_are_local_hours():
    # Friday 27 March 2026 (GMT) + 1 support day: due Monday 30 March 09:30-17:30 BST.
    due = due_at(parse_target("1 support day"), OFFICE, london("2026-03-27T12:00"))
    # Noon on Friday was 12:00 UTC; noon on Monday, after the clocks went forward, is 11:00 UTC.
    assert due == london("2026-03-30T12:00") == datetime(2026, 3, 30, 11, 0, tzinfo=UTC)


def test_a_paused_clock_keeps_the_time_it_used():
    target = parse_target("4h")
    started = london("2026-11-30T09:30")  # Monday
    paused = london("2026-11-30T12:30")  # waiting on the tenant after 3 hours
    used = time_used(target, OFFICE, started, paused)
    assert used == timedelta(hours=3)
    resumed = london("2026-12-02T17:00")  # Wednesday, the tenant answers
    assert due_at(target, OFFICE, resumed, used=used) == london("2026-12-03T10:00")


def test_reminders_fall_at_fractions_of_the_target():
    target = parse_target("2h")
    start = london("2026-11-30T10:00")
    assert due_at(target, OFFICE, start, fraction=0.5) == london("2026-11-30T11:00")
    assert due_at(target, OFFICE, start, fraction=0.75) == london("2026-11-30T11:30")


def test_a_target_already_used_up_is_due_when_the_clock_runs_again():
    target = parse_target("20m")
    assert due_at(target, OFFICE, london("2026-11-30T10:00"), used=timedelta(hours=1)) == (
        london("2026-11-30T10:00")
    )


def test_hours_that_never_open_give_no_due_time():
    every_day_off = SupportHours(
        LONDON,
        (parse_hours("Sat 09:00-10:00"),),
        skip_holidays=True,
        holidays=HolidayCalendar(
            None, [date(2026, 1, 3) + timedelta(weeks=n) for n in range(0, 60)]
        ),
    )
    assert due_at(parse_target("1h"), every_day_off, london("2026-01-01T09:00")) is None


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    minutes=st.integers(min_value=1, max_value=5 * 8 * 60),
    used_minutes=st.integers(min_value=0, max_value=8 * 60),
)
def test_a_clock_falls_due_exactly_when_it_has_used_its_target(start, minutes, used_minutes):
    target = Target(amount=timedelta(minutes=minutes))
    begin = start.replace(tzinfo=UTC)
    used = timedelta(minutes=used_minutes)
    due = due_at(target, OFFICE, begin, used=used)
    assert due is not None
    if used >= target.amount:
        assert due == begin
        return
    assert used + time_used(target, OFFICE, begin, due) == target.amount
    half = due_at(target, OFFICE, begin, used=used, fraction=0.5)
    assert half is not None and begin <= half <= due
