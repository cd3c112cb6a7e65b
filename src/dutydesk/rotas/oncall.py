"""Who is on call: pure maths over a rota's layers, hours, holidays and overrides.

No database here. Times in are aware datetimes and times out are aware UTC datetimes; the rota's
time zone is used only to place handoffs and covered hours on the local wall clock, so they
survive DST changes.

Inside, instants are naive UTC datetimes. Attaching a tzinfo to a datetime costs more than all
the arithmetic around it, and `on_call_at` is on the hot path (every rota, every request), so
the tzinfo comes off on the way in and goes back on the few instants that come out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dutydesk.rotas.holidays import HolidayCalendar
from dutydesk.rotas.intervals import Interval, intersect, merge, subtract
from dutydesk.rotas.timespec import Handoff, ShiftLength, WeeklyHours

LAYER = "layer"
OVERRIDE = "override"
# How far `on_call_at` looks before and after the instant for the bounds of its stretch. Each
# side widens on its own, only while its bound is still unknown; a bound beyond the last window
# is reported as None. Half a day first: with covered hours most stretches are shorter than
# that, and every extra day looked at is days of hours and shifts worked out for nothing.
_SEARCH_WINDOWS = tuple(timedelta(hours=hours) for hours in (12, 24, 48, 192, 384, 1536, 9600))
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_EPOCH = datetime(1970, 1, 1)  # naive, like all instants inside
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_NO_OFFSET = timedelta(0)
_MIDNIGHT = time()

# (start, end, member) of one shift, and (start, end, person, source) of one stretch.
_Shift = tuple[datetime, datetime, str]
_Stretch = tuple[datetime, datetime, str, str]
# One line of covered hours as (local weekdays, opens and closes after local midnight).
_Window = tuple[frozenset[int], timedelta, timedelta]


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
    # What the maths needs that never changes, worked out on the first question (see _facts_of).
    _facts: _RotaFacts | None = field(default=None, init=False, repr=False, compare=False)


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
    start, end = _naive_utc(start, "start"), _naive_utc(end, "end")
    if end <= start:
        return []
    return [
        Segment(person, _aware(piece_start), _aware(piece_end), source)
        for piece_start, piece_end, person, source in _stretches(
            rota, _naive_overrides(overrides), start, end
        )
    ]


def on_call_at(rota: RotaPlan, overrides: Sequence[OverridePlan], at: datetime) -> OnCallNow:
    """Who is on call at `at`, with the bounds of their stretch (or of the gap)."""
    moment = _naive_utc(at, "at")
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
                _aware(since) if since_known else None,
                _aware(until) if until_known else None,
                source,
            )
        if widen_back:
            back += 1
        if widen_ahead:
            ahead += 1


@dataclass(frozen=True, slots=True)
class HoursPlan:
    """Working hours on a local wall clock, optionally not on holidays; no hours: always."""

    timezone: ZoneInfo
    hours: tuple[WeeklyHours, ...] = ()
    skip_holidays: bool = False
    holidays: HolidayCalendar | None = None


_HOURS_SEARCH = timedelta(days=8)
_HOURS_SEARCH_LIMIT = timedelta(days=400)


def next_in_hours(plan: HoursPlan, at: datetime) -> datetime | None:
    """The first instant at or after `at` within the hours: `at` itself when it is inside.

    None when no hours start within a year (every day a holiday, say).
    """
    moment = _naive_utc(at, "at")
    window_start = moment
    while window_start - moment < _HOURS_SEARCH_LIMIT:
        window_end = window_start + _HOURS_SEARCH
        open_time = _covered(_windows_of(plan.hours), plan.timezone, window_start, window_end)
        if plan.skip_holidays and plan.holidays is not None and open_time:
            open_time = subtract(
                open_time, _days_off(plan.holidays, plan.timezone, window_start, window_end)
            )
        if open_time:
            return _aware(open_time[0][0])
        window_start = window_end
    return None


def in_hours(plan: HoursPlan, at: datetime) -> bool:
    """Whether `at` falls within the hours (a holiday counts as outside when they skip them)."""
    return next_in_hours(plan, at) == at


@dataclass(frozen=True, slots=True)
class _LayerFacts:
    """A staffed layer as its shifts are counted: its first handoff on both clocks, and its end."""

    members: tuple[str, ...]
    sole_member: str | None  # set when one person holds every shift
    step: timedelta  # the shift length on the local wall clock
    anchor_local: datetime  # the first handoff, naive local
    anchor_utc: datetime
    stop_utc: datetime | None  # the last handoff, None: open-ended
    windows: tuple[_Window, ...]  # the layer's own covered hours; none: always


@dataclass(frozen=True, slots=True)
class _RotaFacts:
    """A rota's unchanging facts, so each question does only the work that depends on it."""

    layers: tuple[_LayerFacts, ...]  # staffed layers only, bottom first
    staffed_from: datetime | None  # the first handoff of any staffed layer; None: nobody, ever
    staffed_until: datetime | None  # the last end of any staffed layer; None: open-ended
    windows: tuple[_Window, ...]  # the rota's covered hours; none: always
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
        stop_utc = None if layer.end is None else _to_utc(_handoff_on(layer, layer.end), zone)
        layers.append(
            _LayerFacts(
                members=members,
                sole_member=members[0] if members.count(members[0]) == len(members) else None,
                step=layer.shift.wall_clock,
                anchor_local=anchor_local,
                anchor_utc=_to_utc(anchor_local, zone),
                stop_utc=stop_utc,
                windows=_windows_of(layer.hours),
            )
        )
    open_ended = any(layer.stop_utc is None for layer in layers)
    return _RotaFacts(
        layers=tuple(layers),
        staffed_from=min((layer.anchor_utc for layer in layers), default=None),
        staffed_until=None
        if open_ended or not layers
        else max(layer.stop_utc for layer in layers if layer.stop_utc is not None),
        windows=_windows_of(rota.hours),
        first_search_window=_first_search_window(rota),
    )


@lru_cache(maxsize=256)
def _windows_of(hours: tuple[WeeklyHours, ...]) -> tuple[_Window, ...]:
    """Covered hours as offsets from local midnight, ready to add to it."""
    return tuple(
        (
            window.days,
            window.start_minute * _ONE_MINUTE,
            (window.start_minute + window.length_minutes) * _ONE_MINUTE,
        )
        for window in hours
    )


def _first_search_window(rota: RotaPlan) -> int:
    """Which search window to try first: one wider than a shift if the rota never sleeps.

    Without covered hours the top staffed layer hides those beneath, so stretches mostly run
    from one of its handoffs to the next, and looking a day either side of a weekly shift is
    wasted work. With hours, stretches are mostly shorter than a day.
    """
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
    open_time = intersect(free, _covered(facts.windows, zone, staffed_start, staffed_end))
    if rota.skip_holidays and rota.holidays is not None and open_time:
        open_time = subtract(open_time, _days_off(rota.holidays, zone, staffed_start, staffed_end))
    for layer in reversed(facts.layers):
        if not open_time:
            break
        shifts = _layer_shifts(layer, zone, open_time[0][0], open_time[-1][1])
        if not shifts:
            continue
        cover = open_time
        if layer.windows:
            cover = intersect(cover, _covered(layer.windows, zone, shifts[0][0], shifts[-1][1]))
        pieces = _clip_to(shifts, cover)
        painted.extend(
            (piece_start, piece_end, person, LAYER) for piece_start, piece_end, person in pieces
        )
        open_time = subtract(
            open_time, [(piece_start, piece_end) for piece_start, piece_end, _ in pieces]
        )
    return _join(painted)


def _paint_overrides(
    overrides: list[tuple[str, datetime, datetime]], start: datetime, end: datetime
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
            (max(free_start, override_start), min(free_end, override_end), person, OVERRIDE)
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
    index = max(0, (_to_local(start, zone) - layer.anchor_local) // step - 1)
    handoff = layer.anchor_local + index * step
    shift_start = _to_utc(handoff, zone)
    shifts: list[_Shift] = []
    while shift_start < stop:
        handoff += step
        # max() keeps boundaries in order when a handoff falls in a spring-forward gap.
        shift_end = min(max(shift_start, _to_utc(handoff, zone)), stop)
        if shift_end > start and shift_end > shift_start:
            shifts.append((max(shift_start, start), shift_end, members[index % len(members)]))
        index += 1
        shift_start = shift_end
    return shifts


def _handoff_on(layer: LayerPlan, day: date) -> datetime:
    """The naive local time of the layer's handoff on `day`."""
    return datetime.combine(day, layer.handoff.time_of_day)


def _covered(
    windows: tuple[_Window, ...], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The covered stretches within [start, end); no hours means always covered."""
    if not windows:
        return [(start, end)]
    # Start a day early: a window that runs past midnight belongs to the day it starts.
    midnight = datetime.combine(_to_local(start, zone).date() - _ONE_DAY, _MIDNIGHT)
    last_midnight = datetime.combine(_to_local(end, zone).date(), _MIDNIGHT)
    found: list[Interval] = []
    while midnight <= last_midnight:
        for window_start, window_end in _day_windows(windows, zone, midnight):
            if window_end > start and window_start < end:
                found.append((max(window_start, start), min(window_end, end)))
        midnight += _ONE_DAY
    return merge(found)


@lru_cache(maxsize=4096)
def _day_windows(
    windows: tuple[_Window, ...], zone: ZoneInfo, midnight: datetime
) -> tuple[Interval, ...]:
    """The covered windows that open on the local day starting at `midnight`, in naive UTC.

    Kept: a team's rotas share a few kinds of covered hours, and every question about any of
    them asks about the same few days, so each day is converted from the wall clock once.
    """
    weekday = midnight.weekday()
    return tuple(
        (_to_utc(midnight + opens, zone), _to_utc(midnight + closes, zone))
        for days, opens, closes in windows
        if weekday in days
    )


def _days_off(
    calendar: HolidayCalendar, zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """Whole local days that are holidays, within [start, end)."""
    found: list[Interval] = []
    # Every zone's local date is within a day of the UTC date; days outside are dropped below.
    for day in calendar.days_between((start - _ONE_DAY).date(), (end + _ONE_DAY).date()):
        midnight = datetime.combine(day, _MIDNIGHT)
        day_start, day_end = _to_utc(midnight, zone), _to_utc(midnight + _ONE_DAY, zone)
        found.append((max(day_start, start), min(day_end, end)))
    return merge(found)


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


def _start_of(stretch: Interval | _Stretch) -> datetime:
    return stretch[0]


def _end_of(stretch: Interval | _Stretch) -> datetime:
    return stretch[1]


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The naive UTC instant of a naive local wall-clock time in `zone`.

    A time skipped by a spring-forward change is read with the offset before the change (so it
    lands just after the jump); a repeated autumn time means its first occurrence. That is
    fold=0, which is how `utcoffset` reads a naive time (never None for a ZoneInfo).
    """
    return local - (zone.utcoffset(local) or _NO_OFFSET)


def _to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of a naive UTC instant."""
    # fromutc is the cheapest exact way there: it reads the fields of a datetime stamped with
    # the zone as UTC, and an aware datetime plus a timedelta keeps its fields' arithmetic.
    local = zone.fromutc(_epoch_in(zone) + (instant - _EPOCH))
    return instant + (local.utcoffset() or _NO_OFFSET)


@lru_cache(maxsize=64)
def _epoch_in(zone: ZoneInfo) -> datetime:
    return datetime(1970, 1, 1, tzinfo=zone)


def _naive_utc(instant: datetime, name: str) -> datetime:
    offset = instant.utcoffset()
    if offset is None:
        # astimezone() would read a naive time as the server's local time: refuse to guess.
        raise ValueError(f"{name} must be an aware datetime, not naive {instant.isoformat()}")
    # Arithmetic, not replace(tzinfo=None): it gives the same instant for a fraction of the cost.
    return _EPOCH + (instant - _EPOCH_UTC)


def _naive_overrides(overrides: Sequence[OverridePlan]) -> list[tuple[str, datetime, datetime]]:
    return [
        (o.person, _naive_utc(o.start, "override start"), _naive_utc(o.end, "override end"))
        for o in overrides
    ]


def _aware(instant: datetime) -> datetime:
    return _EPOCH_UTC + (instant - _EPOCH)
