"""The language of weekly hours: clock times, days, and lines like "Mon-Fri 09:30-17:30"."""

from __future__ import annotations

import pytest

from dutydesk.hours.weekly import parse_clock, parse_days, parse_hours

MON_TO_FRI = frozenset(range(5))


@pytest.mark.parametrize(
    ("text", "allow_24", "minutes"),
    [
        pytest.param("09:30", False, 570, id="morning"),
        pytest.param("9:30", False, 570, id="one-digit-hour"),
        pytest.param(" 23:59 ", False, 1439, id="last-minute-with-spaces"),
        pytest.param("00:00", False, 0, id="midnight"),
        pytest.param("24:00", True, 1440, id="end-of-day-where-allowed"),
    ],
)
def test_a_clock_time_reads_as_minutes_since_midnight(text, allow_24, minutes):
    assert parse_clock(text, allow_24=allow_24) == minutes


@pytest.mark.parametrize(
    ("text", "allow_24"),
    [
        pytest.param("24:00", False, id="end-of-day-not-allowed"),
        pytest.param("24:01", True, id="past-end-of-day"),
        pytest.param("23:60", False, id="minute-60"),
        pytest.param("0930", False, id="no-colon"),
        pytest.param("09:30:00", False, id="seconds"),
        pytest.param("9:5", False, id="one-digit-minute"),
        pytest.param("", False, id="empty"),
    ],
)
def test_a_bad_clock_time_says_what_a_good_one_looks_like(text, allow_24):
    with pytest.raises(ValueError) as raised:
        parse_clock(text, allow_24=allow_24)
    assert str(raised.value) == f"{text!r} is not a time of day like 09:30"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        pytest.param("Mon-Fri", MON_TO_FRI, id="range"),
        pytest.param("Fri-Mon", frozenset({4, 5, 6, 0}), id="range-wraps-past-sunday"),
        pytest.param("Sat,Sun", frozenset({5, 6}), id="list"),
        pytest.param("Mon,Wed-Thu", frozenset({0, 2, 3}), id="list-with-range"),
        pytest.param("monday-friday", MON_TO_FRI, id="full-names"),
        pytest.param("Daily", frozenset(range(7)), id="daily"),
        pytest.param("Sun-Sat", frozenset(range(7)), id="whole-week-from-sunday"),
        pytest.param("Tue-Tue", frozenset({1}), id="one-day-range"),
    ],
)
def test_days_read_as_weekday_numbers(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "Funday", "'Funday' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)", id="name"
        ),
        pytest.param("Mon,,Tue", "'' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)", id="empty"),
        pytest.param(
            "Mon-Fri-Sat",
            "'Fri-Sat' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
            id="two-dashes",
        ),
    ],
)
def test_a_bad_day_names_itself_and_the_good_ones(text, message):
    with pytest.raises(ValueError) as raised:
        parse_days(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "days", "start_minute", "length_minutes", "shown"),
    [
        pytest.param(
            "Mon-Fri 09:30-17:30", MON_TO_FRI, 570, 480, "Mon-Fri 09:30-17:30", id="office"
        ),
        pytest.param(
            "Mon-Fri 17:30-09:30", MON_TO_FRI, 1050, 960, "Mon-Fri 17:30-09:30", id="nights"
        ),
        pytest.param("Sat 00:00-24:00", frozenset({5}), 0, 1440, "Sat 00:00-24:00", id="whole-day"),
        pytest.param("09:00-17:00", frozenset(range(7)), 540, 480, "09:00-17:00", id="every-day"),
        pytest.param(
            "Sun 23:00-00:30", frozenset({6}), 1380, 90, "Sun 23:00-00:30", id="short-night"
        ),
        pytest.param(
            "Mon-Fri  9:30-17:30", MON_TO_FRI, 570, 480, "Mon-Fri 9:30-17:30", id="spaces"
        ),
    ],
)
def test_covered_hours_read_as_days_a_start_and_a_length(
    text, days, start_minute, length_minutes, shown
):
    hours = parse_hours(text)
    assert (hours.days, hours.start_minute, hours.length_minutes, str(hours)) == (
        days,
        start_minute,
        length_minutes,
        shown,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "'' is not covered hours like 'Mon-Fri 09:30-17:30'", id="empty"),
        pytest.param(
            "Mon-Fri 09:30",
            "'Mon-Fri 09:30' is not covered hours like 'Mon-Fri 09:30-17:30'",
            id="no-end",
        ),
        pytest.param(
            "Mon - Fri 09:30-17:30",
            "'Mon - Fri 09:30-17:30' is not covered hours like 'Mon-Fri 09:30-17:30'",
            id="spaced-days",
        ),
        pytest.param(
            "Mon-Fri 09:30-17:30-18:00",
            "'Mon-Fri 09:30-17:30-18:00' is not covered hours like 'Mon-Fri 09:30-17:30'",
            id="three-times",
        ),
        pytest.param(
            "Mon-Fri 24:00-09:00",
            "'Mon-Fri 24:00-09:00': '24:00' is not a time of day like 09:30",
            id="starts-at-24:00",
        ),
        pytest.param(
            "Funday 09:00-17:00",
            "'Funday 09:00-17:00': 'Funday' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
            id="bad-day",
        ),
        pytest.param(
            "Mon-Fri 09:30-09:30",
            "'Mon-Fri 09:30-09:30' starts and ends at the same time;"
            " for a whole day write 00:00-24:00",
            id="no-length",
        ),
    ],
)
def test_bad_covered_hours_say_what_good_ones_look_like(text, message):
    with pytest.raises(ValueError) as raised:
        parse_hours(text)
    assert str(raised.value) == message
