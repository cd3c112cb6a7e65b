"""Finding handoffs and turns in a schedule, and the working day before a turn."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dutydesk.announcements.handoffs import Handoff, handoffs, previous_working_day, turns
from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.rotas.oncall import Segment


def at(hour: int, minute: int = 0, day: int = 12) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


IN_HOURS = [
    Segment("alice", at(9, 30), at(17, 30), "layer"),
    Segment("bob", at(9, 30, 13), at(12, 30, 13), "layer"),
    Segment("carol", at(12, 30, 13), at(13, 15, 13), "override"),
    Segment("bob", at(13, 15, 13), at(17, 30, 13), "layer"),
]


def test_the_end_of_an_in_hours_shift_is_a_handoff_to_nobody():
    assert handoffs(IN_HOURS, at(9, 0), at(18, 0), None) == [
        Handoff(at(9, 30), None, "alice"),
        Handoff(at(17, 30), "alice", None),
    ]


def test_break_cover_is_two_handoffs():
    found = handoffs(IN_HOURS, at(12, 0, 13), at(14, 0, 13), "bob")
    assert found == [
        Handoff(at(12, 30, 13), "bob", "carol"),
        Handoff(at(13, 15, 13), "carol", "bob"),
    ]


def test_nothing_changes_within_a_shift():
    assert handoffs(IN_HOURS, at(10, 0), at(11, 0), "alice") == []


def test_a_handoff_exactly_at_the_end_of_the_window_counts_once():
    assert handoffs(IN_HOURS, at(17, 0), at(17, 30), "alice") == [
        Handoff(at(17, 30), "alice", None)
    ]


def test_turns_start_when_the_person_changes_not_every_morning():
    week = [Segment("alice", at(9, 30, day), at(17, 30, day), "layer") for day in (12, 13, 14)] + [
        Segment("bob", at(9, 30, 19), at(17, 30, 19), "layer")
    ]
    assert [(s.person, s.start) for s in turns(week, None)] == [
        ("alice", at(9, 30, 12)),
        ("bob", at(9, 30, 19)),
    ]
    assert [s.person for s in turns(week, "alice")] == ["bob"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 1, 13), date(2026, 1, 12), id="tuesday-monday"),
        pytest.param(date(2026, 1, 12), date(2026, 1, 9), id="monday-friday"),
        pytest.param(date(2026, 4, 7), date(2026, 4, 2), id="after-easter-thursday"),
        pytest.param(date(2026, 12, 29), date(2026, 12, 24), id="after-christmas"),
    ],
)
def test_the_working_day_before_skips_weekends_and_bank_holidays(day, expected):
    assert previous_working_day(day, HolidayCalendar("GB-ENG")) == expected


def test_coming_back_after_break_cover_is_not_a_new_turn():
    day = [
        Segment("bob", at(9, 30, 13), at(12, 30, 13), "layer"),
        Segment("carol", at(12, 30, 13), at(13, 15, 13), "override"),
        Segment("bob", at(13, 15, 13), at(17, 30, 13), "layer"),
    ]
    assert [(s.person, s.start) for s in turns(day, None)] == [
        ("bob", at(9, 30, 13)),
        ("carol", at(12, 30, 13)),
    ]
