"""What the on-call maths works out once and keeps: it must never change an answer.

A rota's unchanging facts are kept on its plan, covered hours converted to UTC are kept per
local day and zone, and the search for a stretch's bounds starts 12 hours either side.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dutydesk.rotas.oncall import LAYER, OnCallNow, on_call_at
from tests.rotas.plans import london, make_layer, make_rota, utc

OFFICE = "Mon-Fri 09:00-17:00"


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        # The same hours on the same day are different instants in London and New York; asked
        # one after the other, neither zone's kept days may answer for the other.
        (
            "Europe/London",
            utc(2026, 6, 17, 14),
            ("alice", utc(2026, 6, 17, 8), utc(2026, 6, 17, 16)),
        ),
        (
            "America/New_York",
            utc(2026, 6, 17, 14),
            ("alice", utc(2026, 6, 17, 13), utc(2026, 6, 17, 21)),
        ),
        ("Europe/London", utc(2026, 6, 17, 20), (None, utc(2026, 6, 17, 16), utc(2026, 6, 18, 8))),
        (
            "America/New_York",
            utc(2026, 6, 17, 20),
            ("alice", utc(2026, 6, 17, 13), utc(2026, 6, 17, 21)),
        ),
        # Winter: London on GMT, New York on EST.
        (
            "Europe/London",
            utc(2026, 1, 14, 12),
            ("alice", utc(2026, 1, 14, 9), utc(2026, 1, 14, 17)),
        ),
        (
            "America/New_York",
            utc(2026, 1, 14, 15),
            ("alice", utc(2026, 1, 14, 14), utc(2026, 1, 14, 22)),
        ),
    ],
)
def test_the_same_covered_hours_in_two_zones_keep_their_own_instants(zone, at, expected):
    rota = make_rota(make_layer(["alice"]), hours=[OFFICE], zone=zone)
    person, start, end = expected
    assert on_call_at(rota, [], at) == OnCallNow(person, start, end, LAYER if person else None)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # A weeknight: 16 hours, longer than the first look either side.
        (london(2026, 6, 17, 20), (london(2026, 6, 17, 17, 30), london(2026, 6, 18, 9, 30))),
        # A weekend: Friday evening to Monday's midnight (Sunday's night hours are not covered),
        # 54.5 hours in one stretch.
        (london(2026, 6, 20, 12), (london(2026, 6, 19, 17, 30), london(2026, 6, 22))),
        # The weekend the clocks go back: one hour longer.
        (london(2026, 10, 24, 12), (london(2026, 10, 23, 17, 30), london(2026, 10, 26))),
    ],
)
def test_a_stretch_longer_than_the_first_search_window_is_bounded_in_full(at, expected):
    rota = make_rota(make_layer(["alice"]), hours=["Mon-Fri 17:30-09:30", "Sat-Sun 00:00-24:00"])
    start, end = expected
    assert on_call_at(rota, [], at) == OnCallNow("alice", start, end, LAYER)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Hourly handoffs on the night the clocks go back (01:00 BST = 00:00 UTC): the shift
        # that starts at local 01:00 runs through the repeated hour until local 02:00 GMT.
        (utc(2026, 10, 24, 23, 30), ("alice", utc(2026, 10, 24, 23), utc(2026, 10, 25, 0))),
        (utc(2026, 10, 25, 0, 30), ("bob", utc(2026, 10, 25, 0), utc(2026, 10, 25, 2))),
        (utc(2026, 10, 25, 1, 30), ("bob", utc(2026, 10, 25, 0), utc(2026, 10, 25, 2))),
        (utc(2026, 10, 25, 2, 30), ("carol", utc(2026, 10, 25, 2), utc(2026, 10, 25, 3))),
    ],
)
def test_hourly_shifts_through_the_repeated_hour(at, expected):
    rota = make_rota(make_layer(["alice", "bob", "carol"], "1h", "00:00", date(2026, 10, 25)))
    person, start, end = expected
    assert on_call_at(rota, [], at) == OnCallNow(person, start, end, LAYER)


def test_a_changed_copy_of_an_asked_plan_answers_for_its_own_layers():
    rota = make_rota(make_layer(["alice", "bob"]))
    at = utc(2026, 6, 17, 12)
    assert on_call_at(rota, [], at).person == "bob"
    changed = replace(rota, layers=(make_layer(["carol"]),))
    assert on_call_at(changed, [], at).person == "carol"
    assert on_call_at(rota, [], at).person == "bob"


def test_asking_a_plan_leaves_it_equal_to_a_fresh_one():
    asked, fresh = make_rota(make_layer(["alice"])), make_rota(make_layer(["alice"]))
    on_call_at(asked, [], utc(2026, 6, 17, 12))
    assert asked == fresh
    assert hash(asked) == hash(fresh)
