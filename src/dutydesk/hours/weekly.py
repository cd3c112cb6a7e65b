"""Weekly hours on a local wall clock: the language of "Mon-Fri 09:30-17:30".

Pure functions; each raises ValueError with a message fit to show to the person who wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
MINUTES_PER_DAY = 24 * 60


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
class WeeklyHours:
    """One line of hours: on these local days, from a time, for a number of minutes.

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
