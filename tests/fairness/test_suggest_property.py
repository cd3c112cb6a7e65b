"""A property of `rota suggest` through the real rota maths: whatever holidays people declare,
the suggested order, once in the schedule, puts nobody on call during their holiday, except
on the shifts it names as needing an override (and it names one only when no order avoids it).

No database: the quarter is simulated as the service does (`suggesting._Simulation`), and the
suggested layer is then scheduled with `rotas.oncall.schedule`, as `dutydesk who` would.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import permutations
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.fairness.load import overlap
from dutydesk.fairness.periods import local_midnight, quarter_bounds
from dutydesk.fairness.suggesting import _Simulation
from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.rotas.oncall import LayerPlan, RotaPlan, schedule
from dutydesk.rotas.timespec import parse_handoff, parse_shift

LONDON = ZoneInfo("Europe/London")
PEOPLE = ("ann", "ben", "cat", "dev", "eve", "fay")
QUARTER = date(2027, 1, 1)
START, END = quarter_bounds(QUARTER, LONDON)
LAYER = LayerPlan(
    members=PEOPLE,
    shift=parse_shift("1w"),
    handoff=parse_handoff("Mon 09:00"),
    start=date(2026, 1, 5),
)
PLAN = RotaPlan(timezone=LONDON, layers=(LAYER,), holidays=HolidayCalendar("GB-ENG"))
WORKING = SupportHours(
    LONDON, (parse_hours("Mon-Fri 09:00-17:00"),), True, HolidayCalendar("GB-ENG")
).open_intervals(START, END)

holidays_st = st.dictionaries(
    st.sampled_from(PEOPLE),
    st.lists(
        st.tuples(st.integers(0, 89), st.integers(0, 13)).map(
            lambda t: (QUARTER + timedelta(days=t[0]), QUARTER + timedelta(days=t[0] + t[1]))
        ),
        min_size=1,
        max_size=3,
    ),
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(holidays_st, st.dictionaries(st.sampled_from(PEOPLE), st.integers(0, 400)))
def test_nobody_is_on_call_during_a_declared_holiday_unless_named(holidays, carried):
    away = {
        person: sorted(
            ((local_midnight(a, LONDON), local_midnight(b + timedelta(days=1), LONDON)), a, b)
            for a, b in spans
        )
        for person, spans in holidays.items()
    }
    simulation = _Simulation(PLAN, [], WORKING, away, START, END)
    change = simulation.balance(0, LAYER, {p: (0.0, float(h)) for p, h in carried.items()})
    assert change is not None
    first = change.starts.date()
    suggested = replace(
        PLAN,
        layers=(
            replace(LAYER, end=first),
            replace(LAYER, members=change.suggested_order, start=first),
        ),
    )
    named = {(c.person, c.start) for c in change.clashes}
    for segment in schedule(suggested, [], change.starts.astimezone(UTC), END):
        on_holiday = any(
            overlap([(segment.start, segment.end)], [span])
            for span, _, _ in away.get(segment.person, [])
        )
        if on_holiday:
            assert (segment.person, segment.start) in named
    assert len(named) == change.suggested.clashes
    # Shifts are named only when no order avoids them: on this 24x7 rota without overrides,
    # slot k is simply the k-th week from the first handoff, so every order can be counted.
    weeks = []
    week_start = change.starts.astimezone(UTC)
    while week_start < END:
        weeks.append((week_start, min(END, week_start + timedelta(weeks=1))))
        week_start += timedelta(weeks=1)

    def clashes(order):
        return sum(
            1
            for k, week in enumerate(weeks)
            if any(overlap([week], [span]) for span, _, _ in away.get(order[k % 6], []))
        )

    assert change.suggested.clashes == min(clashes(o) for o in permutations(PEOPLE))


def test_the_quarter_starts_at_the_first_monday_handoff():
    change = _Simulation(PLAN, [], WORKING, {}, START, END).balance(0, LAYER, {})
    assert change is not None
    assert change.starts == datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)
