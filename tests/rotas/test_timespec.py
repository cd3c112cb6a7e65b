"""The small time languages of a rota: shift lengths and handoffs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dutydesk.rotas.timespec import Handoff, ShiftLength, parse_handoff, parse_shift


@pytest.mark.parametrize(
    ("text", "expected", "wall_clock"),
    [
        pytest.param("12h", ShiftLength(12, "h"), timedelta(hours=12), id="hours"),
        pytest.param("1d", ShiftLength(1, "d"), timedelta(days=1), id="day"),
        pytest.param("1w", ShiftLength(1, "w"), timedelta(weeks=1), id="week"),
        pytest.param("2w", ShiftLength(2, "w"), timedelta(weeks=2), id="fortnight"),
        pytest.param(" 2W ", ShiftLength(2, "w"), timedelta(weeks=2), id="spaces-and-capitals"),
        pytest.param("1 w", ShiftLength(1, "w"), timedelta(weeks=1), id="space-before-unit"),
        pytest.param("366d", ShiftLength(366, "d"), timedelta(days=366), id="a-year"),
    ],
)
def test_a_shift_length_reads_as_a_wall_clock_step(text, expected, wall_clock):
    shift = parse_shift(text)
    assert (shift, shift.wall_clock, str(shift)) == (expected, wall_clock, str(expected))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("1x", "'1x' is not a shift length like 12h, 1d, 1w or 2w", id="unit"),
        pytest.param("", "'' is not a shift length like 12h, 1d, 1w or 2w", id="empty"),
        pytest.param("w", "'w' is not a shift length like 12h, 1d, 1w or 2w", id="no-count"),
        pytest.param("1.5d", "'1.5d' is not a shift length like 12h, 1d, 1w or 2w", id="fraction"),
        pytest.param("-1d", "'-1d' is not a shift length like 12h, 1d, 1w or 2w", id="negative"),
        pytest.param("0h", "'0h': a shift must be at least 1 hour long", id="zero"),
        pytest.param("53w", "'53w': a shift can be at most a year (366d) long", id="over-a-year"),
        pytest.param(
            "99999999999w", "'99999999999w': a shift can be at most a year (366d) long", id="huge"
        ),
    ],
)
def test_a_bad_shift_length_says_what_a_good_one_looks_like(text, message):
    with pytest.raises(ValueError) as raised:
        parse_shift(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "expected", "shown"),
    [
        pytest.param("Mon 09:30", Handoff(0, 570), "Mon 09:30", id="weekly"),
        pytest.param("monday 9:30", Handoff(0, 570), "Mon 09:30", id="full-day-name"),
        pytest.param("09:30", Handoff(None, 570), "09:30", id="daily"),
        pytest.param("Sun 00:00", Handoff(6, 0), "Sun 00:00", id="sunday-midnight"),
    ],
)
def test_a_handoff_reads_as_an_optional_weekday_and_a_local_time(text, expected, shown):
    handoff = parse_handoff(text)
    assert (handoff, str(handoff)) == (expected, shown)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "'' is not a handoff like 'Mon 09:30' or '09:30'", id="empty"),
        pytest.param(
            "Mon 09:30 sharp",
            "'Mon 09:30 sharp' is not a handoff like 'Mon 09:30' or '09:30'",
            id="extra",
        ),
        pytest.param(
            "Mon",
            "'Mon' is not a handoff like 'Mon 09:30' or '09:30':"
            " 'Mon' is not a time of day like 09:30",
            id="no-time",
        ),
        pytest.param(
            "Mon 24:00",
            "'Mon 24:00' is not a handoff like 'Mon 09:30' or '09:30':"
            " '24:00' is not a time of day like 09:30",
            id="end-of-day",
        ),
        pytest.param(
            "Funday 09:30",
            "'Funday 09:30' is not a handoff like 'Mon 09:30' or '09:30':"
            " 'Funday' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
            id="bad-day",
        ),
    ],
)
def test_a_bad_handoff_says_what_a_good_one_looks_like(text, message):
    with pytest.raises(ValueError) as raised:
        parse_handoff(text)
    assert str(raised.value) == message
