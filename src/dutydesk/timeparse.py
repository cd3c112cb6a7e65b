"""Times at the edges: reading what people type and writing what they read."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dutydesk.errors import Invalid

# At most four digits a unit: more is a typing mistake (and would overflow a timedelta).
_DURATION_RE = re.compile(r"^(?:(\d{1,4})d)?(?:(\d{1,4})h)?(?:(\d{1,4})m)?$")
# "2026-03-29T09:30 01:00": a '+' sent unencoded in a URL query arrives as a space.
_SPACE_FOR_PLUS_RE = re.compile(r"^(\S+T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")
_CLOCK_RE = re.compile(r"^\d{1,2}:\d{2}$")
# Times outside these years are typing mistakes, and would overflow date arithmetic.
EARLIEST_TIME = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(3000, 1, 1, tzinfo=UTC)


def parse_zone(name: str) -> ZoneInfo:
    """An IANA time zone such as Europe/London."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"{name!r} is not a time zone (use an IANA name like Europe/London)"
        ) from None


def parse_time(text: str, zone: ZoneInfo, now: datetime, *, field: str = "time") -> datetime:
    """Read an ISO 8601 time; without an offset it is local time in `zone`. Returns UTC.

    Also accepts "now", a bare date (the start of that local day) and a bare clock time such
    as 12:30 (today, local time). A local time the clocks skip is refused (`local_instant`).
    """
    value = _SPACE_FOR_PLUS_RE.sub(r"\1+\2", text.strip())
    if value.lower() == "now":
        return now.astimezone(UTC)
    if _CLOCK_RE.match(value):
        value = f"{now.astimezone(zone).date().isoformat()}T{value.zfill(5)}"
    bare_date = len(value) == 10
    try:
        if bare_date:
            day = date.fromisoformat(value)
            parsed = datetime(day.year, day.month, day.day)
        else:
            parsed = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise Invalid(
            f"{field}: {text!r} is not a time; use ISO 8601 like 2026-03-29T09:30"
            " (team local time) or 2026-03-29T08:30Z"
        ) from None
    if not EARLIEST_TIME.year <= parsed.year < LATEST_TIME.year:
        raise Invalid(f"{field}: {text!r} is out of range (years 1900 to 2999)")
    if bare_date:
        return start_of_day(parsed, zone)
    if parsed.tzinfo is None:
        parsed = local_instant(parsed, zone, field=field)
    return parsed.astimezone(UTC)


def local_instant(wall: datetime, zone: ZoneInfo, *, field: str = "time") -> datetime:
    """A naive local wall-clock time placed in `zone`; Invalid if the clocks skip it.

    A time the clocks skip (spring forward) names no instant, and guessing one would quietly
    move the override or swap by an hour, so it is refused with the reason. A time that happens
    twice (the clocks go back) is its first occurrence; an explicit offset picks the second.
    """
    placed = wall.replace(tzinfo=zone, fold=0)
    if placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return placed
    jumped_from, jumped_to, _ = _skipped_span(wall, zone)
    raise Invalid(
        f"{field}: {wall:%H:%M} on {wall:%Y-%m-%d} does not exist in {zone.key}: clocks go"
        f" forward from {jumped_from:%H:%M} to {jumped_to:%H:%M}"
    )


def start_of_day(midnight: datetime, zone: ZoneInfo) -> datetime:
    """A day's first instant in `zone` (UTC): midnight, or when the clocks skip midnight (some
    zones change at 00:00), the moment they jump."""
    placed = midnight.replace(tzinfo=zone)
    if placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == midnight:
        return placed.astimezone(UTC)
    return _skipped_span(midnight, zone)[2]


def _skipped_span(wall: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, datetime]:
    """The local times the clocks jump from and to around the skipped `wall` time, and the
    instant (UTC) of the jump."""
    # fold=1 reads the skipped time with the offset after the jump, fold=0 with the one before:
    # the jump happens after the first instant and at or before the second. Find its second.
    early = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    late = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    offset_after = datetime.fromtimestamp(late, zone).utcoffset()
    while late - early > 1:
        middle = (early + late) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            late = middle
        else:
            early = middle
    jump = datetime.fromtimestamp(late, UTC)
    return (
        datetime.fromtimestamp(early, zone).replace(tzinfo=None) + timedelta(seconds=1),
        jump.astimezone(zone).replace(tzinfo=None),
        jump,
    )


def parse_duration(text: str, *, field: str = "duration") -> timedelta:
    """Read "45m", "2h", "1h30m", "1d"."""
    match = _DURATION_RE.match(text.strip().lower())
    if not text.strip() or not match or not any(match.groups()):
        raise Invalid(f"{field}: {text!r} is not a duration like 45m, 2h, 1h30m or 1d")
    days, hours, minutes = (int(part) if part else 0 for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def check_range(
    start: datetime,
    end: datetime,
    *,
    longest: timedelta | None = None,
    names: tuple[str, str] = ("from", "until"),
) -> None:
    """Refuse an empty, backwards or (optionally) overlong range; `names` are the fields."""
    if end <= start:
        raise Invalid(
            f"{names[0]!r} ({start.isoformat()}) must be before {names[1]!r} ({end.isoformat()})"
        )
    if longest is not None and end - start > longest:
        raise Invalid(f"the range is longer than the {longest.days} days allowed")


def in_zone(instant: datetime | None, zone: ZoneInfo) -> datetime | None:
    """An instant as the team's local time, with its offset (RFC 3339 when serialised)."""
    return None if instant is None else instant.astimezone(zone)


def local_text(instant: datetime | None, zone: ZoneInfo, *, with_year: bool = True) -> str:
    """A time for people, in the team's zone: 'Mon 05 Jan 2026 09:30' ('—' for none).

    Messages about the coming days leave the year out: 'Mon 05 Jan 09:30'.
    """
    if instant is None:
        return "—"
    # Spelled out rather than strftime: a third of the time (long timelines format thousands),
    # and English whatever the process's locale.
    local = instant.astimezone(zone)
    day = f"{_DAYS[local.weekday()]} {local.day:02d} {_MONTHS[local.month - 1]}"
    clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{day} {local.year} {clock}" if with_year else f"{day} {clock}"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def duration_text(length: timedelta) -> str:
    """A length for people: '45 min', '8 h', '2 d 3 h 30 min'."""
    minutes = round(length.total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else ""]
    parts.append(f"{minutes} min" if minutes or not (days or hours) else "")
    return " ".join(part for part in parts if part)
