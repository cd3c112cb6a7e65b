"""A light reader of a feed's content lines (RFC 5545 §3.1), for the one-off events that make up
most feeds: pure code, no database.

icalendar builds an object for every property and parameter of a document, which is most of
the time of reading a large feed; a feed of PagerDuty-style one-off shifts needs five
properties of each event. `split_feed` unfolds the lines, checks the document's shape, and
sorts its top-level VEVENTs: an event that is plainly one-off (no recurrence, no nested
component, its UID its own, its times in UTC, floating, a date or a tz database zone the feed
defines no VTIMEZONE for) is read here into a `PlainEvent`; everything else — recurring events
and their exceptions, VTIMEZONEs, any property this reader is not sure of — is handed back as
iCalendar text for icalendar and recurring-ical-events to read as before. Anything odd about
the document as a whole gives None, and the caller reads the whole feed with icalendar, so its
refusals keep their messages. A test holds both ways to the same readings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# What makes an event recurring, or part of a recurring one.
RECURRENCE_PROPERTIES = frozenset(("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"))
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$")
_TEXT_ESCAPES = re.compile(r"\\([\\;,nN])")
# Parameters this reader understands on the properties it reads; any other makes it unsure.
_KNOWN_PARAMETERS = {
    "DTSTART": frozenset(("TZID", "VALUE")),
    "DTEND": frozenset(("TZID", "VALUE")),
}


@dataclass(frozen=True, slots=True)
class Address:
    """An ATTENDEE or ORGANIZER: its value (a URI such as mailto:…) and its CN."""

    value: str
    name: str | None


@dataclass(slots=True)
class PlainEvent:
    """A one-off event as this reader reads it: what reading a shift needs, nothing more."""

    uid: str
    starts: date | datetime
    ends: date | datetime
    summary: str = ""
    status: str = ""
    attendees: list[Address] = field(default_factory=list)
    organizers: list[Address] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SplitFeed:
    """A feed sorted: the events read here, the rest as iCalendar text (None: nothing left),
    and how many VEVENTs the feed has in all."""

    plain: list[PlainEvent]
    rest: str | None
    events: int


class _Unsure(Exception):
    """This reader cannot be sure of an event: icalendar reads it."""


def split_feed(feed: bytes) -> SplitFeed | None:
    """The feed sorted into plain one-off events and the rest; None if its shape is not the
    plain one of a single, complete VCALENDAR (icalendar then reads it all, and says why)."""
    try:
        text = feed.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = _unfold(text.lstrip("\ufeff \t\r\n"))
    if not lines or lines[0].upper() != "BEGIN:VCALENDAR" or lines[-1].upper() != "END:VCALENDAR":
        return None
    blocks = list(_top_level_blocks(lines))
    if any(kind is None for kind, _ in blocks):
        return None
    zones = {
        _value_after(line, "TZID").strip()
        for kind, block in blocks
        if kind == "VTIMEZONE"
        for line in block
        if line.upper().startswith("TZID")
    }
    events = [block for kind, block in blocks if kind == "VEVENT"]
    uses = Counter(_uid_of(block) for block in events)
    plain: list[PlainEvent] = []
    rest: list[str] = []
    for kind, block in blocks:
        if kind == "VEVENT":
            uid = _uid_of(block)
            if uid is not None and uses[uid] == 1:
                try:
                    plain.append(_plain(block, uid, zones))
                    continue
                except _Unsure:
                    pass
        if kind in ("VEVENT", "VTIMEZONE"):
            rest.extend(block)
    head = [line for kind, block in blocks if kind == "" for line in block]
    document = None
    if _has_event(rest):
        document = "\r\n".join(["BEGIN:VCALENDAR", *head, *rest, "END:VCALENDAR", ""])
    return SplitFeed(plain, document, len(events))


def _has_event(lines: list[str]) -> bool:
    return any(line.upper() == "BEGIN:VEVENT" for line in lines)


def _unfold(text: str) -> list[str]:
    """Content lines with their folds undone (a line break and one space or tab)."""
    unfolded: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += raw[1:]
        elif raw:
            unfolded.append(raw)
    return unfolded


def _top_level_blocks(lines: list[str]) -> Iterator[tuple[str | None, list[str]]]:
    """The VCALENDAR's own lines (kind "") and each top-level component's lines with its
    BEGIN and END (kind its name); kind None for anything out of shape."""
    depth = 0
    current: list[str] = []
    kind = ""
    for line in lines[1:-1]:
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            if depth == 0:
                kind, current = upper[6:].strip(), []
                if kind == "VCALENDAR":
                    yield None, []
                    return
            depth += 1
            current.append(line)
        elif upper.startswith("END:"):
            depth -= 1
            if depth < 0:
                yield None, []
                return
            current.append(line)
            if depth == 0:
                if upper[4:].strip() != kind:
                    yield None, []
                    return
                yield kind, current
        elif depth == 0:
            yield "", [line]
        else:
            current.append(line)
    if depth != 0:
        yield None, []


def _uid_of(block: list[str]) -> str | None:
    for line in block[1:-1]:
        try:
            name, _, value = _split(line)
        except _Unsure:
            return None
        if name == "UID":
            return _text(value)
    return None


def _plain(block: list[str], uid: str, zones: set[str]) -> PlainEvent:
    """A one-off event read from its lines; _Unsure if it is anything but plain."""
    values: dict[str, tuple[dict[str, str], str]] = {}
    attendees: list[Address] = []
    organizers: list[Address] = []
    for line in block[1:-1]:
        name, params, value = _split(line)
        if name in RECURRENCE_PROPERTIES or name in ("BEGIN", "END", "DURATION"):
            raise _Unsure  # recurring, a nested component, or a length to work out
        if name in ("ATTENDEE", "ORGANIZER"):
            address = Address(value, _unquoted(params["CN"]) if "CN" in params else None)
            (attendees if name == "ATTENDEE" else organizers).append(address)
        elif name in ("DTSTART", "DTEND", "SUMMARY", "STATUS"):
            if name in values:
                raise _Unsure  # twice: icalendar decides what that means
            values[name] = (params, value)
    if "DTSTART" not in values:
        raise _Unsure
    starts = _time(*values["DTSTART"], "DTSTART", zones)
    if "DTEND" in values:
        ends = _time(*values["DTEND"], "DTEND", zones)
    elif isinstance(starts, datetime):
        ends = starts
    else:
        ends = starts + timedelta(days=1)
    return PlainEvent(
        uid=uid,
        starts=starts,
        ends=ends,
        summary=_text(values["SUMMARY"][1]) if "SUMMARY" in values else "",
        status=_text(values["STATUS"][1]) if "STATUS" in values else "",
        attendees=attendees,
        organizers=organizers,
    )


def _time(params: dict[str, str], value: str, name: str, zones: set[str]) -> date | datetime:
    if set(params) - _KNOWN_PARAMETERS[name]:
        raise _Unsure
    kind = params.get("VALUE", "").upper()
    value = value.strip()
    if kind == "DATE":
        found = _DATE.match(value)
        if found is None or "TZID" in params:
            raise _Unsure
        return _checked(date, *map(int, found.groups()))
    if kind not in ("", "DATE-TIME"):
        raise _Unsure
    found_time = _DATE_TIME.match(value)
    if found_time is None:
        raise _Unsure
    *parts, utc = found_time.groups()
    year, month, day, hour, minute, second = map(int, parts)
    zone_name = params.get("TZID")
    if utc:
        if zone_name is not None:
            raise _Unsure
        return _checked(datetime, year, month, day, hour, minute, second, tzinfo=UTC)
    if zone_name is None:
        return _checked(datetime, year, month, day, hour, minute, second)  # floating
    zone_name = _unquoted(zone_name)
    if zone_name in zones:
        raise _Unsure  # the feed defines this zone itself: icalendar reads its definition
    zone = _zone(zone_name)
    if zone is None:
        raise _Unsure  # a Windows name, a vendor prefix or no zone at all: icalendar decides
    return _checked(datetime, year, month, day, hour, minute, second, tzinfo=zone)


def _checked(kind: type, *parts: int, **zone: object) -> date | datetime:
    try:
        made: date | datetime = kind(*parts, **zone)
    except ValueError:
        raise _Unsure from None  # 31 February: icalendar words the refusal
    return made


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    if not name or name.startswith("/") or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _split(line: str) -> tuple[str, dict[str, str], str]:
    """A content line's name (upper case), parameters (names upper case, the first value of
    each, quotes kept) and value; quoted parameter values may hold ':' and ';'."""
    index, length = 0, len(line)
    while index < length and line[index] not in ";:":
        index += 1
    name = line[:index].upper()
    params: dict[str, str] = {}
    while index < length and line[index] == ";":
        index += 1
        start = index
        while index < length and line[index] != "=":
            if line[index] in ";:":
                raise _Unsure
            index += 1
        param = line[start:index].upper()
        index += 1
        value_start = index
        quoted = False
        while index < length:
            character = line[index]
            if character == '"':
                quoted = not quoted
            elif not quoted and character in ";:":
                break
            index += 1
        if quoted:
            raise _Unsure
        params.setdefault(param, line[value_start:index])
    if index >= length or line[index] != ":":
        raise _Unsure
    return name, params, line[index + 1 :]


def _value_after(line: str, name: str) -> str:
    try:
        return _split(line)[2]
    except _Unsure:
        return line.partition(":")[2]


def _unquoted(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _text(value: str) -> str:
    """A TEXT value with its escapes undone."""
    return _TEXT_ESCAPES.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
