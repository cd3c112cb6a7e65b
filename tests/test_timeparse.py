"""Reading times people type: a bare clock time means today, in the team's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.errors import Invalid
from dutydesk.timeparse import local_text, parse_duration, parse_time

LONDON = ZoneInfo("Europe/London")
SUMMER_MORNING = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12:30", datetime(2026, 6, 1, 11, 30, tzinfo=UTC)),
        ("9:05", datetime(2026, 6, 1, 8, 5, tzinfo=UTC)),
        ("now", SUMMER_MORNING),
        ("2026-06-02", datetime(2026, 6, 1, 23, 0, tzinfo=UTC)),
        ("2026-06-02T10:00+02:00", datetime(2026, 6, 2, 8, 0, tzinfo=UTC)),
    ],
)
def test_times_are_read_in_the_team_zone(typed, expected):
    assert parse_time(typed, LONDON, SUMMER_MORNING) == expected


@pytest.mark.parametrize("typed", ["25:00", "12:3", "lunchtime", "12:30pm"])
def test_a_bad_time_names_the_field(typed):
    with pytest.raises(Invalid) as raised:
        parse_time(typed, LONDON, SUMMER_MORNING, field="--from")
    assert raised.value.message.startswith(f"--from: {typed!r}")


@pytest.mark.parametrize(
    ("typed", "minutes"), [("45m", 45), ("2h", 120), ("1h30m", 90), ("1d", 1440)]
)
def test_durations(typed, minutes):
    assert parse_duration(typed).total_seconds() == minutes * 60


@pytest.mark.parametrize(
    ("zone", "typed", "message"),
    [
        (
            "Europe/London",
            "2026-03-29T01:30",
            "01:30 on 2026-03-29 does not exist in Europe/London:"
            " clocks go forward from 01:00 to 02:00",
        ),
        (
            "Europe/London",
            "2026-03-29 01:00",
            "01:00 on 2026-03-29 does not exist in Europe/London:"
            " clocks go forward from 01:00 to 02:00",
        ),
        (
            "America/New_York",
            "2026-03-08T02:59",
            "02:59 on 2026-03-08 does not exist in America/New_York:"
            " clocks go forward from 02:00 to 03:00",
        ),
        # Half an hour forward: the jump is named as it is, not assumed to be an hour.
        (
            "Australia/Lord_Howe",
            "2026-10-04T02:10",
            "02:10 on 2026-10-04 does not exist in Australia/Lord_Howe:"
            " clocks go forward from 02:00 to 02:30",
        ),
    ],
)
def test_a_local_time_the_clocks_skip_is_refused_with_the_reason(zone, typed, message):
    with pytest.raises(Invalid) as raised:
        parse_time(typed, ZoneInfo(zone), SUMMER_MORNING, field="from")
    assert raised.value.message == f"from: {message}"


def test_a_bare_clock_time_skipped_today_is_refused():
    spring_sunday = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    with pytest.raises(Invalid, match="01:45 on 2026-03-29 does not exist"):
        parse_time("01:45", LONDON, spring_sunday, field="--from")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Either side of the gap is an ordinary time.
        ("2026-03-29T00:59", datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        ("2026-03-29T02:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # An explicit offset names the instant, whatever the local clock did.
        ("2026-03-29T01:30Z", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        ("2026-03-29T01:30+00:00", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    ],
)
def test_times_around_the_spring_gap_are_read(typed, expected):
    assert parse_time(typed, LONDON, SUMMER_MORNING) == expected


def test_a_time_that_happens_twice_is_its_first_occurrence():
    assert parse_time("2026-10-25T01:30", LONDON, SUMMER_MORNING) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_an_explicit_offset_picks_the_second_occurrence():
    assert parse_time("2026-10-25T01:30+00:00", LONDON, SUMMER_MORNING) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )


def test_a_day_whose_midnight_is_skipped_starts_when_the_clocks_jump():
    # Chile's clocks go forward at midnight: 6 September 2026 begins at 01:00 local time.
    santiago = ZoneInfo("America/Santiago")
    assert parse_time("2026-09-06", santiago, SUMMER_MORNING) == datetime(
        2026, 9, 6, 4, 0, tzinfo=UTC
    )


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
    zone=st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]),
    with_year=st.booleans(),
)
def test_local_text_reads_as_strftime_does_in_the_c_locale(instant, zone, with_year):
    aware = instant.replace(tzinfo=UTC)
    local = aware.astimezone(ZoneInfo(zone))
    expected = local.strftime("%a %d %b %Y %H:%M" if with_year else "%a %d %b %H:%M")
    assert local_text(aware, ZoneInfo(zone), with_year=with_year) == expected
