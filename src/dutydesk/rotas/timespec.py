"""Parsing the time languages that belong to rotas alone: shift lengths and handoffs.

Covered hours are support hours, in `dutydesk.hours.weekly`. Pure functions; each raises
ValueError with a message fit to show to the person who wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

from dutydesk.hours.weekly import DAY_NAMES, parse_clock, parse_day

_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_UNIT_HOURS = {"h": 1, "d": 24, "w": 7 * 24}
# A year: longer is surely a typo, and far longer overflows the date arithmetic of the rota maths.
LONGEST_SHIFT_HOURS = 366 * 24
_SHIFT_RE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ShiftLength:
    """A shift length in wall-clock units: handoffs keep their local time across DST."""

    count: int
    unit: str  # "h", "d" or "w"

    @property
    def wall_clock(self) -> timedelta:
        """The length as a wall-clock step, to add to naive local times."""
        return self.count * _UNITS[self.unit]

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def parse_shift(text: str) -> ShiftLength:
    """Parse "12h", "1d", "1w", "2w" …"""
    match = _SHIFT_RE.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a shift length like 12h, 1d, 1w or 2w")
    count, unit = int(match.group(1)), match.group(2).lower()
    if count < 1:
        raise ValueError(f"{text!r}: a shift must be at least 1 hour long")
    if count * _UNIT_HOURS[unit] > LONGEST_SHIFT_HOURS:
        raise ValueError(f"{text!r}: a shift can be at most a year (366d) long")
    return ShiftLength(count, unit)


@dataclass(frozen=True, slots=True)
class Handoff:
    """When shifts change hands: a local time of day, and optionally the weekday."""

    weekday: int | None
    minute_of_day: int

    @property
    def time_of_day(self) -> time:
        return time(self.minute_of_day // 60, self.minute_of_day % 60)

    def __str__(self) -> str:
        clock = f"{self.minute_of_day // 60:02d}:{self.minute_of_day % 60:02d}"
        return clock if self.weekday is None else f"{DAY_NAMES[self.weekday]} {clock}"


def parse_handoff(text: str) -> Handoff:
    """Parse "Mon 09:30" or "09:30"."""
    parts = str(text).split()
    try:
        if len(parts) == 1:
            return Handoff(None, parse_clock(parts[0]))
        if len(parts) == 2:
            return Handoff(parse_day(parts[0]), parse_clock(parts[1]))
    except ValueError as error:
        raise ValueError(
            f"{text!r} is not a handoff like 'Mon 09:30' or '09:30': {error}"
        ) from None
    raise ValueError(f"{text!r} is not a handoff like 'Mon 09:30' or '09:30'")
