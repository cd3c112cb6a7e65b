"""Support hours and support time: when a team is open, and time counted only while it is.

Support hours are weekly windows on the team's local wall clock ("Mon-Fri 09:30-17:30"), closed
on holidays when they skip them; no windows at all means always open. Support time is the time
that falls within them: a target of "8 hours of support time" set at Friday 16:00 with weekday
hours 09:00-17:00 falls due at Monday 16:00.

Pure maths, no database: rotas (covered hours), escalation policies (the hours they page in) and
response targets all ask the same questions here.

How local times become instants (the rules of `wallclock.to_utc`):
- a window opens and closes at its local times on the day it starts; one that ends at or before
  it starts runs past midnight into the next day;
- a local time the clocks skip (01:30 when they go forward from 01:00 to 02:00) is read with the
  offset before the change, so it falls that long after the jump (01:30 GMT is 02:30 BST);
- a local time that happens twice (when the clocks go back) means its first occurrence;
- a holiday is a whole local day, from midnight to midnight; it closes the part of any window
  that falls on it, including the part after midnight of a window that started the day before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.intervals import Interval, merge, subtract
from dutydesk.hours.wallclock import aware_utc, naive_utc, to_local, to_utc
from dutydesk.hours.weekly import WeeklyHours

# How far the search for the next opening goes: a chunk at a time, at most a year and a bit.
# Beyond that the hours are as good as never open (every day a holiday, say).
SEARCH_LIMIT = timedelta(days=400)
_SEARCH_CHUNK = timedelta(days=8)
_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_ONE_MICROSECOND = timedelta(microseconds=1)
_NOTHING = timedelta(0)
_MIDNIGHT = time()

# One line of hours as (local weekdays, opens and closes after local midnight).
_Window = tuple[frozenset[int], timedelta, timedelta]


@dataclass(frozen=True, slots=True)
class SupportHours:
    """Weekly hours on a local wall clock, optionally closed on holidays; no hours: always open.

    Instants in are aware datetimes in any zone; instants out are aware UTC. Intervals are
    half-open, [start, end).
    """

    timezone: ZoneInfo
    weekly: tuple[WeeklyHours, ...] = ()
    skip_holidays: bool = False
    holidays: HolidayCalendar | None = None
    # Worked out once from the fields above.
    _windows: tuple[_Window, ...] = field(init=False, repr=False, compare=False)
    _closed_on: HolidayCalendar | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekly", tuple(self.weekly))
        object.__setattr__(self, "_windows", _windows_of(self.weekly))
        object.__setattr__(self, "_closed_on", self.holidays if self.skip_holidays else None)

    def is_open(self, at: datetime) -> bool:
        """Whether `at` falls within the hours (a skipped holiday is closed)."""
        moment = naive_utc(at, "at")
        return bool(self.open_naive(moment, moment + _ONE_MICROSECOND))

    def open_intervals(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The open intervals within [start, end), in order; none unless `end` is after `start`."""
        naive_start, naive_end = naive_utc(start, "start"), naive_utc(end, "end")
        return [
            (aware_utc(opens), aware_utc(closes))
            for opens, closes in self.open_naive(naive_start, naive_end)
        ]

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """The support time within [start, end); zero when `end` is not after `start`."""
        naive_start, naive_end = naive_utc(start, "start"), naive_utc(end, "end")
        return sum(
            (closes - opens for opens, closes in self.open_naive(naive_start, naive_end)),
            _NOTHING,
        )

    def next_open_at(self, at: datetime) -> datetime | None:
        """`at` itself when the hours are open then, else the next opening after it.

        None when nothing opens within SEARCH_LIMIT (every day a holiday, say).
        """
        found = self._next_open(naive_utc(at, "at"))
        return None if found is None else aware_utc(found)

    def add(self, at: datetime, support_time: timedelta) -> datetime | None:
        """The instant when `support_time` of support time has passed since `at`.

        The count starts at `next_open_at(at)`, so adding nothing gives the next opening. A sum
        that ends exactly at a closing time is due at that closing time, not at the next
        opening. None when the hours stay closed for SEARCH_LIMIT on the way.
        """
        if support_time < _NOTHING:
            seconds = support_time.total_seconds()
            raise ValueError(f"support time to add must not be negative (got {seconds:g} seconds)")
        cursor = self._next_open(naive_utc(at, "at"))
        if cursor is None:
            return None
        remaining, last_open = support_time, cursor
        while cursor - last_open < SEARCH_LIMIT:
            chunk_end = cursor + _SEARCH_CHUNK
            for opens, closes in self.open_naive(cursor, chunk_end):
                if closes - opens >= remaining:
                    return aware_utc(opens + remaining)
                remaining -= closes - opens
                last_open = closes
            cursor = chunk_end
        return None

    def open_naive(self, start: datetime, end: datetime) -> list[Interval]:
        """The open intervals within [start, end), with every instant naive UTC.

        For callers on a hot path that keep instants naive (see `wallclock`).
        """
        if end <= start:
            return []
        open_time = _covered(self._windows, self.timezone, start, end)
        if self._closed_on is not None and open_time:
            open_time = subtract(open_time, _days_off(self._closed_on, self.timezone, start, end))
        return open_time

    def _next_open(self, moment: datetime) -> datetime | None:
        chunk_start = moment
        while chunk_start - moment < SEARCH_LIMIT:
            chunk_end = chunk_start + _SEARCH_CHUNK
            open_time = self.open_naive(chunk_start, chunk_end)
            if open_time:
                return open_time[0][0]
            chunk_start = chunk_end
        return None


@lru_cache(maxsize=256)
def _windows_of(hours: tuple[WeeklyHours, ...]) -> tuple[_Window, ...]:
    """Hours as offsets from local midnight, ready to add to it."""
    return tuple(
        (
            window.days,
            window.start_minute * _ONE_MINUTE,
            (window.start_minute + window.length_minutes) * _ONE_MINUTE,
        )
        for window in hours
    )


def _covered(
    windows: tuple[_Window, ...], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The stretches of [start, end) within the windows; no windows means all of it."""
    if not windows:
        return [(start, end)]
    # Start a day early: a window that runs past midnight belongs to the day it starts.
    midnight = datetime.combine(to_local(start, zone).date() - _ONE_DAY, _MIDNIGHT)
    last_midnight = datetime.combine(to_local(end, zone).date(), _MIDNIGHT)
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
    """The windows that open on the local day starting at `midnight`, in naive UTC.

    Kept: a team's rotas and policies share a few kinds of hours, and every question about any
    of them asks about the same few days, so each day is converted from the wall clock once.
    """
    weekday = midnight.weekday()
    return tuple(
        (to_utc(midnight + opens, zone), to_utc(midnight + closes, zone))
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
        day_start, day_end = to_utc(midnight, zone), to_utc(midnight + _ONE_DAY, zone)
        found.append((max(day_start, start), min(day_end, end)))
    return merge(found)
