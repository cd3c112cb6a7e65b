"""Choosing a layer's order: tables of cases, and properties (nobody is placed on a declared
holiday when some order avoids it; the suggestion is never worse than the current order)."""

from __future__ import annotations

from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.fairness.ordering import Slot, best_order, clashes_of, loads_of, score_of

WEEK = Slot(hours=168, out_of_hours=128)
CHRISTMAS = Slot(hours=168, out_of_hours=152)


def test_an_even_quarter_keeps_the_current_order():
    order, score = best_order(("a", "b", "c"), [WEEK] * 6, {}, {})
    assert order == ("a", "b", "c")
    assert (score.clashes, score.spread_out_of_hours, score.moved) == (0, 0.0, 0)


def test_the_extra_shift_goes_to_whoever_carries_least():
    # Seven weeks for three people: someone takes three. Carried load decides who.
    order, score = best_order(("a", "b", "c"), [WEEK] * 7, {}, {"a": 200.0, "b": 0.0, "c": 100.0})
    assert order[0] == "b"
    loads = loads_of(order, [WEEK] * 7, {}, {"a": 200.0, "b": 0.0, "c": 100.0})
    assert dict(loads.out_of_hours) == {"a": 456.0, "b": 384.0, "c": 356.0}
    assert score.spread_out_of_hours == 100.0


def test_nobody_is_placed_on_their_holiday():
    slots = [WEEK, Slot(168, 128, frozenset({"a"})), WEEK]
    order, score = best_order(("a", "b", "c"), slots, {}, {})
    assert score.clashes == 0
    assert order[1] != "a"


def test_a_holiday_no_order_avoids_is_a_clash_to_override():
    slots = [Slot(168, 128, frozenset({"a", "b"}))]
    order, score = best_order(("a", "b"), slots, {}, {})
    assert score.clashes == 1
    assert clashes_of(order, slots) == [0]


@pytest.mark.parametrize("size", [9, 10])
def test_large_layers_are_searched_not_enumerated(size):
    people = tuple(f"p{i}" for i in range(size))
    carried = {p: float(i * 10) for i, p in enumerate(people)}
    slots = [WEEK] * (size + 3)
    order, score = best_order(people, slots, {}, carried)
    current = score_of(people, people, slots, {}, carried)
    assert score <= current
    # The extra shifts go to the three who carry least.
    assert set(order[:3]) == {"p0", "p1", "p2"}


people_st = st.lists(st.sampled_from("abcdef"), min_size=2, max_size=6, unique=True)


@st.composite
def quarters(draw):
    people = tuple(draw(people_st))
    count = draw(st.integers(min_value=1, max_value=14))
    slots = [
        Slot(
            hours=168.0,
            out_of_hours=draw(st.sampled_from([0.0, 104.0, 128.0, 152.0])),
            away=frozenset(draw(st.sets(st.sampled_from(people), max_size=2))),
        )
        for _ in range(count)
    ]
    carried = {p: float(draw(st.integers(0, 300))) for p in people}
    return people, slots, carried


@settings(max_examples=150, deadline=None)
@given(quarters())
def test_nobody_is_placed_on_a_declared_holiday_when_any_order_avoids_it(quarter):
    people, slots, carried = quarter
    order, score = best_order(people, slots, {}, carried)
    fewest = min(len(clashes_of(o, slots)) for o in permutations(people))
    assert score.clashes == fewest == len(clashes_of(order, slots))
    if fewest == 0:
        assert all(order[k % len(order)] not in slot.away for k, slot in enumerate(slots))


@settings(max_examples=150, deadline=None)
@given(quarters())
def test_the_suggestion_is_a_reordering_never_worse_than_the_current_order(quarter):
    people, slots, carried = quarter
    order, score = best_order(people, slots, {}, carried)
    assert sorted(order) == sorted(people)
    assert score <= score_of(people, people, slots, {}, carried)
