"""Half-open intervals: merge, intersect and subtract (hours stand in for instants)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.hours.intervals import intersect, merge, subtract

MIDNIGHT = datetime(2026, 6, 1, tzinfo=UTC)


def spans(*pairs):
    """Intervals written as hours of one day: spans((9, 17)) is 09:00-17:00."""
    return [(MIDNIGHT + timedelta(hours=a), MIDNIGHT + timedelta(hours=b)) for a, b in pairs]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param([], [], id="nothing"),
        pytest.param([(9, 12), (1, 3)], [(1, 3), (9, 12)], id="sorted"),
        pytest.param([(9, 12), (11, 14)], [(9, 14)], id="overlapping-join"),
        pytest.param([(9, 12), (12, 14)], [(9, 14)], id="touching-join"),
        pytest.param([(9, 18), (10, 11)], [(9, 18)], id="inside-absorbed"),
        pytest.param([(9, 9), (12, 10)], [], id="empty-and-backwards-dropped"),
    ],
)
def test_merge_sorts_and_joins(given, expected):
    assert merge(spans(*given)) == spans(*expected)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        pytest.param([(9, 17)], [(12, 20)], [(12, 17)], id="overlap"),
        pytest.param([(9, 12)], [(12, 15)], [], id="touching-is-not-overlapping"),
        pytest.param([(0, 24)], [(1, 2), (5, 6)], [(1, 2), (5, 6)], id="many-inside-one"),
        pytest.param([(1, 4), (6, 9)], [(3, 7)], [(3, 4), (6, 7)], id="one-across-two"),
        pytest.param([], [(1, 2)], [], id="empty-side"),
    ],
)
def test_intersect_keeps_what_both_cover(left, right, expected):
    assert intersect(spans(*left), spans(*right)) == spans(*expected)
    assert intersect(spans(*right), spans(*left)) == spans(*expected)


@pytest.mark.parametrize(
    ("base", "holes", "expected"),
    [
        pytest.param([(9, 17)], [(12, 13)], [(9, 12), (13, 17)], id="hole-in-the-middle"),
        pytest.param([(9, 17)], [(8, 10), (16, 18)], [(10, 16)], id="holes-over-both-ends"),
        pytest.param([(9, 12), (13, 17)], [(11, 14)], [(9, 11), (14, 17)], id="hole-across-two"),
        pytest.param([(9, 17)], [(0, 24)], [], id="all-gone"),
        pytest.param([(9, 17)], [], [(9, 17)], id="no-holes"),
        pytest.param([(1, 2), (5, 6)], [(3, 4)], [(1, 2), (5, 6)], id="hole-between"),
    ],
)
def test_subtract_leaves_what_the_holes_miss(base, holes, expected):
    assert subtract(spans(*base), spans(*holes)) == spans(*expected)
