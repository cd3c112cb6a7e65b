"""Small builders for the on-call maths' inputs, so test tables read like the team file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.weekly import parse_hours
from dutydesk.rotas.oncall import LayerPlan, OverridePlan, RotaPlan, Segment
from dutydesk.rotas.timespec import parse_handoff, parse_shift

LONDON = ZoneInfo("Europe/London")


def make_layer(
    members: Sequence[str],
    shift: str = "1w",
    handoff: str = "Mon 09:30",
    start: date = date(2026, 1, 5),
    end: date | None = None,
    hours: Sequence[str] = (),
) -> LayerPlan:
    """A layer written the way the team file writes it."""
    return LayerPlan(
        members=tuple(members),
        shift=parse_shift(shift),
        handoff=parse_handoff(handoff),
        start=start,
        end=end,
        hours=tuple(parse_hours(h) for h in hours),
    )


def make_rota(
    *layers: LayerPlan,
    hours: Sequence[str] = (),
    holidays: str | HolidayCalendar | None = None,
    zone: str = "Europe/London",
) -> RotaPlan:
    """A rota; naming a holiday calendar also turns on skip_holidays."""
    calendar = HolidayCalendar(holidays) if isinstance(holidays, str) else holidays
    return RotaPlan(
        timezone=ZoneInfo(zone),
        layers=layers,
        hours=tuple(parse_hours(h) for h in hours),
        skip_holidays=calendar is not None,
        holidays=calendar,
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant written in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant written on the London wall clock, returned in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def make_override(person: str, start: datetime, end: datetime) -> OverridePlan:
    """An override, named for symmetry with the other builders."""
    return OverridePlan(person, start, end)


def stretches(segments: Sequence[Segment]) -> list[tuple[str, datetime, datetime]]:
    """Segments as (person, start, end), for tables that don't care about the source."""
    return [(s.person, s.start, s.end) for s in segments]
