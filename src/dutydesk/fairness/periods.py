"""Periods the fairness report and `rota suggest` speak of: calendar quarters ("2027Q1") on
the team's local calendar, and the default period, the last whole quarter. Pure: no database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dutydesk.errors import Invalid
from dutydesk.timeparse import EARLIEST_TIME, LATEST_TIME, parse_time

_QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse_quarter(text: str, *, field: str = "quarter") -> date:
    """The first day of the quarter `text` names ("2027Q1", "2027-q1"); Invalid naming `field`."""
    found = _QUARTER_RE.match(text.strip())
    if found is None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise Invalid(f"{field}: {shown!r} is not a quarter; use YEARQn like 2027Q1")
    year = int(found.group(1))
    if not EARLIEST_TIME.year <= year < LATEST_TIME.year - 1:
        raise Invalid(f"{field}: {text!r} is out of range (years 1900 to 2998)")
    return date(year, 3 * (int(found.group(2)) - 1) + 1, 1)


def quarter_start(day: date) -> date:
    """The first day of the quarter `day` is in."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(first_day: date) -> date:
    """The first day of the quarter after the one starting on `first_day`."""
    month = first_day.month + 3
    return date(first_day.year + (month > 12), (month - 1) % 12 + 1, 1)


def previous_quarter(first_day: date) -> date:
    """The first day of the quarter before the one starting on `first_day`."""
    month = first_day.month - 3
    return date(first_day.year - (month < 1), (month - 1) % 12 + 1, 1)


def quarter_name(first_day: date) -> str:
    """'2027Q1'."""
    return f"{first_day.year}Q{(first_day.month - 1) // 3 + 1}"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant the local day begins."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def quarter_bounds(first_day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The quarter starting on `first_day` as UTC instants [start, end) of the team's days."""
    return local_midnight(first_day, zone), local_midnight(next_quarter(first_day), zone)


def last_whole_quarter(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The default period of the report: the last quarter that has ended."""
    this_quarter = quarter_start(now.astimezone(zone).date())
    return quarter_bounds(previous_quarter(this_quarter), zone)


def period_of(
    from_text: str | None,
    to_text: str | None,
    quarter_text: str | None,
    zone: ZoneInfo,
    now: datetime,
    *,
    fields: tuple[str, str, str] = ("from", "to", "quarter"),
) -> tuple[datetime, datetime]:
    """The period a request asks for: a quarter, or from and to (to exclusive; bare dates are
    the start of that local day), or by default the last whole quarter. Invalid names the
    field at fault, as `fields` spells them (`--from` on the command line)."""
    from_field, to_field, quarter_field = fields
    if quarter_text is not None:
        if from_text is not None or to_text is not None:
            raise Invalid(
                f"{quarter_field}: give a quarter or {from_field} and {to_field}, not both"
            )
        return quarter_bounds(parse_quarter(quarter_text, field=quarter_field), zone)
    if from_text is None and to_text is None:
        return last_whole_quarter(now, zone)
    if from_text is None or to_text is None:
        missing = from_field if from_text is None else to_field
        raise Invalid(f"{missing}: give both {from_field} and {to_field}, or neither")
    return (
        parse_time(from_text, zone, now, field=from_field),
        parse_time(to_text, zone, now, field=to_field),
    )
