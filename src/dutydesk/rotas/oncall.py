"""Who is on call: pure maths over a rota's layers, hours, holidays and overrides.

No database here. Times in and out are aware UTC datetimes; the rota's time zone is used only
to place handoffs and covered hours on the local wall clock, so they survive DST changes.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dutydesk.rotas.holidays import HolidayCalendar
from dutydesk.rotas.intervals import Interval, intersect, merge, subtract
from dutydesk.rotas.timespec import Handoff, ShiftLength, WeeklyHours

LAYER = "layer"
OVERRIDE = "override"
# How far `on_call_at` looks either side of the instant before giving up on finding a bound.
_SEARCH_WINDOWS = (timedelta(days=1), timedelta(days=8), timedelta(days=64), timedelta(days=400))


@dataclass(frozen=True, slots=True)
class LayerPlan:
    """One layer: members take turns, one shift each, starting at `start`'s handoff."""

    members: tuple[str, ...]
    shift: ShiftLength
    handoff: Handoff
    start: date
    end: date | None = None
    hours: tuple[WeeklyHours, ...] = ()


@dataclass(frozen=True, slots=True)
class RotaPlan:
    """Everything needed to say who is on a rota at any time, except overrides."""

    timezone: ZoneInfo
    layers: tuple[LayerPlan, ...]
    hours: tuple[WeeklyHours, ...] = ()
    skip_holidays: bool = False
    holidays: HolidayCalendar | None = None


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


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Place a naive local wall-clock time in `zone` and return it in UTC.

    A time skipped by a spring-forward change is read with the offset before the change (so it
    lands just after the jump); a repeated autumn time means its first occurrence.
    """
    return local.replace(tzinfo=zone).astimezone(UTC)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of an instant."""
    return instant.astimezone(zone).replace(tzinfo=None)


def covered_intervals(
    hours: Sequence[WeeklyHours], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The covered stretches within [start, end); no hours means always covered."""
    if not hours:
        return [(start, end)]
    first_day = to_local(start, zone).date() - timedelta(days=1)
    last_day = to_local(end, zone).date()
    found: list[Interval] = []
    day = first_day
    while day <= last_day:
        weekday = day.weekday()
        for window in hours:
            if weekday in window.days:
                local_start = datetime(day.year, day.month, day.day) + timedelta(
                    minutes=window.start_minute
                )
                window_start = to_utc(local_start, zone)
                window_end = to_utc(local_start + timedelta(minutes=window.length_minutes), zone)
                if window_end > start and window_start < end:
                    found.append((max(window_start, start), min(window_end, end)))
        day += timedelta(days=1)
    return merge(found)


def holiday_intervals(
    calendar: HolidayCalendar, zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """Whole local days that are holidays, within [start, end)."""
    day = to_local(start, zone).date()
    last_day = to_local(end, zone).date()
    found: list[Interval] = []
    while day <= last_day:
        if calendar.is_holiday(day):
            midnight = datetime(day.year, day.month, day.day)
            found.append(
                (to_utc(midnight, zone), to_utc(midnight + timedelta(days=1), zone))
            )
        day += timedelta(days=1)
    return merge((max(s, start), min(e, end)) for s, e in found)


def layer_shifts(
    layer: LayerPlan, zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, str]]:
    """The layer's shifts overlapping [start, end), clipped to it: (start, end, member)."""
    if not layer.members:
        return []
    step = layer.shift.wall_clock
    anchor = datetime.combine(layer.start, layer.handoff.time_of_day)
    layer_end = (
        to_utc(datetime.combine(layer.end, layer.handoff.time_of_day), zone)
        if layer.end is not None
        else None
    )
    # Count shifts on the naive local clock: wall-clock steps make that exact, give or take
    # one near a DST change, which the boundary checks below absorb.
    index = max(0, (to_local(start, zone) - anchor) // step - 1)
    shifts: list[tuple[datetime, datetime, str]] = []
    shift_start = to_utc(anchor + index * step, zone)
    while shift_start < end and (layer_end is None or shift_start < layer_end):
        # max() keeps boundaries in order when a handoff falls in a spring-forward gap.
        shift_end = max(shift_start, to_utc(anchor + (index + 1) * step, zone))
        if layer_end is not None:
            shift_end = min(shift_end, layer_end)
        if shift_end > start and shift_end > shift_start:
            member = layer.members[index % len(layer.members)]
            shifts.append((max(shift_start, start), min(shift_end, end), member))
        index += 1
        shift_start = shift_end
    return shifts


def _clip_to(
    shifts: list[tuple[datetime, datetime, str]], cover: Sequence[Interval]
) -> list[tuple[datetime, datetime, str]]:
    """Keep only the parts of each shift that fall in `cover` (both sorted)."""
    clipped: list[tuple[datetime, datetime, str]] = []
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


def schedule(
    rota: RotaPlan, overrides: Sequence[OverridePlan], start: datetime, end: datetime
) -> list[Segment]:
    """The final schedule in [start, end): ordered, non-overlapping, adjacent repeats merged."""
    if end <= start:
        return []
    zone = rota.timezone
    rota_cover = covered_intervals(rota.hours, zone, start, end)
    if rota.skip_holidays and rota.holidays is not None:
        rota_cover = subtract(rota_cover, holiday_intervals(rota.holidays, zone, start, end))

    # Claims on time, each with a priority: later layers beat earlier ones, overrides beat
    # layers, later overrides beat earlier ones.
    claims: list[tuple[datetime, datetime, int, str, str]] = []
    for priority, layer in enumerate(rota.layers):
        cover = rota_cover
        if layer.hours:
            cover = intersect(cover, covered_intervals(layer.hours, zone, start, end))
        for piece_start, piece_end, person in _clip_to(layer_shifts(layer, zone, start, end), cover):
            claims.append((piece_start, piece_end, priority, person, LAYER))
    for offset, override in enumerate(overrides):
        piece_start, piece_end = max(override.start, start), min(override.end, end)
        if piece_start < piece_end:
            claims.append(
                (piece_start, piece_end, len(rota.layers) + offset, override.person, OVERRIDE)
            )
    return _upper_envelope(claims)


def _upper_envelope(claims: list[tuple[datetime, datetime, int, str, str]]) -> list[Segment]:
    """Sweep the claims in time order; at each moment the highest-priority live claim wins."""
    if not claims:
        return []
    claims.sort()
    points = sorted({claim[0] for claim in claims} | {claim[1] for claim in claims})
    live: list[tuple[int, datetime, str, str]] = []  # (-priority, end, person, source)
    segments: list[Segment] = []
    next_claim = 0
    for here, there in zip(points, points[1:], strict=False):
        while next_claim < len(claims) and claims[next_claim][0] <= here:
            claim_start, claim_end, priority, person, source = claims[next_claim]
            heapq.heappush(live, (-priority, claim_end, person, source))
            next_claim += 1
        while live and live[0][1] <= here:
            heapq.heappop(live)
        if not live:
            continue
        _, _, person, source = live[0]
        last = segments[-1] if segments else None
        if last and last.end == here and last.person == person and last.source == source:
            segments[-1] = Segment(person, last.start, there, source)
        else:
            segments.append(Segment(person, here, there, source))
    return segments


def on_call_at(rota: RotaPlan, overrides: Sequence[OverridePlan], at: datetime) -> OnCallNow:
    """Who is on call at `at`, with the bounds of their stretch (or of the gap)."""
    for reach in _SEARCH_WINDOWS:
        window_start, window_end = at - reach, at + reach
        segments = schedule(rota, overrides, window_start, window_end)
        before = [s for s in segments if s.start <= at]
        current = before[-1] if before and before[-1].end > at else None
        if current is not None:
            starts_inside = current.start > window_start
            ends_inside = current.end < window_end
            if (starts_inside and ends_inside) or reach == _SEARCH_WINDOWS[-1]:
                return OnCallNow(
                    current.person,
                    current.start if starts_inside else None,
                    current.end if ends_inside else None,
                    current.source,
                )
            continue
        gap_start = before[-1].end if before else None
        after = [s for s in segments if s.start > at]
        gap_end = after[0].start if after else None
        if (gap_start is not None and gap_end is not None) or reach == _SEARCH_WINDOWS[-1]:
            return OnCallNow(None, gap_start, gap_end, None)
    raise AssertionError("unreachable: the last window always returns")
