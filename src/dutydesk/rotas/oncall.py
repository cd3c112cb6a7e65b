"""Who is on call: pure maths over a rota's layers, hours, holidays and overrides.

No database here. Times in are aware datetimes and times out are aware UTC datetimes; the rota's
time zone is used only to place handoffs and covered hours on the local wall clock, so they
survive DST changes. Covered hours are support hours (`dutydesk.hours`).

Inside, instants are naive UTC datetimes (`dutydesk.hours.wallclock` says why): `on_call_at` is
on the hot path, every rota, every request.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.intervals import Interval, intersect, subtract
from dutydesk.hours.support import SupportHours
from dutydesk.hours.wallclock import aware_utc, naive_utc, to_local, to_utc
from dutydesk.hours.weekly import WeeklyHours
from dutydesk.rotas.timespec import Handoff, ShiftLength

LAYER = "layer"
OVERRIDE = "override"
EXTERNAL = "external"  # a stretch of an external rota's feed (external_rotas/models.py)
# How far `on_call_at` looks before and after the instant for the bounds of its stretch. Each
# side widens on its own, only while its bound is still unknown; a bound beyond the last window
# is reported as None. Half a day first: with covered hours most stretches are shorter than
# that, and every extra day looked at is days of hours and shifts worked out for nothing.
_SEARCH_WINDOWS = tuple(timedelta(hours=hours) for hours in (12, 24, 48, 192, 384, 1536, 9600))

# (start, end, member) of one shift, and (start, end, person, source) of one stretch.
_Shift = tuple[datetime, datetime, str]
_Stretch = tuple[datetime, datetime, str, str]


@dataclass(frozen=True, slots=True)
class LayerPlan:
    """One layer: members take turns, one shift each, starting at `start`'s handoff."""

    members: tuple[str, ...]
    shift: ShiftLength
    handoff: Handoff
    start: date
    end: date | None = None  # the layer stops at this date's handoff
    hours: tuple[WeeklyHours, ...] = ()


@dataclass(frozen=True, slots=True)
class RotaPlan:
    """Everything needed to say who is on a rota at any time, except overrides."""

    timezone: ZoneInfo
    layers: tuple[LayerPlan, ...]
    hours: tuple[WeeklyHours, ...] = ()
    skip_holidays: bool = False
    holidays: HolidayCalendar | None = None
    # An external rota's stored shifts in place of layers (None: the rota is our own).
    external: ExternalShifts | None = None
    # What the maths needs that never changes, worked out on the first question (see _facts_of).
    _facts: _RotaFacts | None = field(default=None, init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ExternalShifts:
    """The shifts a followed feed puts people on call, as (start, end, person), naive UTC.

    Where two overlap, the one that starts later is on call (an override inside a layer's shift,
    as the tools that publish feeds draw it), and of two that start together the shorter; so
    `shifts` is ordered by start, longer first, and painted like overrides, later ones on top.
    """

    shifts: tuple[tuple[datetime, datetime, str], ...]
    longest: timedelta  # the longest shift: how far back one may start and still matter

    @classmethod
    def of(cls, shifts: Sequence[tuple[datetime, datetime, str]]) -> ExternalShifts:
        """From aware or naive-UTC (start, end, person) in any order."""
        plain = sorted(
            (
                (naive_utc(start, "shift start"), naive_utc(end, "shift end"), person)
                for start, end, person in shifts
            ),
            key=lambda shift: (shift[0], shift[0] - shift[1]),
        )
        kept = tuple(shift for shift in plain if shift[0] < shift[1])
        longest = max((end - start for start, end, _ in kept), default=timedelta(0))
        return cls(kept, longest)

    def touching(self, start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
        """The shifts overlapping naive-UTC [start, end), in painting order, as overrides."""
        first = bisect_left(self.shifts, start - self.longest, key=_start_of)
        last = bisect_left(self.shifts, end, key=_start_of)
        return [
            (person, shift_start, shift_end)
            for shift_start, shift_end, person in self.shifts[first:last]
            if shift_end > start
        ]


@dataclass(frozen=True, slots=True)
class OverridePlan:
    """A person on call between two instants, whatever the layers say; later ones win."""

    person: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of time with one person on call."""

    person: str
    start: datetime
    end: datetime
    source: str  # LAYER or OVERRIDE


@dataclass(frozen=True, slots=True)
class OnCallNow:
    """Who is on call at an instant, and the bounds of that stretch (None = beyond the horizon).

    When nobody is on call, `start`/`end` bound the gap and `person` is None.
    """

    person: str | None
    start: datetime | None
    end: datetime | None
    source: str | None


def schedule(
    rota: RotaPlan, overrides: Sequence[OverridePlan], start: datetime, end: datetime
) -> list[Segment]:
    """The final schedule in [start, end): ordered, non-overlapping, adjacent repeats merged."""
    start, end = naive_utc(start, "start"), naive_utc(end, "end")
    if end <= start:
        return []
    return [
        Segment(person, aware_utc(piece_start), aware_utc(piece_end), source)
        for piece_start, piece_end, person, source in _stretches(
            rota, _naive_overrides(overrides), start, end
        )
    ]


def on_call_at(rota: RotaPlan, overrides: Sequence[OverridePlan], at: datetime) -> OnCallNow:
    """Who is on call at `at`, with the bounds of their stretch (or of the gap)."""
    moment = naive_utc(at, "at")
    plain_overrides = _naive_overrides(overrides)
    widest = len(_SEARCH_WINDOWS) - 1
    back = ahead = _facts_of(rota).first_search_window
    while True:
        window_start = moment - _SEARCH_WINDOWS[back]
        window_end = moment + _SEARCH_WINDOWS[ahead]
        stretches = _stretches(rota, plain_overrides, window_start, window_end)
        # The first stretch ending after the moment either holds it or follows the gap holding it.
        index = bisect_right(stretches, moment, key=_end_of)
        following = stretches[index] if index < len(stretches) else None
        person: str | None = None
        source: str | None = None
        if following is not None and following[0] <= moment:
            since, until, person, source = following
            # A stretch cut by the window may go on beyond it.
            since_known, until_known = since > window_start, until < window_end
        else:
            since = stretches[index - 1][1] if index > 0 else window_start
            until = following[0] if following is not None else window_end
            since_known, until_known = index > 0, following is not None
        widen_back = not since_known and back < widest
        widen_ahead = not until_known and ahead < widest
        if not (widen_back or widen_ahead):
            return OnCallNow(
                person,
                aware_utc(since) if since_known else None,
                aware_utc(until) if until_known else None,
                source,
            )
        if widen_back:
            back += 1
        if widen_ahead:
            ahead += 1


@dataclass(frozen=True, slots=True)
class _LayerFacts:
    """A staffed layer as its shifts are counted: its first handoff on both clocks, and its end."""

    members: tuple[str, ...]
    sole_member: str | None  # set when one person holds every shift
    step: timedelta  # the shift length on the local wall clock
    anchor_local: datetime  # the first handoff, naive local
    anchor_utc: datetime
    stop_utc: datetime | None  # the last handoff, None: open-ended
    hours: SupportHours | None  # the layer's own covered hours; None: always


@dataclass(frozen=True, slots=True)
class _RotaFacts:
    """A rota's unchanging facts, so each question does only the work that depends on it."""

    layers: tuple[_LayerFacts, ...]  # staffed layers only, bottom first
    staffed_from: datetime | None  # the first handoff of any staffed layer; None: nobody, ever
    staffed_until: datetime | None  # the last end of any staffed layer; None: open-ended
    hours: SupportHours  # the rota's covered hours, less the holidays it skips
    first_search_window: int  # see _first_search_window


def _facts_of(rota: RotaPlan) -> _RotaFacts:
    """The rota's facts, worked out once and kept on the (otherwise immutable) plan.

    Lazily, not in __post_init__: a layer whose dates overflow in its zone should fail when it
    is asked about, as it always has, not when the plan is built. Two threads racing here both
    compute the same value, so the race is harmless.
    """
    facts = rota._facts
    if facts is None:
        facts = _work_out_facts(rota)
        object.__setattr__(rota, "_facts", facts)
    return facts


def _work_out_facts(rota: RotaPlan) -> _RotaFacts:
    zone = rota.timezone
    layers = []
    for layer in rota.layers:
        members = layer.members
        if not members:
            continue
        anchor_local = _handoff_on(layer, layer.start)
        stop_utc = None if layer.end is None else to_utc(_handoff_on(layer, layer.end), zone)
        layers.append(
            _LayerFacts(
                members=members,
                sole_member=members[0] if members.count(members[0]) == len(members) else None,
                step=layer.shift.wall_clock,
                anchor_local=anchor_local,
                anchor_utc=to_utc(anchor_local, zone),
                stop_utc=stop_utc,
                hours=SupportHours(zone, layer.hours) if layer.hours else None,
            )
        )
    open_ended = any(layer.stop_utc is None for layer in layers)
    return _RotaFacts(
        layers=tuple(layers),
        staffed_from=min((layer.anchor_utc for layer in layers), default=None),
        staffed_until=None
        if open_ended or not layers
        else max(layer.stop_utc for layer in layers if layer.stop_utc is not None),
        hours=SupportHours(zone, rota.hours, rota.skip_holidays, rota.holidays),
        first_search_window=_first_search_window(rota),
    )


def _first_search_window(rota: RotaPlan) -> int:
    """Which search window to try first: one wider than a shift if the rota never sleeps.

    Without covered hours the top staffed layer hides those beneath, so stretches mostly run
    from one of its handoffs to the next, and looking a day either side of a weekly shift is
    wasted work. With hours, stretches are mostly shorter than a day.
    """
    if rota.external is not None:
        shift = rota.external.longest
    else:
        if rota.hours or any(layer.hours for layer in rota.layers):
            return 0
        top = next((layer for layer in reversed(rota.layers) if layer.members), None)
        if top is None:
            return 0
        shift = top.shift.wall_clock
    wider = (i for i, reach in enumerate(_SEARCH_WINDOWS) if reach > shift)
    return next(wider, len(_SEARCH_WINDOWS) - 1)


def _stretches(
    rota: RotaPlan, overrides: list[tuple[str, datetime, datetime]], start: datetime, end: datetime
) -> list[_Stretch]:
    """The schedule in [start, end) as (start, end, person, source), all naive UTC.

    Painted from the top down: the last override first, then earlier ones, then the layers from
    the last to the first, each only filling time that nobody above it has taken. Layers below
    a full one are never worked out at all.
    """
    if rota.external is not None:
        # The feed is the whole schedule: overrides belong to the tool that owns it.
        painted, _ = _paint_overrides(rota.external.touching(start, end), start, end, EXTERNAL)
        return _join(painted)
    painted, free = _paint_overrides(overrides, start, end)
    facts = _facts_of(rota)
    if facts.staffed_from is None:
        return _join(painted)
    # Only the part of [start, end) between the first handoff and the last end of any layer.
    staffed_start = max(facts.staffed_from, start)
    staffed_end = end if facts.staffed_until is None else min(facts.staffed_until, end)
    if staffed_start >= staffed_end:
        return _join(painted)
    zone = rota.timezone
    # Layers may only fill the rota's covered hours, and never a holiday it skips.
    open_time = intersect(free, facts.hours.open_naive(staffed_start, staffed_end))
    for layer in reversed(facts.layers):
        if not open_time:
            break
        shifts = _layer_shifts(layer, zone, open_time[0][0], open_time[-1][1])
        if not shifts:
            continue
        cover = open_time
        if layer.hours is not None:
            cover = intersect(cover, layer.hours.open_naive(shifts[0][0], shifts[-1][1]))
        pieces = _clip_to(shifts, cover)
        painted.extend(
            (piece_start, piece_end, person, LAYER) for piece_start, piece_end, person in pieces
        )
        open_time = subtract(
            open_time, [(piece_start, piece_end) for piece_start, piece_end, _ in pieces]
        )
    return _join(painted)


def _paint_overrides(
    overrides: list[tuple[str, datetime, datetime]],
    start: datetime,
    end: datetime,
    source: str = OVERRIDE,
) -> tuple[list[_Stretch], list[Interval]]:
    """The overrides' stretches in [start, end), later ones on top, and the time left free."""
    painted: list[_Stretch] = []
    free: list[Interval] = [(start, end)]
    for person, override_start, override_end in reversed(overrides):
        override_start, override_end = max(override_start, start), min(override_end, end)
        if override_start >= override_end:
            continue
        # Only the free stretches that overlap the override change (there may be hundreds).
        first = bisect_right(free, override_start, key=_end_of)
        last = bisect_left(free, override_end, key=_start_of)
        if first >= last:
            continue
        touched = free[first:last]
        painted.extend(
            (max(free_start, override_start), min(free_end, override_end), person, source)
            for free_start, free_end in touched
        )
        free[first:last] = subtract(touched, [(override_start, override_end)])
    return painted, free


def _layer_shifts(
    layer: _LayerFacts, zone: ZoneInfo, start: datetime, end: datetime
) -> list[_Shift]:
    """The layer's shifts overlapping [start, end), clipped to it."""
    stop = end if layer.stop_utc is None else min(end, layer.stop_utc)
    if layer.sole_member is not None:
        # One person holds every shift, so the handoffs change nothing: skip counting them (a
        # sole member's stretch may run for years, and on_call_at may look a year each way).
        begin = max(layer.anchor_utc, start)
        return [(begin, stop, layer.sole_member)] if begin < stop else []
    members, step = layer.members, layer.step
    # Count shifts on the naive local clock: wall-clock steps make that exact, give or take one
    # near a DST change, which the boundary checks below absorb.
    index = max(0, (to_local(start, zone) - layer.anchor_local) // step - 1)
    handoff = layer.anchor_local + index * step
    shift_start = to_utc(handoff, zone)
    shifts: list[_Shift] = []
    while shift_start < stop:
        handoff += step
        # max() keeps boundaries in order when a handoff falls in a spring-forward gap.
        shift_end = min(max(shift_start, to_utc(handoff, zone)), stop)
        if shift_end > start and shift_end > shift_start:
            shifts.append((max(shift_start, start), shift_end, members[index % len(members)]))
        index += 1
        shift_start = shift_end
    return shifts


def _handoff_on(layer: LayerPlan, day: date) -> datetime:
    """The naive local time of the layer's handoff on `day`."""
    return datetime.combine(day, layer.handoff.time_of_day)


def _clip_to(shifts: list[_Shift], cover: Sequence[Interval]) -> list[_Shift]:
    """Keep only the parts of each shift that fall in `cover` (both sorted)."""
    clipped: list[_Shift] = []
    j = 0
    for shift_start, shift_end, person in shifts:
        while j < len(cover) and cover[j][1] <= shift_start:
            j += 1
        k = j
        while k < len(cover) and cover[k][0] < shift_end:
            piece_start = max(shift_start, cover[k][0])
            piece_end = min(shift_end, cover[k][1])
            if piece_start < piece_end:
                clipped.append((piece_start, piece_end, person))
            k += 1
    return clipped


def _join(stretches: list[_Stretch]) -> list[_Stretch]:
    """Sort disjoint stretches and join neighbours with the same person and source."""
    stretches.sort()
    joined: list[_Stretch] = []
    for stretch in stretches:
        if joined:
            last_start, last_end, last_person, last_source = joined[-1]
            if (last_end, last_person, last_source) == (stretch[0], stretch[2], stretch[3]):
                joined[-1] = (last_start, stretch[1], last_person, last_source)
                continue
        joined.append(stretch)
    return joined


def _start_of(stretch: Interval | _Shift | _Stretch) -> datetime:
    return stretch[0]


def _end_of(stretch: Interval | _Stretch) -> datetime:
    return stretch[1]


def _naive_overrides(overrides: Sequence[OverridePlan]) -> list[tuple[str, datetime, datetime]]:
    return [
        (o.person, naive_utc(o.start, "override start"), naive_utc(o.end, "override end"))
        for o in overrides
    ]
