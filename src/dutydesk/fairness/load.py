"""The on-call load of each person over a period, and how evenly it is shared: pure maths.

No database. The service gathers the period's final schedules (who was on call, overrides,
cover and swaps applied), the team's working hours and bank holidays, the pages sent and the
swaps accepted; this module adds them up per person and measures fairness.

Out of hours is every moment outside the team's working hours, and every moment of a bank
holiday (the service builds `working` with holidays closed). The fairness index is Jain's
index over each person's out-of-hours hours divided by the hours their place on the rotas
would give them (docs/fairness.md says why): 1.0 is perfectly even, 1/n is one person taking
everything.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dutydesk.hours.intervals import Interval, merge

_NOTHING = timedelta(0)
_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Stretch:
    """A person on call on a rota between two instants (a segment of its final schedule)."""

    rota: str
    person: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PageSent:
    """A person paged at an instant (one escalation step reaching them, whatever the channels)."""

    person: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SwapDone:
    """An accepted swap: who asked (gave their time away) and who took it."""

    giver: str
    taker: str


@dataclass(frozen=True, slots=True)
class PeriodCalendar:
    """What kind of time each moment of the period is.

    `working`: the working hours within the period, sorted, bank holidays left out. `holidays`:
    each bank holiday of the period as (its date, the instants its local day spans).
    """

    working: Sequence[Interval]
    holidays: Sequence[tuple[date, Interval]]

    def in_hours(self, at: datetime) -> bool:
        """Whether `at` falls in working hours."""
        index = bisect_right(self.working, at, key=_start_of) - 1
        return index >= 0 and self.working[index][1] > at


@dataclass(frozen=True, slots=True)
class PersonLoad:
    """One person's load over the period; hours are decimal hours."""

    person: str
    hours_on_call: float
    hours_in_hours: float
    hours_out_of_hours: float
    pages: int
    pages_out_of_hours: int
    bank_holiday_shifts: int  # (rota, bank holiday) pairs with them on call for part of it
    swaps_given: int
    swaps_taken: int
    # The out-of-hours hours their places in the rotas' layers would give them if everything
    # were even; None for someone in no layer (on call only through overrides).
    expected_out_of_hours: float | None

    @property
    def relative_load(self) -> float | None:
        """Out-of-hours hours over the expected ones: 1.0 is their fair share."""
        expected = self.expected_out_of_hours
        if expected is None or expected <= 0:
            return None
        return self.hours_out_of_hours / expected


@dataclass(frozen=True, slots=True)
class LoadReport:
    """Everyone's load over [start, end) on the chosen rotas, and how even it is."""

    start: datetime
    end: datetime
    rotas: tuple[str, ...]
    people: tuple[PersonLoad, ...]
    # Jain's index over relative out-of-hours loads of the rotas' members; 1.0 when even (or
    # when there were no out-of-hours hours to share).
    fairness_index: float
    # The most out-of-hours hours a member had less the fewest, in hours.
    spread_hours: float


def jain_index(values: Sequence[float]) -> float:
    """Jain's fairness index, (Σx)² / (n·Σx²): 1.0 when all are equal, 1/n when one has all.

    1.0 for no values or all zeros: nothing was shared, so nothing was shared unfairly.
    """
    squares = sum(x * x for x in values)
    if not values or squares == 0:
        return 1.0
    # Rounding can push an even split a hair above 1.
    return min(1.0, sum(values) ** 2 / (len(values) * squares))


def spread(values: Iterable[float]) -> float:
    """The largest value less the smallest; 0 for none."""
    listed = list(values)
    return max(listed) - min(listed) if listed else 0.0


def overlap(stretches: Sequence[Interval], windows: Sequence[Interval]) -> timedelta:
    """How long sorted, non-overlapping `stretches` fall inside sorted, non-overlapping
    `windows`."""
    total = _NOTHING
    j = 0
    for start, end in stretches:
        while j < len(windows) and windows[j][1] <= start:
            j += 1
        k = j
        while k < len(windows) and windows[k][0] < end:
            piece = min(end, windows[k][1]) - max(start, windows[k][0])
            if piece > _NOTHING:
                total += piece
            k += 1
    return total


def layer_shares(members: Sequence[str]) -> dict[str, float]:
    """Each member's share of a rota's time: their places in its layers over all places."""
    counts = Counter(members)
    places = sum(counts.values())
    return {person: count / places for person, count in counts.items()}


def expected_out_of_hours(
    shares_by_rota: Mapping[str, Mapping[str, float]],
    out_of_hours_by_rota: Mapping[str, timedelta],
) -> dict[str, timedelta]:
    """Each member's fair part of every rota's out-of-hours time, added over the rotas."""
    expected: dict[str, timedelta] = defaultdict(lambda: _NOTHING)
    for rota, shares in shares_by_rota.items():
        total = out_of_hours_by_rota.get(rota, _NOTHING)
        for person, share in shares.items():
            expected[person] += total * share
    return dict(expected)


def load_report(
    start: datetime,
    end: datetime,
    rotas: Sequence[str],
    stretches: Sequence[Stretch],
    calendar: PeriodCalendar,
    shares_by_rota: Mapping[str, Mapping[str, float]],
    pages: Sequence[PageSent],
    swaps: Sequence[SwapDone],
    *,
    pages_on_call_only: bool = False,
) -> LoadReport:
    """Everyone's load over [start, end): anyone on call, in a layer, paged or swapping.

    `stretches` are the chosen rotas' final schedules, already cut to the period. With
    `pages_on_call_only`, a page counts only if it came while its person was on call on one
    of the rotas (the report of some rotas, not the whole team).
    """
    by_person: dict[str, list[Interval]] = defaultdict(list)
    by_rota_person: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for stretch in stretches:
        by_rota_person[(stretch.rota, stretch.person)].append((stretch.start, stretch.end))
    out_of_hours_by_rota: dict[str, timedelta] = defaultdict(lambda: _NOTHING)
    totals: dict[str, timedelta] = defaultdict(lambda: _NOTHING)
    in_hours: dict[str, timedelta] = defaultdict(lambda: _NOTHING)
    holiday_shifts: Counter[str] = Counter()
    for (rota, person), intervals in by_rota_person.items():
        intervals.sort()
        by_person[person].extend(intervals)
        total = sum((e - s for s, e in intervals), _NOTHING)
        working = overlap(intervals, calendar.working)
        totals[person] += total
        in_hours[person] += working
        out_of_hours_by_rota[rota] += total - working
        holiday_shifts[person] += sum(
            1 for _, day in calendar.holidays if overlap(intervals, [day]) > _NOTHING
        )
    # A person on two rotas at once is still one person on call (for pages).
    on_call = {person: merge(intervals) for person, intervals in by_person.items()}

    page_counts: Counter[str] = Counter()
    out_of_hours_pages: Counter[str] = Counter()
    for page in pages:
        if pages_on_call_only and not _within(on_call.get(page.person, ()), page.at):
            continue
        page_counts[page.person] += 1
        if not calendar.in_hours(page.at):
            out_of_hours_pages[page.person] += 1
    given = Counter(swap.giver for swap in swaps)
    taken = Counter(swap.taker for swap in swaps)

    expected = expected_out_of_hours(shares_by_rota, out_of_hours_by_rota)
    members = {person for shares in shares_by_rota.values() for person in shares}
    everyone = sorted(members | set(totals) | set(page_counts) | set(given) | set(taken))
    people = tuple(
        PersonLoad(
            person=person,
            hours_on_call=_hours(totals[person]),
            hours_in_hours=_hours(in_hours[person]),
            hours_out_of_hours=_hours(totals[person] - in_hours[person]),
            pages=page_counts[person],
            pages_out_of_hours=out_of_hours_pages[person],
            bank_holiday_shifts=holiday_shifts[person],
            swaps_given=given[person],
            swaps_taken=taken[person],
            expected_out_of_hours=_hours(expected[person]) if person in expected else None,
        )
        for person in everyone
    )
    return LoadReport(
        start=start,
        end=end,
        rotas=tuple(rotas),
        people=people,
        fairness_index=fairness_of(people),
        spread_hours=spread(p.hours_out_of_hours for p in people if p.person in members),
    )


def fairness_of(people: Sequence[PersonLoad]) -> float:
    """Jain's index over the relative out-of-hours loads of those with a fair share to compare
    against (members of a layer whose rotas had out-of-hours time)."""
    relative = [p.relative_load for p in people]
    return jain_index([value for value in relative if value is not None])


def _within(intervals: Sequence[Interval], at: datetime) -> bool:
    index = bisect_right(intervals, at, key=_start_of) - 1
    return index >= 0 and intervals[index][1] > at


def _hours(duration: timedelta) -> float:
    return duration / _HOUR


def _start_of(interval: Interval) -> datetime:
    return interval[0]
