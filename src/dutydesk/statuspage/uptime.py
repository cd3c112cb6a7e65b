"""A component's uptime bar on the status page: one entry per team-local day, pure maths.

Statuspage's formula: downtime is the time in major outage plus 30 % of the time in partial
outage; degraded performance and maintenance count as up. A day runs from local midnight to
the next (23 or 25 hours across a DST change), today only up to now, and no day is measured
before the component existed. Each day's colour is the worst of the states the component was
in and of the impacts of the status-page incidents that touched it.

Instants are counted in whole seconds since the epoch: the page shows nothing finer, and sums
of integers stay exact, so a day's uptime does not drift with the order of its pieces.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# The component states, as models.py spells them (not imported: this module stays pure).
OPERATIONAL = "operational"
DEGRADED = "degraded_performance"
PARTIAL = "partial_outage"
MAJOR = "major_outage"
MAINTENANCE = "under_maintenance"

# A day's level, best to worst after "no_data".
NO_DATA = "no_data"
LEVELS = ("operational", "maintenance", "minor", "major", "critical")
_RANK = {level: rank for rank, level in enumerate(LEVELS)}
STATE_LEVELS = {
    OPERATIONAL: "operational",
    MAINTENANCE: "maintenance",
    DEGRADED: "minor",
    PARTIAL: "major",
    MAJOR: "critical",
}
IMPACT_LEVELS = {
    "none": "operational",
    "maintenance": "maintenance",
    "minor": "minor",
    "major": "major",
    "critical": "critical",
}
_STATE_RANK = {state: _RANK[level] for state, level in STATE_LEVELS.items()}
_IMPACT_RANK = {impact: _RANK[level] for impact, level in IMPACT_LEVELS.items()}
# Statuspage's weight of a second in partial outage against one in major outage.
PARTIAL_WEIGHT = 0.3
DEFAULT_DAYS = 90


@dataclass(frozen=True, slots=True)
class IncidentMark:
    """A status-page incident that concerned the component; end_at None: still open."""

    id: str
    name: str
    impact: str
    start_at: datetime
    end_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UptimeDay:
    """One team-local day of the bar; uptime None: no data (the component did not exist)."""

    day: date
    uptime: float | None
    level: str
    major_outage_seconds: int
    partial_outage_seconds: int
    incidents: tuple[tuple[str, str], ...]
    # What uptime is a fraction of: the day's seconds since the component existed, up to now.
    measured_seconds: int = 0


def uptime_days(
    changes: Sequence[tuple[datetime, str]],
    incidents: Sequence[IncidentMark],
    since_at: datetime,
    now: datetime,
    zone: ZoneInfo,
    days: int = DEFAULT_DAYS,
) -> list[UptimeDay]:
    """The last `days` team-local days up to today, oldest first, with uptime and level."""
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    now_s = _seconds(now, "now")
    since_s = _seconds(since_at, "since_at")
    today = now.astimezone(zone).date()
    # Each day's local midnight, and the next one after today's.
    midnights = _midnights(zone, today - timedelta(days=days - 1), days)
    ends = [*midnights[1:days], now_s]
    tally = _Tally(midnights, ends)
    _spend_changes(tally, changes, max(midnights[0], since_s), now_s)
    _mark_incidents(tally, incidents, now_s)

    bar: list[UptimeDay] = []
    for index in range(days):
        measured = ends[index] - max(midnights[index], since_s)
        major, partial = tally.major[index], tally.partial[index]
        uptime: float | None = None
        level = NO_DATA
        if measured > 0:
            uptime = 1 - (major + PARTIAL_WEIGHT * partial) / measured
            # Never outside [0, 1], whatever the float rounding of the weighted sum.
            uptime = min(1.0, max(0.0, uptime))
            level = LEVELS[tally.rank[index]]
        bar.append(
            UptimeDay(
                day=today - timedelta(days=days - 1 - index),
                uptime=uptime,
                level=level,
                major_outage_seconds=major,
                partial_outage_seconds=partial,
                incidents=tuple(tally.incidents[index]),
                measured_seconds=max(0, measured),
            )
        )
    return bar


def period_uptime(days: Sequence[UptimeDay]) -> float | None:
    """The uptime over all the days with data, each weighted by its measured seconds."""
    measured = downtime = 0.0
    lowest, highest = 1.0, 0.0
    for day in days:
        if day.uptime is None or day.measured_seconds <= 0:
            continue
        measured += day.measured_seconds
        downtime += day.major_outage_seconds + PARTIAL_WEIGHT * day.partial_outage_seconds
        lowest, highest = min(lowest, day.uptime), max(highest, day.uptime)
    if measured == 0:
        return None
    # A weighted mean lies between its terms; float rounding must not put it outside them.
    return min(highest, max(lowest, 1 - downtime / measured))


class _Tally:
    """Each day's seconds in outage, worst level rank and incidents, filled in time order."""

    __slots__ = ("day", "ends", "incidents", "major", "midnights", "partial", "rank")

    def __init__(self, midnights: tuple[int, ...], ends: list[int]) -> None:
        self.midnights = midnights
        self.ends = ends
        self.major = [0] * len(ends)
        self.partial = [0] * len(ends)
        self.rank = [0] * len(ends)
        self.incidents: list[list[tuple[str, str]]] = [[] for _ in ends]
        self.day = 0  # the day the last stretch ended in: stretches come in time order

    def spend(self, from_s: int, to_s: int, state: str) -> None:
        """Count the stretch [from_s, to_s) in `state` on the days it covers."""
        ends, index = self.ends, self.day
        rank = _STATE_RANK[state]
        while ends[index] <= from_s:
            index += 1
        while True:
            piece = min(to_s, ends[index]) - from_s
            if piece > 0:
                if state == MAJOR:
                    self.major[index] += piece
                elif state == PARTIAL:
                    self.partial[index] += piece
                if rank > self.rank[index]:
                    self.rank[index] = rank
            if to_s <= ends[index]:
                break
            from_s = ends[index]
            index += 1
        self.day = index


def _spend_changes(
    tally: _Tally, changes: Sequence[tuple[datetime, str]], from_s: int, now_s: int
) -> None:
    """Walk the changes once, counting each stretch of a state between `from_s` and now."""
    # Before its first change a component is in its initial state, as a new one is.
    state, cursor, last_s = OPERATIONAL, from_s, None
    for at, new_state in changes:
        if new_state not in _STATE_RANK:
            raise ValueError(f"no component state {new_state!r}")
        at_s = _seconds(at, "a change's at")
        if last_s is not None and at_s < last_s:
            raise ValueError(f"changes must be in time order: {at.isoformat()} comes too late")
        last_s = at_s
        if at_s > now_s:
            break  # what is set for later has not happened yet
        if at_s > cursor:
            tally.spend(cursor, at_s, state)
            cursor = at_s
        state = new_state  # a change before the window only sets the state it starts in
    if now_s > cursor:
        tally.spend(cursor, now_s, state)


def _mark_incidents(tally: _Tally, incidents: Sequence[IncidentMark], now_s: int) -> None:
    """List each incident on every day it touched, in start order, and raise those days' level."""
    midnights, last_day = tally.midnights, len(tally.ends) - 1
    spans: list[tuple[int, int, IncidentMark]] = []
    for mark in incidents:
        if mark.impact not in _IMPACT_RANK:
            raise ValueError(f"no incident impact {mark.impact!r}")
        start_s = _seconds(mark.start_at, "an incident's start_at")
        end_s = now_s if mark.end_at is None else _seconds(mark.end_at, "an incident's end_at")
        if start_s <= now_s:  # one starting later is scheduled, not yet seen
            spans.append((start_s, max(start_s, end_s), mark))
    spans.sort(key=lambda span: span[0])
    for start_s, end_s, mark in spans:
        # The day it started on, then each day it ran into; ending at midnight is not running
        # into the next day, but one opened and closed at once still marks its day.
        first = bisect_right(midnights, start_s) - 1
        last = min(last_day, max(first, bisect_left(midnights, end_s) - 1))
        rank = _IMPACT_RANK[mark.impact]
        for index in range(max(0, first), last + 1):
            tally.incidents[index].append((mark.id, mark.name))
            if rank > tally.rank[index]:
                tally.rank[index] = rank


@lru_cache(maxsize=64)
def _midnights(zone: ZoneInfo, first_day: date, days: int) -> tuple[int, ...]:
    """The epoch seconds of `days` + 1 local midnights from `first_day` (shared by components)."""
    # fold=0: a midnight repeated by a change back is its first occurrence, and one skipped by
    # a change forward reads the offset before it, landing on the change itself.
    return tuple(
        _seconds(datetime.combine(first_day + timedelta(days=n), time(), tzinfo=zone), "midnight")
        for n in range(days + 1)
    )


def _seconds(instant: datetime, name: str) -> int:
    """An aware datetime as whole seconds since the epoch; a naive one is refused."""
    if instant.utcoffset() is None:
        # timestamp() would read a naive time as the server's local time: refuse to guess.
        raise ValueError(f"{name} must be an aware datetime, not naive {instant.isoformat()}")
    return math.floor(instant.timestamp())
