"""The load maths: tables of cases and properties of the fairness index and the report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutydesk.fairness.load import (
    PageSent,
    PeriodCalendar,
    Stretch,
    SwapDone,
    expected_out_of_hours,
    jain_index,
    layer_shares,
    load_report,
    overlap,
    spread,
)

H = timedelta(hours=1)
T0 = datetime(2026, 4, 6, 0, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    return T0 + hours * H


@pytest.mark.parametrize(
    ("values", "index"),
    [
        ([], 1.0),
        ([0, 0, 0], 1.0),
        ([5, 5, 5, 5], 1.0),
        ([1, 0], 0.5),
        ([1, 0, 0, 0], 0.25),
        ([2, 1], 0.9),
        ([3, 1], 0.8),
    ],
)
def test_jain_index(values, index):
    assert jain_index(values) == pytest.approx(index)


@pytest.mark.parametrize(("values", "expected"), [([], 0.0), ([4.0], 0.0), ([1.0, 7.5, 3.0], 6.5)])
def test_spread(values, expected):
    assert spread(values) == expected


@pytest.mark.parametrize(
    ("stretches", "windows", "hours"),
    [
        ([(0, 24)], [(9, 17)], 8),
        ([(0, 10)], [(9, 17)], 1),
        ([(0, 5), (20, 40)], [(9, 17), (33, 41)], 7),
        ([(17, 33)], [(9, 17), (33, 41)], 0),
        ([], [(9, 17)], 0),
    ],
)
def test_overlap(stretches, windows, hours):
    to_times = lambda pairs: [(at(s), at(e)) for s, e in pairs]  # noqa: E731
    assert overlap(to_times(stretches), to_times(windows)) == hours * H


@pytest.mark.parametrize(
    ("members", "shares"),
    [
        (["a", "b"], {"a": 0.5, "b": 0.5}),
        (["a", "b", "a", "c"], {"a": 0.5, "b": 0.25, "c": 0.25}),
    ],
)
def test_layer_shares_count_places(members, shares):
    assert layer_shares(members) == shares


def test_expected_hours_add_each_rotas_fair_part():
    expected = expected_out_of_hours(
        {"ops": {"a": 0.5, "b": 0.5}, "esc": {"b": 1.0}}, {"ops": 10 * H, "esc": 4 * H}
    )
    assert expected == {"a": 5 * H, "b": 9 * H}


# A working day 09:00-17:00 on Monday and Tuesday; Tuesday is also a bank holiday here only
# for the holiday count (its working hours are given separately, as the service leaves them out).
CALENDAR = PeriodCalendar(
    working=[(at(9), at(17))],
    holidays=[(date(2026, 4, 7), (at(24), at(48)))],
)


def test_a_report_splits_hours_counts_pages_holidays_and_swaps():
    report = load_report(
        at(0),
        at(48),
        ["ops"],
        [
            Stretch("ops", "a", at(0), at(12)),  # 3 in hours, 9 out
            Stretch("ops", "b", at(12), at(30)),  # 5 in hours, 13 out, touches the holiday
            Stretch("ops", "a", at(30), at(48)),  # holiday, all out
        ],
        CALENDAR,
        {"ops": {"a": 0.5, "b": 0.5}},
        [PageSent("a", at(3)), PageSent("a", at(10)), PageSent("b", at(13)), PageSent("c", at(1))],
        [SwapDone("a", "b")],
    )
    rows = {
        p.person: (
            p.hours_on_call,
            p.hours_in_hours,
            p.hours_out_of_hours,
            p.pages,
            p.pages_out_of_hours,
            p.bank_holiday_shifts,
            p.swaps_given,
            p.swaps_taken,
            p.expected_out_of_hours,
        )
        for p in report.people
    }
    assert rows == {
        "a": (30.0, 3.0, 27.0, 2, 1, 1, 1, 0, 20.0),
        "b": (18.0, 5.0, 13.0, 1, 0, 1, 0, 1, 20.0),
        "c": (0.0, 0.0, 0.0, 1, 1, 0, 0, 0, None),
    }
    assert report.spread_hours == 14.0
    assert report.fairness_index == pytest.approx(jain_index([27 / 20, 13 / 20]))


def test_pages_of_some_rotas_count_only_while_on_call_on_them():
    report = load_report(
        at(0),
        at(48),
        ["ops"],
        [Stretch("ops", "a", at(0), at(12))],
        CALENDAR,
        {"ops": {"a": 1.0}},
        [PageSent("a", at(3)), PageSent("a", at(20))],
        [],
        pages_on_call_only=True,
    )
    assert [(p.person, p.pages) for p in report.people] == [("a", 1)]


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=30))
def test_jain_index_lies_between_one_over_n_and_one(values):
    index = jain_index(values)
    assert 1 / len(values) - 1e-9 <= index <= 1.0


@given(
    st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=1, max_size=20),
    st.floats(min_value=0.01, max_value=100),
)
def test_jain_index_does_not_depend_on_the_unit(values, scale):
    assert jain_index([v * scale for v in values]) == pytest.approx(jain_index(values))


@given(st.floats(min_value=0.01, max_value=1e4), st.integers(min_value=1, max_value=30))
def test_equal_loads_are_perfectly_fair(value, n):
    assert jain_index([value] * n) == pytest.approx(1.0)


@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.integers(0, 47), st.integers(1, 12)),
        max_size=12,
    )
)
def test_hours_in_and_out_of_hours_add_up_to_hours_on_call(pieces):
    # Non-overlapping stretches of one rota: each hour goes to the first piece that claims it.
    taken: set[int] = set()
    stretches = []
    for person, start, length in pieces:
        hours = [h for h in range(start, min(48, start + length)) if h not in taken]
        if hours and hours == list(range(hours[0], hours[-1] + 1)):
            taken.update(hours)
            stretches.append(Stretch("ops", person, at(hours[0]), at(hours[-1] + 1)))
    report = load_report(
        at(0), at(48), ["ops"], stretches, CALENDAR, {"ops": layer_shares(list("abcd"))}, [], []
    )
    for person in report.people:
        assert person.hours_in_hours + person.hours_out_of_hours == pytest.approx(
            person.hours_on_call
        )
    assert sum(p.hours_on_call for p in report.people) == pytest.approx(len(taken))
    assert 0.25 - 1e-9 <= report.fairness_index <= 1.0
