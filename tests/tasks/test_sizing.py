"""Which sizes fit the time left: S needs an hour, M four, L more than four; unsized fits any
time left, and nothing fits in none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutydesk.tasks.sizing import size_fits, sizes_that_fit

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("time_left", "fitting"),
    [
        (timedelta(0), ()),
        (-H, ()),
        (timedelta(minutes=59), ()),
        (H, ("S",)),
        (3.5 * H, ("S",)),
        (4 * H, ("S", "M")),
        (4 * H + timedelta(minutes=1), ("S", "M", "L")),
        (8 * H, ("S", "M", "L")),
    ],
)
def test_the_sizes_that_fit_the_time_left(time_left, fitting):
    assert sizes_that_fit(time_left) == fitting


@pytest.mark.parametrize(
    ("time_left", "fits"), [(timedelta(minutes=1), True), (timedelta(0), False), (-H, False)]
)
def test_an_unsized_task_fits_any_time_left_but_none(time_left, fits):
    assert size_fits(None, time_left) is fits


@given(st.integers(min_value=0, max_value=24 * 60), st.integers(min_value=0, max_value=24 * 60))
def test_more_time_never_fits_fewer_sizes(a, b):
    shorter, longer = sorted((timedelta(minutes=a), timedelta(minutes=b)))
    assert set(sizes_that_fit(shorter)) <= set(sizes_that_fit(longer))
