"""Overrides: absolute, across handoffs, outside hours, on holidays, and over each other."""

from __future__ import annotations

from datetime import date

import pytest

from dutydesk.rotas.oncall import LAYER, OVERRIDE, OnCallNow, on_call_at, schedule
from tests.rotas.plans import london, make_layer, make_override, make_rota, utc

WEEKLY = make_layer(("alice", "bob"), "1w", "Mon 09:30", date(2026, 6, 1))
IN_HOURS = make_rota(WEEKLY, hours=["Mon-Fri 09:30-17:30"], holidays="GB-ENG")


def parts(segments):
    return [(s.person, s.start, s.end, s.source) for s in segments]


def test_an_override_across_a_handoff_is_one_stretch_and_the_next_shift_resumes_after_it():
    cover = make_override("carol", london(2026, 6, 7, 12), london(2026, 6, 9, 12))
    segments = schedule(make_rota(WEEKLY), [cover], london(2026, 6, 7), london(2026, 6, 10))
    assert parts(segments) == [
        ("alice", london(2026, 6, 7), london(2026, 6, 7, 12), LAYER),
        ("carol", london(2026, 6, 7, 12), london(2026, 6, 9, 12), OVERRIDE),
        ("bob", london(2026, 6, 9, 12), london(2026, 6, 10), LAYER),
    ]


@pytest.mark.parametrize(
    ("rota", "start", "end"),
    [
        pytest.param(IN_HOURS, london(2026, 6, 13, 10), london(2026, 6, 13, 16), id="weekend"),
        pytest.param(IN_HOURS, london(2026, 6, 10, 20), london(2026, 6, 11, 7), id="overnight"),
        pytest.param(IN_HOURS, london(2026, 12, 25, 10), london(2026, 12, 25, 16), id="christmas"),
        pytest.param(make_rota(), london(2026, 6, 10, 10), london(2026, 6, 10, 16), id="no-layers"),
        pytest.param(
            make_rota(make_layer([])),
            london(2026, 6, 10, 10),
            london(2026, 6, 10, 16),
            id="no-members",
        ),
        pytest.param(
            make_rota(make_layer(["alice"], start=date(2027, 1, 4))),
            london(2026, 6, 10, 10),
            london(2026, 6, 10, 16),
            id="before-the-layer-starts",
        ),
    ],
)
def test_an_override_applies_when_the_rota_has_nobody(rota, start, end):
    cover = make_override("carol", start, end)
    midway = start + (end - start) / 2
    assert on_call_at(rota, [cover], midway) == OnCallNow("carol", start, end, OVERRIDE)
    assert parts(schedule(rota, [cover], start, end)) == [("carol", start, end, OVERRIDE)]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            [("carol", 10, 14), ("dan", 12, 16)],
            [("carol", 10, 12), ("dan", 12, 16)],
            id="later-overlapping-wins",
        ),
        pytest.param(
            [("carol", 10, 16), ("dan", 12, 14)],
            [("carol", 10, 12), ("dan", 12, 14), ("carol", 14, 16)],
            id="later-inside-earlier-interrupts-it",
        ),
        pytest.param(
            [("dan", 12, 14), ("carol", 10, 16)],
            [("carol", 10, 16)],
            id="later-covering-earlier-hides-it",
        ),
        pytest.param(
            [("carol", 10, 12), ("carol", 12, 14)],
            [("carol", 10, 14)],
            id="touching-same-person-merge",
        ),
        pytest.param(
            [("carol", 10, 12), ("dan", 12, 14), ("erin", 11, 13)],
            [("carol", 10, 11), ("erin", 11, 13), ("dan", 13, 14)],
            id="three-deep",
        ),
    ],
)
def test_among_overlapping_overrides_the_later_one_wins(overrides, expected):
    plans = [
        make_override(p, london(2026, 6, 10, a), london(2026, 6, 10, b)) for p, a, b in overrides
    ]
    segments = schedule(make_rota(), plans, london(2026, 6, 10), london(2026, 6, 11))
    assert parts(segments) == [
        (p, london(2026, 6, 10, a), london(2026, 6, 10, b), OVERRIDE) for p, a, b in expected
    ]


def test_an_override_for_the_person_already_on_call_is_still_its_own_stretch():
    cover = make_override("bob", london(2026, 6, 10, 12), london(2026, 6, 10, 13))
    segments = schedule(IN_HOURS, [cover], london(2026, 6, 10), london(2026, 6, 11))
    assert parts(segments) == [
        ("bob", london(2026, 6, 10, 9, 30), london(2026, 6, 10, 12), LAYER),
        ("bob", london(2026, 6, 10, 12), london(2026, 6, 10, 13), OVERRIDE),
        ("bob", london(2026, 6, 10, 13), london(2026, 6, 10, 17, 30), LAYER),
    ]
    assert on_call_at(IN_HOURS, [cover], london(2026, 6, 10, 12, 30)).source == OVERRIDE


def test_an_override_is_clipped_to_the_window_and_a_backwards_one_is_ignored():
    overrides = [
        make_override("carol", utc(2026, 6, 9), utc(2026, 6, 12)),
        make_override("dan", utc(2026, 6, 10, 14), utc(2026, 6, 10, 13)),
    ]
    segments = schedule(make_rota(), overrides, utc(2026, 6, 10), utc(2026, 6, 11))
    assert parts(segments) == [("carol", utc(2026, 6, 10), utc(2026, 6, 11), OVERRIDE)]


def test_on_call_at_after_an_override_bounds_the_gap_by_its_end():
    cover = make_override("carol", london(2026, 6, 13, 10), london(2026, 6, 13, 16))
    now = on_call_at(IN_HOURS, [cover], london(2026, 6, 13, 18))
    assert now == OnCallNow(None, london(2026, 6, 13, 16), london(2026, 6, 15, 9, 30), None)
