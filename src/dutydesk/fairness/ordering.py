"""Choosing a layer's order for a quarter: pure maths over the quarter's shifts.

The service simulates the quarter once with the real rota maths, giving each shift of the
layer (a "slot", numbered from the layer's first handoff in the quarter) its own stand-in
person; what a slot is worth (its hours, its out-of-hours hours) and who is away during it
then say what any order gives everyone: in an order of n places, slot k goes to place k mod n.

An order is judged, in this order of importance, by: how many slots it puts on someone who
is away (fewest first), the spread of out-of-hours hours (including what each member carries
from before and holds outside the layer), the spread of all hours, and how many places differ
from the current order (so the current order wins a tie, and a change is made only where it
helps). Every distinct order is tried for up to MOST_TRIED of them (8 members); beyond that a
search from the current order swaps two places at a time while that improves the score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations
from math import factorial

# 8! orders: under a second in Python; a layer of more people is searched instead.
MOST_TRIED = factorial(8)
# Scores are compared on hours rounded to this many places: float sums in another order must
# not tell equal orders apart.
_PLACES = 6


@dataclass(frozen=True, slots=True)
class Slot:
    """One shift of the layer in the quarter: its hours on call once overrides are painted
    over it, how many of those are out of hours, and who is away during them."""

    hours: float
    out_of_hours: float
    away: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, order=True)
class Score:
    """How good an order is; smaller is better, field by field."""

    clashes: int  # slots given to someone away
    spread_out_of_hours: float
    spread_hours: float
    moved: int  # places that differ from the current order


@dataclass(frozen=True, slots=True)
class Loads:
    """What an order gives each member over the quarter, carried hours included."""

    hours: Mapping[str, float]
    out_of_hours: Mapping[str, float]


def loads_of(
    order: Sequence[str],
    slots: Sequence[Slot],
    carried_hours: Mapping[str, float],
    carried_out_of_hours: Mapping[str, float],
) -> Loads:
    """Each member's hours and out-of-hours hours under `order`, plus what they carry."""
    members = dict.fromkeys(order)
    hours = {p: carried_hours.get(p, 0.0) for p in members}
    out = {p: carried_out_of_hours.get(p, 0.0) for p in members}
    for k, slot in enumerate(slots):
        person = order[k % len(order)]
        hours[person] += slot.hours
        out[person] += slot.out_of_hours
    return Loads(hours, out)


def clashes_of(order: Sequence[str], slots: Sequence[Slot]) -> list[int]:
    """The slots `order` gives to someone who is away then."""
    return [k for k, slot in enumerate(slots) if order[k % len(order)] in slot.away]


def score_of(
    order: Sequence[str],
    current: Sequence[str],
    slots: Sequence[Slot],
    carried_hours: Mapping[str, float],
    carried_out_of_hours: Mapping[str, float],
) -> Score:
    """The score of `order` against the current order."""
    loads = loads_of(order, slots, carried_hours, carried_out_of_hours)
    return Score(
        clashes=len(clashes_of(order, slots)),
        spread_out_of_hours=round(_spread(loads.out_of_hours.values()), _PLACES),
        spread_hours=round(_spread(loads.hours.values()), _PLACES),
        moved=sum(1 for a, b in zip(order, current, strict=True) if a != b),
    )


def best_order(
    current: Sequence[str],
    slots: Sequence[Slot],
    carried_hours: Mapping[str, float],
    carried_out_of_hours: Mapping[str, float],
) -> tuple[tuple[str, ...], Score]:
    """The order of the current order's places with the best score, and that score."""
    table = _PlaceTable(current, slots, carried_hours, carried_out_of_hours)
    if _distinct_orders(current) <= MOST_TRIED:
        candidates = dict.fromkeys(permutations(current))
        return min(((order, table.score(order)) for order in candidates), key=_by_score)
    return table.climb(tuple(current))


class _PlaceTable:
    """What each place of an order is worth, summed once over the slots, so scoring an order
    costs one pass over its places rather than over the quarter's shifts."""

    def __init__(
        self,
        current: Sequence[str],
        slots: Sequence[Slot],
        carried_hours: Mapping[str, float],
        carried_out_of_hours: Mapping[str, float],
    ) -> None:
        n = len(current)
        self.current = tuple(current)
        self.members = tuple(dict.fromkeys(current))
        self.hours = [0.0] * n
        self.out = [0.0] * n
        self.away: list[dict[str, int]] = [{} for _ in range(n)]
        for k, slot in enumerate(slots):
            place = k % n
            self.hours[place] += slot.hours
            self.out[place] += slot.out_of_hours
            for person in slot.away:
                self.away[place][person] = self.away[place].get(person, 0) + 1
        self.carried_hours = {p: carried_hours.get(p, 0.0) for p in self.members}
        self.carried_out = {p: carried_out_of_hours.get(p, 0.0) for p in self.members}

    def score(self, order: tuple[str, ...]) -> Score:
        hours = dict(self.carried_hours)
        out = dict(self.carried_out)
        clashes = moved = 0
        for place, person in enumerate(order):
            hours[person] += self.hours[place]
            out[person] += self.out[place]
            clashes += self.away[place].get(person, 0)
            moved += person != self.current[place]
        return Score(
            clashes,
            round(_spread(out.values()), _PLACES),
            round(_spread(hours.values()), _PLACES),
            moved,
        )

    def climb(self, order: tuple[str, ...]) -> tuple[tuple[str, ...], Score]:
        """Swap the two places that improve the score most, until no swap does."""
        best = (order, self.score(order))
        while True:
            neighbours = (
                _swapped(best[0], i, j)
                for i in range(len(order))
                for j in range(i + 1, len(order))
                if best[0][i] != best[0][j]
            )
            found = min(((o, self.score(o)) for o in neighbours), key=_by_score, default=None)
            if found is None or _by_score(found) >= _by_score(best):
                return best
            best = found


def _swapped(order: tuple[str, ...], i: int, j: int) -> tuple[str, ...]:
    listed = list(order)
    listed[i], listed[j] = listed[j], listed[i]
    return tuple(listed)


def _by_score(candidate: tuple[tuple[str, ...], Score]) -> tuple[Score, tuple[str, ...]]:
    # The order itself breaks the last ties, so the answer never depends on iteration order.
    return candidate[1], candidate[0]


def _distinct_orders(members: Sequence[str]) -> int:
    count = factorial(len(members))
    for person in set(members):
        count //= factorial(members.count(person))
    return count


def _spread(values: Iterable[float]) -> float:
    listed = list(values)
    return max(listed) - min(listed) if listed else 0.0
