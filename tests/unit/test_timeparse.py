"""Reading times people type: a bare clock time means today, in the team's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from dutydesk.errors import Invalid
from dutydesk.timeparse import parse_duration, parse_time

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
