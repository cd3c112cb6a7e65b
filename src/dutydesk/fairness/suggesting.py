"""`dutydesk rota suggest`: a layer order for the next quarter that evens out the on-call load.

For each layer of the rota in force when the quarter begins, the quarter is simulated once with
the real rota maths (covered hours, skipped holidays, the overrides already made), a stand-in
person on each of the layer's shifts; `fairness.ordering` then picks the order whose shifts
balance the out-of-hours hours best, counting what each member carried from the quarter before,
and placing nobody on a shift during their declared holiday where any order can avoid it.

The past never changes: the layer ends at its first handoff in the quarter and a copy with the
new order starts there (a layer that begins in the quarter or later is reordered in place).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from math import ceil
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.errors import Invalid
from dutydesk.fairness.load import overlap
from dutydesk.fairness.ordering import Score, Slot, best_order, clashes_of, loads_of, score_of
from dutydesk.fairness.periods import (
    local_midnight,
    next_quarter,
    previous_quarter,
    quarter_bounds,
    quarter_name,
    quarter_start,
)
from dutydesk.fairness.service import chosen_rotas, load, working_hours
from dutydesk.hours.intervals import Interval
from dutydesk.hours.wallclock import aware_utc, to_utc
from dutydesk.oncall.service import overrides_between
from dutydesk.people.models import Unavailability
from dutydesk.rotas.oncall import LayerPlan, RotaPlan, schedule
from dutydesk.rotas.service import get_rota
from dutydesk.rotas.spec import RotaSpec
from dutydesk.rotas.team_section import rota_spec

# A stand-in person's id: slugs cannot hold "#", so it never meets a real person's.
_SLOT = "#slot:"
_ONE_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)
# How many handoffs to look through for one at the layer's time of day (12h shifts alternate).
_ALIGNING_HANDOFFS = 400


@dataclass(frozen=True)
class Clash:
    """A shift the suggested order gives to someone on holiday: it needs an override."""

    person: str
    start: datetime
    end: datetime
    away_from: date
    away_to: date


@dataclass(frozen=True)
class LayerChange:
    """One layer's order from the quarter's first handoff: as it runs now, and as suggested."""

    layer: int  # its place in the rota's layers, from 0
    starts: datetime  # the first handoff in the quarter, in the team's zone
    in_place: bool  # the layer begins in the quarter or later: its members are reordered
    current_order: tuple[str, ...]  # the current rotation, continued from `starts`
    suggested_order: tuple[str, ...]
    current: Score
    suggested: Score
    carried_out_of_hours: dict[str, float]  # out of hours from the quarter before
    current_out_of_hours: dict[str, float]  # carried plus the quarter, current order
    suggested_out_of_hours: dict[str, float]  # carried plus the quarter, suggested order
    clashes: tuple[Clash, ...]

    @property
    def changed(self) -> bool:
        return self.suggested_order != self.current_order


@dataclass(frozen=True)
class Suggestion:
    """What `rota suggest` proposes for a rota and a quarter, and the rota as it would be."""

    rota: str
    quarter: str
    start: datetime
    end: datetime
    layers: tuple[LayerChange, ...]
    before: RotaSpec
    after: RotaSpec

    @property
    def clashes(self) -> tuple[Clash, ...]:
        return tuple(clash for layer in self.layers for clash in layer.clashes)


def default_quarter(now: datetime, zone: ZoneInfo) -> date:
    """The quarter after the current one."""
    return next_quarter(quarter_start(now.astimezone(zone).date()))


def suggest(session: Session, rota_id: str, first_day: date | None, now: datetime) -> Suggestion:
    """A fairer order for each layer of the rota for the quarter starting on `first_day` (the
    next quarter when None); Invalid for a quarter that has begun."""
    [compiled] = chosen_rotas(session, [rota_id])
    plan = compiled.plan
    if plan.external is not None:
        raise Invalid(f"{rota_id!r} is an external rota: its order is set in the tool that owns it")
    zone = plan.timezone
    first_day = first_day or default_quarter(now, zone)
    start, end = quarter_bounds(first_day, zone)
    if start <= now:
        raise Invalid(
            f"quarter: {quarter_name(first_day)} has begun; suggest a later quarter (the past"
            " and the present stay as they are)"
        )
    past_start, _ = quarter_bounds(previous_quarter(first_day), zone)
    carried = {
        p.person: (p.hours_on_call, p.hours_out_of_hours)
        for p in load(session, past_start, start, [rota_id]).people
    }
    simulation = _Simulation(
        plan,
        overrides_between(session, [rota_id], start, end)[rota_id],
        working_hours(session).open_intervals(start, end),
        _holidays(session, first_day, next_quarter(first_day), zone),
        start,
        end,
    )
    changes = [
        change
        for index, layer in enumerate(plan.layers)
        if (change := simulation.balance(index, layer, carried)) is not None
    ]
    before = rota_spec(get_rota(session, rota_id))
    return Suggestion(
        rota_id,
        quarter_name(first_day),
        start,
        end,
        tuple(changes),
        before,
        rota_with(before, changes),
    )


def rota_with(rota: RotaSpec, changes: Sequence[LayerChange]) -> RotaSpec:
    """The rota with each changed layer's new order from its first handoff in the quarter."""
    document: dict[str, Any] = rota.model_dump(mode="python")
    layers: list[dict[str, Any]] = document["layers"]
    # From the top layer down, so inserting a layer leaves the lower indexes where they were.
    for change in sorted(changes, key=lambda c: c.layer, reverse=True):
        if not change.changed:
            continue
        layer = layers[change.layer]
        if change.in_place:
            layer["members"] = list(change.suggested_order)
            continue
        starts = change.starts.date()
        layers.insert(
            change.layer + 1,
            {**layer, "members": list(change.suggested_order), "start": starts},
        )
        layer["end"] = starts
    return RotaSpec.model_validate(document)


class _Simulation:
    """The quarter of one rota, simulated a layer at a time with stand-ins on its shifts."""

    def __init__(
        self,
        plan: RotaPlan,
        overrides: Sequence[Any],
        working: list[Interval],
        away: dict[str, list[tuple[Interval, date, date]]],
        start: datetime,
        end: datetime,
    ) -> None:
        self.plan, self.overrides, self.working, self.away = plan, overrides, working, away
        self.start, self.end = start, end

    def balance(
        self, index: int, layer: LayerPlan, carried: dict[str, tuple[float, float]]
    ) -> LayerChange | None:
        """The best order for one layer, or None when the layer has no turns to order in the
        quarter (one member, or no handoff inside it)."""
        zone = self.plan.timezone
        if len(set(layer.members)) < 2:
            return None
        first = _first_handoff(layer, datetime.combine(self.start.astimezone(zone).date(), time()))
        if first is None:
            return None
        handoff_local, turns_before = first
        stops_local = None if layer.end is None else _handoff_on(layer, layer.end)
        quarter_end_local = datetime.combine(self.end.astimezone(zone).date(), time())
        if handoff_local >= quarter_end_local or (
            stops_local is not None and handoff_local >= stops_local
        ):
            return None
        in_place = turns_before == 0
        step = layer.shift.wall_clock
        slot_count = ceil((quarter_end_local - handoff_local) / step) + 1
        stand_ins = tuple(f"{_SLOT}{k}" for k in range(slot_count))
        layers = list(self.plan.layers)
        if in_place:
            layers[index] = replace(layer, members=stand_ins)
        else:
            layers[index] = replace(layer, end=handoff_local.date())
            layers.insert(index + 1, replace(layer, members=stand_ins, start=handoff_local.date()))
        simulated = replace(self.plan, layers=tuple(layers))
        slot_time: dict[int, list[Interval]] = defaultdict(list)
        fixed_hours: dict[str, float] = defaultdict(float)
        fixed_out: dict[str, float] = defaultdict(float)
        for segment in schedule(simulated, self.overrides, self.start, self.end):
            if segment.person.startswith(_SLOT):
                slot_time[int(segment.person.removeprefix(_SLOT))].append(
                    (segment.start, segment.end)
                )
                continue
            hours, out = self._hours([(segment.start, segment.end)])
            fixed_hours[segment.person] += hours
            fixed_out[segment.person] += out
        slots = [self._slot(slot_time.get(k, [])) for k in range(slot_count)]
        n = len(layer.members)
        current = tuple(layer.members[(turns_before + i) % n] for i in range(n))
        carried_hours = {p: carried.get(p, (0.0, 0.0))[0] + fixed_hours[p] for p in current}
        carried_out = {p: carried.get(p, (0.0, 0.0))[1] + fixed_out[p] for p in current}
        order, score = best_order(current, slots, carried_hours, carried_out)
        current_score = score_of(current, current, slots, carried_hours, carried_out)
        return LayerChange(
            layer=index,
            starts=aware_utc(to_utc(handoff_local, zone)).astimezone(zone),
            in_place=in_place,
            current_order=current,
            suggested_order=order,
            current=current_score,
            suggested=score,
            carried_out_of_hours={p: carried.get(p, (0.0, 0.0))[1] for p in dict.fromkeys(current)},
            current_out_of_hours=dict(
                loads_of(current, slots, carried_hours, carried_out).out_of_hours
            ),
            suggested_out_of_hours=dict(
                loads_of(order, slots, carried_hours, carried_out).out_of_hours
            ),
            clashes=tuple(self._clashes(order, slots, slot_time)),
        )

    def _hours(self, intervals: list[Interval]) -> tuple[float, float]:
        total = sum((e - s for s, e in intervals), timedelta(0))
        return total / _HOUR, (total - overlap(intervals, self.working)) / _HOUR

    def _slot(self, intervals: list[Interval]) -> Slot:
        hours, out = self._hours(intervals)
        away = frozenset(
            person
            for person, periods in self.away.items()
            if any(overlap(intervals, [period]) for period, _, _ in periods)
        )
        return Slot(hours, out, away)

    def _clashes(
        self, order: tuple[str, ...], slots: list[Slot], slot_time: dict[int, list[Interval]]
    ) -> list[Clash]:
        found = []
        for k in clashes_of(order, slots):
            person, intervals = order[k % len(order)], slot_time[k]
            for period, first, last in self.away[person]:
                if overlap(intervals, [period]):
                    found.append(Clash(person, intervals[0][0], intervals[-1][1], first, last))
                    break
        return found


def _first_handoff(layer: LayerPlan, from_local: datetime) -> tuple[datetime, int] | None:
    """The layer's first handoff at or after `from_local` (naive local) that falls at its time of
    day, and how many turns were taken before it; None if none is found."""
    anchor = _handoff_on(layer, layer.start)
    if anchor >= from_local:
        return anchor, 0
    step = layer.shift.wall_clock
    turns = ceil((from_local - anchor) / step)
    for extra in range(_ALIGNING_HANDOFFS):
        candidate = anchor + (turns + extra) * step
        if candidate.time() == layer.handoff.time_of_day:
            return candidate, turns + extra
    return None


def _handoff_on(layer: LayerPlan, day: date) -> datetime:
    return datetime.combine(day, layer.handoff.time_of_day)


def _holidays(
    session: Session, first_day: date, after_last_day: date, zone: ZoneInfo
) -> dict[str, list[tuple[Interval, date, date]]]:
    """Each person's declared holidays touching the quarter, as the instants they span."""
    rows = session.scalars(
        select(Unavailability).where(
            Unavailability.first_day < after_last_day, Unavailability.last_day >= first_day
        )
    )
    away: dict[str, list[tuple[Interval, date, date]]] = defaultdict(list)
    for row in rows:
        span = (
            local_midnight(row.first_day, zone),
            local_midnight(row.last_day + _ONE_DAY, zone),
        )
        away[row.person_id].append((span, row.first_day, row.last_day))
    return {person: sorted(periods) for person, periods in away.items()}
