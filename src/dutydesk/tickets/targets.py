"""Response targets and the clocks that run against them: pure maths, no database.

A target is an amount of time counted either in support hours (the team's `support:` hours,
closed on bank holidays when they skip them) or in calendar hours. It is written as a duration
("20m", "1h", "1h30m") or in support days ("1 support day", "2 support days").

A support day is the support time of an average open day of the week: 8 hours for
"Mon-Fri 09:30-17:30", 24 hours for hours that are always open. So a P4 that arrives on a
Friday at 16:50 with those hours has used 40 minutes of its day by 17:30 and is due at 16:50 on
the next open day: Monday, or Tuesday when Monday is a bank holiday.

A clock that pauses (a ticket waiting on the tenant) keeps the time it has used; when it runs
again it falls due when the rest of the target has passed, counted the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import WeeklyHours

_NOTHING = timedelta(0)
_WEEK = timedelta(days=7)
_DURATION_RE = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$")
_SUPPORT_DAYS_RE = re.compile(r"^(\d+)\s+support\s+days?$")


@dataclass(frozen=True, slots=True)
class Target:
    """How long a clock may run: `amount`, or `support_days` of the hours' support days (one
    of the two), counted in support hours unless `calendar`."""

    amount: timedelta = _NOTHING
    support_days: int = 0
    calendar: bool = False

    def length(self, hours: SupportHours) -> timedelta:
        """The target as time to count: support days become the hours' support-day length."""
        if self.support_days:
            return self.support_days * support_day(hours)
        return self.amount

    def text(self) -> str:
        """As written in the team file (canonical form)."""
        if self.support_days:
            plural = "" if self.support_days == 1 else "s"
            return f"{self.support_days} support day{plural}"
        return _written(self.amount)


def parse_target(text: str, *, calendar: bool = False) -> Target:
    """Read "20m", "2h", "1h30m", "1d" or "2 support days"; ValueError says what is wrong."""
    written = " ".join(text.strip().lower().split())
    days = _SUPPORT_DAYS_RE.match(written)
    if days:
        count = int(days.group(1))
        if count < 1:
            raise ValueError(f"{text!r}: a target of support days must be at least 1 support day")
        if calendar:
            raise ValueError(f"{text!r}: support days count only in support hours")
        return Target(support_days=count)
    match = _DURATION_RE.match(written)
    if not written or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a target like 20m, 2h, 1h30m, 1d or 2 support days")
    day_count, hour_count, minute_count = (int(part) if part else 0 for part in match.groups())
    amount = timedelta(days=day_count, hours=hour_count, minutes=minute_count)
    if amount <= _NOTHING:
        raise ValueError(f"{text!r}: a target must be longer than nothing")
    return Target(amount=amount, calendar=calendar)


def _written(amount: timedelta) -> str:
    """ "1h30m" for 90 minutes, "1d" for a day: as `parse_target` reads it."""
    minutes = int(amount.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    return "".join(parts) or "0m"


def support_day(hours: SupportHours) -> timedelta:
    """The support time of an average open day: a week's open hours over its open days.

    Measured over a week of the hours' windows without holidays, so a bank holiday in the
    week does not change the length of a day; always open: 24 hours.
    """
    return _support_day(hours.timezone, hours.weekly)


# Every clock of a support-days target asks this, several times: worked out once per hours.
@lru_cache(maxsize=64)
def _support_day(zone: ZoneInfo, weekly: tuple[WeeklyHours, ...]) -> timedelta:
    if not weekly:
        return timedelta(days=1)
    plain = SupportHours(zone, weekly)
    monday = datetime(2001, 1, 1, tzinfo=zone)  # a Monday in a week without DST
    open_days = {
        opens.astimezone(zone).date() for opens, _ in plain.open_intervals(monday, monday + _WEEK)
    }
    if not open_days:
        return timedelta(days=1)
    return plain.elapsed(monday, monday + _WEEK) / len(open_days)


def time_used(target: Target, hours: SupportHours, start: datetime, end: datetime) -> timedelta:
    """The time a clock running from `start` to `end` has used of `target`."""
    if end <= start:
        return _NOTHING
    if target.calendar:
        return end - start
    return hours.elapsed(start, end)


def due_at(
    target: Target,
    hours: SupportHours,
    running_since: datetime,
    *,
    used: timedelta = _NOTHING,
    fraction: float = 1.0,
) -> datetime | None:
    """When `fraction` of `target` will have been used by a clock that had used `used` when it
    last started running, at `running_since`. That instant itself when it is already used up;
    None when support hours never open to let it (every day a holiday, say)."""
    remaining = target.length(hours) * fraction - used
    if remaining <= _NOTHING:
        return running_since
    if target.calendar:
        return running_since + remaining
    return hours.add(running_since, remaining)
