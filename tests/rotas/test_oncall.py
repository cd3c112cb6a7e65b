"""Who is on call from layers, hours and holidays: rotation, DST, precedence, empty rotas."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.rotas.oncall import LAYER, OnCallNow, on_call_at, schedule
from tests.rotas.plans import (
    LONDON,
    london,
    make_layer,
    make_override,
    make_rota,
    stretches,
    utc,
)

ALICE_AND_BOB = ("alice", "bob")
THREE = ("alice", "bob", "carol")


# --- rotation and DST -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "start", "end", "expected"),
    [
        pytest.param(
            make_layer(ALICE_AND_BOB, "1w", "Mon 09:30", date(2026, 3, 16)),
            utc(2026, 3, 16),
            utc(2026, 4, 7),
            [
                ("alice", utc(2026, 3, 16, 9, 30), utc(2026, 3, 23, 9, 30)),
                ("bob", utc(2026, 3, 23, 9, 30), utc(2026, 3, 30, 8, 30)),
                ("alice", utc(2026, 3, 30, 8, 30), utc(2026, 4, 6, 8, 30)),
                ("bob", utc(2026, 4, 6, 8, 30), utc(2026, 4, 7)),
            ],
            id="weekly-spring-forward",
        ),
        pytest.param(
            make_layer(ALICE_AND_BOB, "1w", "Mon 09:30", date(2026, 10, 12)),
            utc(2026, 10, 12),
            utc(2026, 11, 2, 12),
            [
                ("alice", utc(2026, 10, 12, 8, 30), utc(2026, 10, 19, 8, 30)),
                ("bob", utc(2026, 10, 19, 8, 30), utc(2026, 10, 26, 9, 30)),
                ("alice", utc(2026, 10, 26, 9, 30), utc(2026, 11, 2, 9, 30)),
                ("bob", utc(2026, 11, 2, 9, 30), utc(2026, 11, 2, 12)),
            ],
            id="weekly-fall-back",
        ),
        pytest.param(
            make_layer(ALICE_AND_BOB, "2w", "Mon 09:30", date(2026, 3, 16)),
            utc(2026, 3, 16),
            utc(2026, 4, 13, 12),
            [
                ("alice", utc(2026, 3, 16, 9, 30), utc(2026, 3, 30, 8, 30)),
                ("bob", utc(2026, 3, 30, 8, 30), utc(2026, 4, 13, 8, 30)),
                ("alice", utc(2026, 4, 13, 8, 30), utc(2026, 4, 13, 12)),
            ],
            id="fortnightly-spring-forward",
        ),
        pytest.param(
            make_layer(THREE, "1d", "09:30", date(2026, 3, 27)),
            utc(2026, 3, 27),
            utc(2026, 3, 31),
            [
                ("alice", utc(2026, 3, 27, 9, 30), utc(2026, 3, 28, 9, 30)),
                ("bob", utc(2026, 3, 28, 9, 30), utc(2026, 3, 29, 8, 30)),
                ("carol", utc(2026, 3, 29, 8, 30), utc(2026, 3, 30, 8, 30)),
                ("alice", utc(2026, 3, 30, 8, 30), utc(2026, 3, 31)),
            ],
            id="daily-spring-forward",
        ),
        pytest.param(
            make_layer(THREE, "1d", "09:30", date(2026, 10, 23)),
            utc(2026, 10, 23),
            utc(2026, 10, 27),
            [
                ("alice", utc(2026, 10, 23, 8, 30), utc(2026, 10, 24, 8, 30)),
                ("bob", utc(2026, 10, 24, 8, 30), utc(2026, 10, 25, 9, 30)),
                ("carol", utc(2026, 10, 25, 9, 30), utc(2026, 10, 26, 9, 30)),
                ("alice", utc(2026, 10, 26, 9, 30), utc(2026, 10, 27)),
            ],
            id="daily-fall-back",
        ),
        pytest.param(
            make_layer(ALICE_AND_BOB, "12h", "08:00", date(2026, 3, 28)),
            utc(2026, 3, 28),
            utc(2026, 3, 30),
            [
                ("alice", utc(2026, 3, 28, 8), utc(2026, 3, 28, 20)),
                ("bob", utc(2026, 3, 28, 20), utc(2026, 3, 29, 7)),  # an 11-hour night
                ("alice", utc(2026, 3, 29, 7), utc(2026, 3, 29, 19)),
                ("bob", utc(2026, 3, 29, 19), utc(2026, 3, 30)),
            ],
            id="twelve-hours-spring-forward",
        ),
        pytest.param(
            make_layer(ALICE_AND_BOB, "12h", "08:00", date(2026, 10, 24)),
            utc(2026, 10, 24),
            utc(2026, 10, 26),
            [
                ("alice", utc(2026, 10, 24, 7), utc(2026, 10, 24, 19)),
                ("bob", utc(2026, 10, 24, 19), utc(2026, 10, 25, 8)),  # a 13-hour night
                ("alice", utc(2026, 10, 25, 8), utc(2026, 10, 25, 20)),
                ("bob", utc(2026, 10, 25, 20), utc(2026, 10, 26)),
            ],
            id="twelve-hours-fall-back",
        ),
    ],
)
def test_handoff_stays_at_local_time_across_dst(layer, start, end, expected):
    assert stretches(schedule(make_rota(layer), [], start, end)) == expected


@pytest.mark.parametrize(
    ("layer", "start", "end", "expected"),
    [
        pytest.param(
            make_layer(THREE, "1d", "01:30", date(2026, 3, 27)),
            utc(2026, 3, 27),
            utc(2026, 3, 31),
            [
                ("alice", utc(2026, 3, 27, 1, 30), utc(2026, 3, 28, 1, 30)),
                # 01:30 does not exist on 29 March; the handoff happens at 02:30 BST.
                ("bob", utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30)),
                ("carol", utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)),
                ("alice", utc(2026, 3, 30, 0, 30), utc(2026, 3, 31)),
            ],
            id="daily",
        ),
        pytest.param(
            make_layer(ALICE_AND_BOB, "12h", "01:30", date(2026, 3, 28)),
            utc(2026, 3, 28),
            utc(2026, 3, 30),
            [
                ("alice", utc(2026, 3, 28, 1, 30), utc(2026, 3, 28, 13, 30)),
                ("bob", utc(2026, 3, 28, 13, 30), utc(2026, 3, 29, 1, 30)),
                ("alice", utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 12, 30)),
                ("bob", utc(2026, 3, 29, 12, 30), utc(2026, 3, 30)),
            ],
            id="twelve-hours",
        ),
        pytest.param(
            make_layer(ALICE_AND_BOB, "1w", "Sun 01:30", date(2026, 3, 22)),
            utc(2026, 3, 22),
            utc(2026, 4, 6),
            [
                ("alice", utc(2026, 3, 22, 1, 30), utc(2026, 3, 29, 1, 30)),
                ("bob", utc(2026, 3, 29, 1, 30), utc(2026, 4, 5, 0, 30)),
                ("alice", utc(2026, 4, 5, 0, 30), utc(2026, 4, 6)),
            ],
            id="weekly",
        ),
    ],
)
def test_a_handoff_in_the_spring_forward_gap_happens_just_after_the_jump(
    layer, start, end, expected
):
    assert stretches(schedule(make_rota(layer), [], start, end)) == expected


@pytest.mark.parametrize("shift", ["1h", "2h", "12h", "1d", "1w"])
@pytest.mark.parametrize(
    ("zone", "handoff", "start"),
    [
        pytest.param("Europe/London", "01:30", date(2026, 3, 27), id="london"),
        pytest.param("America/New_York", "02:30", date(2026, 3, 6), id="new-york"),
        pytest.param("Australia/Sydney", "02:30", date(2026, 10, 2), id="sydney"),
    ],
)
def test_handoffs_in_a_spring_forward_gap_never_overlap_or_run_backwards(
    zone, handoff, start, shift
):
    layer = make_layer(THREE, shift, f"{start:%a} {handoff}" if shift == "1w" else handoff, start)
    window_start = utc(start.year, start.month, start.day) - timedelta(days=1)
    segments = schedule(
        make_rota(layer, zone=zone), [], window_start, window_start + timedelta(days=9)
    )
    assert segments
    assert all(s.start < s.end for s in segments)
    assert all(a.end <= b.start for a, b in pairwise(segments))


def test_the_first_member_starts_at_the_start_dates_handoff_and_nobody_is_on_before():
    rota = make_rota(make_layer(THREE, "1d", "09:30", date(2026, 6, 10)))
    assert stretches(schedule(rota, [], utc(2026, 6, 9), utc(2026, 6, 11, 12))) == [
        ("alice", utc(2026, 6, 10, 8, 30), utc(2026, 6, 11, 8, 30)),
        ("bob", utc(2026, 6, 11, 8, 30), utc(2026, 6, 11, 12)),
    ]


def test_shifts_rotate_by_the_calendar_even_when_hours_leave_them_uncovered():
    # Daily shifts from Monday 1 June: Sat is carol's, Sun alice's, so Monday 8 June is bob's.
    rota = make_rota(
        make_layer(THREE, "1d", "09:30", date(2026, 6, 1)), hours=["Mon-Fri 09:30-17:30"]
    )
    mornings = [on_call_at(rota, [], london(2026, 6, day, 12)).person for day in range(1, 9)]
    assert mornings == ["alice", "bob", "carol", "alice", "bob", None, None, "bob"]


# --- covered hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "covered"),
    [
        pytest.param(london(2026, 6, 15, 9), False, id="monday-morning-follows-unwatched-sunday"),
        pytest.param(london(2026, 6, 15, 17, 29), False, id="monday-just-before-17:30"),
        pytest.param(london(2026, 6, 15, 17, 30), True, id="monday-17:30"),
        pytest.param(london(2026, 6, 16, 3), True, id="tuesday-03:00-is-monday-night"),
        pytest.param(london(2026, 6, 16, 9, 30), False, id="tuesday-09:30"),
        pytest.param(london(2026, 6, 19, 23), True, id="friday-night"),
        pytest.param(london(2026, 6, 20, 9), True, id="saturday-09:00-is-friday-night"),
        pytest.param(london(2026, 6, 20, 10), False, id="saturday-10:00"),
        pytest.param(london(2026, 6, 21, 23), False, id="sunday-night"),
    ],
)
def test_overnight_hours_belong_to_the_day_they_start(at, covered):
    rota = make_rota(make_layer(["alice"]), hours=["Mon-Fri 17:30-09:30"])
    assert (on_call_at(rota, [], at).person is not None) is covered


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(
            utc(2026, 3, 28, 12),
            utc(2026, 3, 29, 12),
            [("alice", utc(2026, 3, 28, 22), utc(2026, 3, 29, 5))],
            id="spring-forward-night-is-7-hours",
        ),
        pytest.param(
            utc(2026, 10, 24, 12),
            utc(2026, 10, 25, 12),
            [("alice", utc(2026, 10, 24, 21), utc(2026, 10, 25, 6))],
            id="fall-back-night-is-9-hours",
        ),
    ],
)
def test_overnight_hours_keep_their_local_times_across_a_dst_night(start, end, expected):
    rota = make_rota(make_layer(["alice"]), hours=["Daily 22:00-06:00"])
    assert stretches(schedule(rota, [], start, end)) == expected


def test_a_layers_own_hours_only_narrow_the_rotas_hours():
    layer = make_layer(["alice"], hours=["Mon-Fri 12:00-20:00"])
    rota = make_rota(layer, hours=["Mon-Fri 09:00-17:00"])
    assert stretches(schedule(rota, [], utc(2026, 6, 15), utc(2026, 6, 16))) == [
        ("alice", london(2026, 6, 15, 12), london(2026, 6, 15, 17)),
    ]


def test_whole_day_hours_join_with_overnight_hours_into_one_stretch():
    rota = make_rota(make_layer(["alice"]), hours=["Mon-Fri 17:30-09:30", "Sat-Sun 00:00-24:00"])
    assert stretches(schedule(rota, [], london(2026, 6, 19), utc(2026, 6, 23))) == [
        ("alice", london(2026, 6, 19), london(2026, 6, 19, 9, 30)),
        ("alice", london(2026, 6, 19, 17, 30), london(2026, 6, 22)),  # Sunday night is not watched
        ("alice", london(2026, 6, 22, 17, 30), utc(2026, 6, 23)),
    ]


# --- holidays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "day", "worked"),
    [
        pytest.param("GB-ENG", date(2026, 12, 24), True, id="england-christmas-eve"),
        pytest.param("GB-ENG", date(2026, 12, 25), False, id="england-christmas-day"),
        pytest.param("GB-ENG", date(2026, 12, 28), False, id="england-boxing-day-substitute"),
        pytest.param("GB-ENG", date(2026, 12, 29), True, id="england-29-december"),
        pytest.param("GB-ENG", date(2026, 1, 2), True, id="england-2-january"),
        pytest.param("GB-ENG", date(2026, 4, 6), False, id="england-easter-monday"),
        pytest.param("GB-ENG", date(2026, 8, 31), False, id="england-august-bank-holiday"),
        pytest.param("GB-ENG", date(2026, 11, 30), True, id="england-st-andrews-day"),
        pytest.param("GB-SCT", date(2026, 12, 25), False, id="scotland-christmas-day"),
        pytest.param("GB-SCT", date(2026, 12, 28), False, id="scotland-boxing-day-substitute"),
        pytest.param("GB-SCT", date(2026, 1, 2), False, id="scotland-2-january"),
        pytest.param("GB-SCT", date(2026, 4, 6), True, id="scotland-easter-monday"),
        pytest.param("GB-SCT", date(2026, 8, 3), False, id="scotland-august-bank-holiday"),
        pytest.param("GB-SCT", date(2026, 8, 31), True, id="scotland-31-august"),
        pytest.param("GB-SCT", date(2026, 11, 30), False, id="scotland-st-andrews-day"),
        pytest.param(
            HolidayCalendar(None, [date(2026, 7, 17)]), date(2026, 7, 17), False, id="team-day-off"
        ),
    ],
)
def test_skip_holidays_follows_the_teams_own_calendar(calendar, day, worked):
    layer = make_layer(["alice"], start=date(2025, 1, 6))
    rota = make_rota(layer, hours=["Mon-Fri 09:30-17:30"], holidays=calendar)
    at = london(day.year, day.month, day.day, 12)
    assert (on_call_at(rota, [], at).person is not None) is worked


@pytest.mark.parametrize(
    ("calendar", "at", "gap_start", "gap_end"),
    [
        pytest.param(
            HolidayCalendar("GB-ENG"),
            london(2026, 8, 31, 12),
            utc(2026, 8, 30, 23),
            utc(2026, 8, 31, 23),
            id="bank-holiday-in-summer-time",
        ),
        pytest.param(
            HolidayCalendar("GB-ENG"),
            london(2026, 4, 3, 12),
            utc(2026, 4, 2, 23),
            utc(2026, 4, 3, 23),
            id="good-friday-after-the-clocks-change",
        ),
        pytest.param(
            HolidayCalendar(None, [date(2026, 1, 14)]),
            london(2026, 1, 14, 12),
            utc(2026, 1, 14),
            utc(2026, 1, 15),
            id="team-day-off-in-winter-time",
        ),
    ],
)
def test_a_bank_holiday_takes_the_whole_local_day_off(calendar, at, gap_start, gap_end):
    rota = make_rota(make_layer(ALICE_AND_BOB), holidays=calendar)
    assert on_call_at(rota, [], at) == OnCallNow(None, gap_start, gap_end, None)


def test_a_bank_holiday_cuts_overnight_hours_at_its_midnights():
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April are English bank holidays.
    layer = make_layer(["alice"], start=date(2026, 3, 2))
    rota = make_rota(layer, hours=["Mon-Fri 17:30-09:30"], holidays="GB-ENG")
    assert stretches(schedule(rota, [], london(2026, 4, 2), london(2026, 4, 7))) == [
        ("alice", london(2026, 4, 2), london(2026, 4, 2, 9, 30)),
        ("alice", london(2026, 4, 2, 17, 30), london(2026, 4, 3)),
        # Good Friday's night goes on into Saturday, which is not a holiday.
        ("alice", london(2026, 4, 4), london(2026, 4, 4, 9, 30)),
    ]


def test_bank_holidays_are_worked_when_the_rota_does_not_skip_them():
    rota = replace(
        make_rota(make_layer(["alice"]), hours=["Mon-Fri 09:30-17:30"], holidays="GB-ENG"),
        skip_holidays=False,
    )
    assert on_call_at(rota, [], london(2026, 12, 25, 12)).person == "alice"


# --- layers -----------------------------------------------------------------------------------

WEEKDAYS_THEN_WEEKENDS = (
    make_layer(ALICE_AND_BOB, "1w", "Mon 09:30", date(2026, 6, 1)),
    make_layer(["carol"], hours=["Sat-Sun 00:00-24:00"]),
    make_layer(["dan"], hours=["Sat 12:00-14:00"]),
)


@pytest.mark.parametrize(
    ("layers", "at", "person"),
    [
        pytest.param(WEEKDAYS_THEN_WEEKENDS, london(2026, 6, 10, 12), "bob", id="weekday-base"),
        pytest.param(WEEKDAYS_THEN_WEEKENDS, london(2026, 6, 20, 9), "carol", id="weekend-layer"),
        pytest.param(WEEKDAYS_THEN_WEEKENDS, london(2026, 6, 20, 13), "dan", id="last-layer"),
        pytest.param(WEEKDAYS_THEN_WEEKENDS, london(2026, 6, 20, 14), "carol", id="after-last"),
        pytest.param(
            WEEKDAYS_THEN_WEEKENDS[::-1], london(2026, 6, 20, 13), "alice", id="base-listed-last"
        ),
    ],
)
def test_the_later_layer_wins_where_layers_overlap(layers, at, person):
    assert on_call_at(make_rota(*layers), [], at).person == person


def test_a_layer_stops_at_its_end_dates_handoff_and_the_layer_beneath_shows_through():
    rota = make_rota(
        make_layer(["carol"]),
        make_layer(ALICE_AND_BOB, start=date(2026, 3, 2), end=date(2026, 3, 16)),
    )
    assert stretches(schedule(rota, [], utc(2026, 3, 1), utc(2026, 3, 20))) == [
        ("carol", utc(2026, 3, 1), utc(2026, 3, 2, 9, 30)),
        ("alice", utc(2026, 3, 2, 9, 30), utc(2026, 3, 9, 9, 30)),
        ("bob", utc(2026, 3, 9, 9, 30), utc(2026, 3, 16, 9, 30)),
        ("carol", utc(2026, 3, 16, 9, 30), utc(2026, 3, 20)),
    ]


def test_adjacent_stretches_of_the_same_person_are_merged_across_shifts_and_layers():
    rota = make_rota(
        make_layer(["alice", "alice", "bob"], start=date(2026, 6, 1)),
        make_layer(["alice"], hours=["Sat-Sun 00:00-24:00"]),
    )
    segments = schedule(rota, [], utc(2026, 6, 1), utc(2026, 6, 22))
    assert [(s.person, s.start, s.end, s.source) for s in segments] == [
        ("alice", london(2026, 6, 1, 9, 30), london(2026, 6, 15, 9, 30), LAYER),
        ("bob", london(2026, 6, 15, 9, 30), london(2026, 6, 20), LAYER),
        ("alice", london(2026, 6, 20), london(2026, 6, 22), LAYER),
        ("bob", london(2026, 6, 22), utc(2026, 6, 22), LAYER),
    ]


# --- empty rotas and windows ------------------------------------------------------------------


@pytest.mark.parametrize(
    "rota",
    [
        pytest.param(make_rota(), id="no-layers"),
        pytest.param(make_rota(make_layer([])), id="a-layer-with-no-members"),
        pytest.param(
            make_rota(
                make_layer([]), make_layer([]), hours=["Mon-Fri 09:30-17:30"], holidays="GB-ENG"
            ),
            id="empty-layers-with-hours-and-holidays",
        ),
    ],
)
def test_an_empty_rota_has_nobody_on_call_and_raises_nothing(rota):
    assert schedule(rota, [], utc(2026, 1, 1), utc(2026, 12, 31)) == []
    assert on_call_at(rota, [], utc(2026, 6, 1)) == OnCallNow(None, None, None, None)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(utc(2026, 6, 1), utc(2026, 6, 1), id="empty"),
        pytest.param(utc(2026, 6, 2), utc(2026, 6, 1), id="backwards"),
    ],
)
def test_an_empty_or_backwards_window_has_no_segments(start, end):
    assert schedule(make_rota(make_layer(["alice"])), [], start, end) == []


# --- on_call_at bounds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rota", "at", "expected"),
    [
        pytest.param(
            make_rota(make_layer(ALICE_AND_BOB, start=date(2026, 6, 1))),
            london(2026, 6, 10, 12),
            OnCallNow("bob", london(2026, 6, 8, 9, 30), london(2026, 6, 15, 9, 30), LAYER),
            id="weekly-shift",
        ),
        pytest.param(
            make_rota(
                make_layer(ALICE_AND_BOB, start=date(2026, 6, 1)), hours=["Mon-Fri 09:30-17:30"]
            ),
            london(2026, 6, 10, 12),
            OnCallNow("bob", london(2026, 6, 10, 9, 30), london(2026, 6, 10, 17, 30), LAYER),
            id="in-hours-day",
        ),
        pytest.param(
            make_rota(
                make_layer(ALICE_AND_BOB, start=date(2026, 6, 1)), hours=["Mon-Fri 09:30-17:30"]
            ),
            london(2026, 6, 13, 12),
            OnCallNow(None, london(2026, 6, 12, 17, 30), london(2026, 6, 15, 9, 30), None),
            id="weekend-gap",
        ),
        pytest.param(
            make_rota(make_layer(["alice"], start=date(2026, 6, 1))),
            london(2026, 6, 10, 12),
            OnCallNow("alice", london(2026, 6, 1, 9, 30), None, LAYER),
            id="sole-member-has-no-end-in-sight",
        ),
        pytest.param(
            make_rota(make_layer(["alice"], start=date(2024, 1, 1))),
            london(2026, 6, 10, 12),
            OnCallNow("alice", None, None, LAYER),
            id="sole-member-since-beyond-the-horizon",
        ),
        pytest.param(
            make_rota(make_layer(ALICE_AND_BOB, start=date(2026, 7, 6))),
            london(2026, 6, 10, 12),
            OnCallNow(None, None, london(2026, 7, 6, 9, 30), None),
            id="before-the-first-shift",
        ),
        pytest.param(
            make_rota(make_layer(ALICE_AND_BOB, start=date(2026, 1, 5), end=date(2026, 5, 4))),
            london(2026, 6, 10, 12),
            OnCallNow(None, london(2026, 5, 4, 9, 30), None, None),
            id="after-the-layer-ended",
        ),
        pytest.param(
            make_rota(make_layer(ALICE_AND_BOB, start=date(2027, 9, 6))),
            london(2026, 6, 10, 12),
            OnCallNow(None, None, None, None),
            id="first-shift-beyond-the-horizon",
        ),
    ],
)
def test_on_call_at_bounds_the_current_stretch_or_gap(rota, at, expected):
    assert on_call_at(rota, [], at) == expected


def test_on_call_at_an_exact_handoff_names_the_incoming_person():
    rota = make_rota(make_layer(ALICE_AND_BOB, start=date(2026, 6, 1)))
    assert on_call_at(rota, [], london(2026, 6, 8, 9, 30)).person == "bob"


# --- instants in and out ----------------------------------------------------------------------


def test_instants_in_any_zone_come_out_in_utc():
    rota = make_rota(make_layer(ALICE_AND_BOB, start=date(2026, 6, 1)))
    in_london = london(2026, 6, 10, 12).astimezone(LONDON)
    now = on_call_at(rota, [], in_london)
    assert (now.start, now.end) == (utc(2026, 6, 8, 8, 30), utc(2026, 6, 15, 8, 30))
    assert now.start.tzinfo is UTC
    segments = schedule(rota, [], in_london, in_london + timedelta(hours=1))
    assert [(s.start.tzinfo, s.end.tzinfo) for s in segments] == [(UTC, UTC)]
    assert segments[0].start == in_london


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda rota: on_call_at(rota, [], datetime(2026, 6, 10, 12)),
            "at must be an aware datetime, not naive 2026-06-10T12:00:00",
            id="on-call-at",
        ),
        pytest.param(
            lambda rota: schedule(rota, [], datetime(2026, 6, 10), utc(2026, 6, 11)),
            "start must be an aware datetime, not naive 2026-06-10T00:00:00",
            id="schedule",
        ),
        pytest.param(
            lambda rota: on_call_at(
                rota,
                [make_override("carol", datetime(2026, 6, 10), utc(2026, 6, 11))],
                utc(2026, 6, 10),
            ),
            "override start must be an aware datetime, not naive 2026-06-10T00:00:00",
            id="override",
        ),
    ],
)
def test_a_naive_datetime_is_refused_rather_than_read_as_server_time(call, message):
    with pytest.raises(ValueError) as raised:
        call(make_rota(make_layer(ALICE_AND_BOB)))
    assert str(raised.value) == message
