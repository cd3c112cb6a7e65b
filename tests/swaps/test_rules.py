"""The pure swap rules: who holds a window, how long windows are, whether they overlap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.rotas.oncall import LAYER, OVERRIDE, Segment
from dutydesk.swaps.rules import Stretch, held_by, length_text, not_held, overlaps


def at(hour: int, minute: int = 0) -> datetime:
    """An instant on Thursday 2026-01-15, UTC."""
    return datetime(2026, 1, 15, hour, minute, tzinfo=UTC)


# bob 09:30-12:00 (layer), carol 12:00-13:00 (override), bob 13:00-17:30 (layer)
DAY = [
    Segment("bob", at(9, 30), at(12), LAYER),
    Segment("carol", at(12), at(13), OVERRIDE),
    Segment("bob", at(13), at(17, 30), LAYER),
]


@pytest.mark.parametrize(
    ("person", "start", "end", "expected"),
    [
        ("bob", at(10), at(12), []),
        ("bob", at(9, 30), at(12), []),
        ("bob", at(13), at(17, 30), []),
        ("bob", at(11), at(14), [Stretch("carol", at(12), at(13))]),
        ("bob", at(9), at(10), [Stretch(None, at(9), at(9, 30))]),
        ("bob", at(17), at(18), [Stretch(None, at(17, 30), at(18))]),
        ("carol", at(12), at(13), []),
        (
            "carol",
            at(11),
            at(14),
            [Stretch("bob", at(11), at(12)), Stretch("bob", at(13), at(14))],
        ),
        ("alice", at(20), at(21), [Stretch(None, at(20), at(21))]),
    ],
    ids=[
        "inside one shift",
        "exactly one shift",
        "the afternoon",
        "someone else's override in the middle",
        "before covered hours",
        "after covered hours",
        "an override holds its own window",
        "either side of an override",
        "nobody at night",
    ],
)
def test_not_held_lists_who_holds_the_rest(person, start, end, expected):
    assert not_held(DAY, person, start, end) == expected


def test_a_layer_shift_joined_by_the_same_persons_override_is_held_whole():
    segments = [
        Segment("bob", at(9, 30), at(12), LAYER),
        Segment("bob", at(12), at(20), OVERRIDE),
    ]
    assert not_held(segments, "bob", at(10), at(19)) == []


def test_neighbouring_gaps_of_the_same_person_are_joined():
    segments = [Segment("carol", at(9), at(10), LAYER), Segment("carol", at(10), at(11), OVERRIDE)]
    assert not_held(segments, "bob", at(9), at(11)) == [Stretch("carol", at(9), at(11))]


def test_held_by_lists_only_the_persons_parts_clipped_to_the_window():
    assert held_by(DAY, "carol", at(11), at(12, 30)) == [Stretch("carol", at(12), at(12, 30))]
    assert held_by(DAY, "alice", at(9), at(18)) == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((at(9), at(10)), (at(10), at(11)), False),
        ((at(9), at(10)), (at(9, 59), at(11)), True),
        ((at(9), at(12)), (at(10), at(11)), True),
        ((at(10), at(11)), (at(8), at(9)), False),
    ],
    ids=["touching", "one minute shared", "one inside the other", "apart"],
)
def test_overlaps_shares_an_instant(a, b, expected):
    assert overlaps(*a, *b) is expected


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (timedelta(hours=8), "8h"),
        (timedelta(hours=7, minutes=30), "7h 30m"),
        (timedelta(days=1, hours=2), "1d 2h"),
        (timedelta(seconds=45), "45s"),
        (timedelta(0), "0m"),
    ],
)
def test_length_text_reads_like_a_duration(length, text):
    assert length_text(length) == text
