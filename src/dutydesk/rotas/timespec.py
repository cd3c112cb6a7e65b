"""Parsing the small time languages of a rota: shift lengths, handoffs and covered hours.

Pure functions; each raises ValueError with a message fit to show to the person who wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_INDEX = {name.lower(): index for index, name in enumerate(DAY_NAMES)}
_DAY_INDEX.update(
    {
        full.lower(): index
        for index, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    }
)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_UNIT_HOURS = {"h": 1, "d": 24, "w": 7 * 24}
# A year: longer is surely a typo, and far longer overflows the date arithmetic of the rota maths.
LONGEST_SHIFT_HOURS = 366 * 24
_SHIFT_RE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
MINUTES_PER_DAY = 24 * 60


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


def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """Parse "09:30" into minutes since midnight ("24:00" only where allowed)."""
    match = _CLOCK_RE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time of day like 09:30")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if allow_24 and hours == 24 and minutes == 0:
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r} is not a time of day like 09:30")
    return hours * 60 + minutes


def parse_day(text: str) -> int:
    """Parse a day name ("Mon" or "Monday") into 0 = Monday … 6 = Sunday."""
    try:
        return _DAY_INDEX[text.strip().lower()]
    except KeyError:
        raise ValueError(f"{text!r} is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)") from None


def parse_days(text: str) -> frozenset[int]:
    """Parse "Mon-Fri", "Sat,Sun", "Fri-Mon" (wraps), "Daily"."""
    spec = text.strip()
    if spec.lower() in {"daily", "every day", "mon-sun"}:
        return frozenset(range(7))
    days: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            first_text, last_text = part.split("-", 1)
            first, last = parse_day(first_text), parse_day(last_text)
            day = first
            days.add(day)
            while day != last:
                day = (day + 1) % 7
                days.add(day)
        else:
            days.add(parse_day(part))
    return frozenset(days)


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


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """One line of covered hours: on these local days, from a time, for a number of minutes.

    A window that ends at or before it starts ("17:30-09:30") runs past midnight into the
    next day; it belongs to the day it starts on.
    """

    days: frozenset[int]
    start_minute: int
    length_minutes: int
    text: str

    def __str__(self) -> str:
        return self.text


def parse_hours(text: str) -> WeeklyHours:
    """Parse "Mon-Fri 09:30-17:30", "Mon-Fri 17:30-09:30" (overnight) or "Sat 00:00-24:00".

    Without days ("09:00-17:00") the hours apply every day.
    """
    parts = str(text).split()
    if len(parts) == 1:
        days_text, range_text = "daily", parts[0]
    elif len(parts) == 2:
        days_text, range_text = parts
    else:
        raise ValueError(f"{text!r} is not covered hours like 'Mon-Fri 09:30-17:30'")
    if range_text.count("-") != 1:
        raise ValueError(f"{text!r} is not covered hours like 'Mon-Fri 09:30-17:30'")
    start_text, end_text = range_text.split("-")
    try:
        days = parse_days(days_text)
        start = parse_clock(start_text)
        end = parse_clock(end_text, allow_24=True)
    except ValueError as error:
        raise ValueError(f"{text!r}: {error}") from None
    if end == start:
        raise ValueError(
            f"{text!r} starts and ends at the same time; for a whole day write 00:00-24:00"
        )
    length = end - start if end > start else end + MINUTES_PER_DAY - start
    return WeeklyHours(days, start, length, " ".join(parts) if len(parts) == 2 else parts[0])
