"""Reading an external rota's iCal feed (PagerDuty, Opsgenie, Google Calendar, another Dutydesk)
into shifts: pure code, no database, no HTTP.

`read_feed` takes the feed's bytes, the window to expand, the team's zone, a match rule and the
team's people, and returns a `FeedReading` (the shifts, sorted, and counts of what was skipped)
or raises `FeedRefused`, an `Invalid` with one message saying what is wrong and where.
Recurring events and their exceptions are expanded by recurring-ical-events, the maintained
library, on what icalendar parses; plain one-off events, most of a large feed, are read by the
light content-line reader in external_rotas/lines.py (a test holds both ways to the same
readings). docs/external-rotas.md describes the limits, the matching and the time zones.

Times: a TZID names a tz database zone, a Windows/Outlook zone name (icalendar's maintained
table maps those to tz database zones), a zone defined by the feed's own VTIMEZONE, or a
vendor-prefixed tz name ("/mozilla.org/…/Europe/London"); anything else is refused, never read
as floating. Floating times and all-day (DATE) events are on the team's wall clock: an all-day
event is its days from local midnight to local midnight.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from dutydesk.errors import Invalid
from dutydesk.external_rotas.lines import Address, PlainEvent, split_feed
from dutydesk.hours.wallclock import aware_utc, to_utc

# Limits (docs/external-rotas.md). A rotation feed of a year is a few hundred kilobytes.
MAX_FEED_BYTES = 5 * 1024 * 1024
# RECURRENCE-ID properties and EXDATE values, all told: a real feed has tens, a hostile one
# thousands, each making the expansion of its series slower.
MAX_RECURRENCE_EXCEPTIONS = 5_000
# Occurrences of one event (one UID) in the window: an hourly rule over 270 days is 6,480.
MAX_OCCURRENCES_PER_EVENT = 10_000
# Shifts of the whole feed in the window.
MAX_SHIFTS = 50_000
DAYS_BACK = 90
DAYS_AHEAD = 180

# The library compares a floating time with an aware bound as if it were in the bound's zone;
# asking it for a day more each side and cutting exactly here keeps every zone's events.
_QUERY_MARGIN = timedelta(days=1)
# What makes an event recurring, or part of a recurring one.
_RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_DATE_PROPERTIES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")
# Rules that repeat more often than hourly: refused before they are expanded.
_TOO_FREQUENT = {"SECONDLY": "second", "MINUTELY": "minute"}
_NAME_GROUP = "name"
_SPACES = re.compile(r"\s+")


class MatchBy(StrEnum):
    """Where the person of an event is found."""

    EMAIL = "email"  # the attendees' e-mails (mailto:), else the organiser's
    SUMMARY = "summary"  # a regular expression on SUMMARY with a `name` group
    PEOPLE = "people"  # only the names or e-mails listed in `people`


@dataclass(frozen=True, slots=True)
class MatchRule:
    """How an event names its person.

    `people` maps a name or e-mail as the feed writes it (any case) to a team person's id; it is
    looked up first, whatever `by` says. With `by=PEOPLE` only those names count: the feed's
    names are the `name` group of `summary_pattern` if one is given, else the whole SUMMARY,
    and the attendees' and organiser's names and e-mails.
    """

    by: MatchBy
    summary_pattern: str | None = None
    people: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TeamPerson:
    """A team member as the matching sees them."""

    id: str
    name: str
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class ExternalContact:
    """Someone the feed puts on call who is not in the team."""

    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class FeedShift:
    """One person on call from `start_at` to `end_at` (aware UTC): a team member or a contact."""

    start_at: datetime
    end_at: datetime
    person_id: str | None  # set for a team member
    contact: ExternalContact | None  # set for someone outside the team
    event_uid: str  # the feed's UID, to say which event a shift came from

    @property
    def sort_key(self) -> tuple[datetime, datetime, bool, str, str, str]:
        """Time order; at the same times team members before contacts, then by id or name."""
        contact = self.contact or ExternalContact("")
        return (
            self.start_at,
            self.end_at,
            self.person_id is None,
            self.person_id or "",
            contact.name,
            contact.email or "",
        )


class SkipReason(StrEnum):
    """Why an event (or one occurrence of a recurring event) gave no shift."""

    NO_PERSON = "no_person"  # the match rule found nobody in it
    ZERO_LENGTH = "zero_length"  # it ends when (or before) it starts
    OUTSIDE_WINDOW = "outside_window"  # a one-off event wholly outside the window
    CANCELLED = "cancelled"  # STATUS:CANCELLED


@dataclass(frozen=True, slots=True)
class FeedReading:
    """What a feed says: its shifts in time order, and what was read and left out."""

    shifts: tuple[FeedShift, ...]
    events_read: int  # VEVENT components in the feed (a moved instance is one)
    occurrences: int  # occurrences in the window, recurring events expanded
    skipped: Mapping[SkipReason, int]


class RefusalReason(StrEnum):
    """Why a whole feed was refused (a label for metrics and the rota's page)."""

    TOO_LARGE = "too_large"
    TOO_MANY_EXCEPTIONS = "too_many_exceptions"
    MALFORMED = "malformed"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    TOO_MANY_OCCURRENCES = "too_many_occurrences"


class FeedRefused(Invalid):
    """The feed cannot be used at all; the message says what is wrong and where."""

    code = "feed_refused"

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def default_window(now: datetime) -> tuple[datetime, datetime]:
    """The window a feed is expanded over: 90 days back and 180 ahead of `now`."""
    return now - timedelta(days=DAYS_BACK), now + timedelta(days=DAYS_AHEAD)


def check_match_rule(rule: MatchRule, person_ids: Sequence[str] | frozenset[str]) -> None:
    """Raise Invalid with one message if the rule cannot work with these person ids."""
    if rule.by is MatchBy.SUMMARY and not rule.summary_pattern:
        raise Invalid("match by summary needs a pattern with a (?P<name>…) group")
    if rule.by is MatchBy.EMAIL and rule.summary_pattern:
        raise Invalid("a summary pattern is only read when matching by summary or people")
    if rule.by is MatchBy.PEOPLE and not rule.people:
        raise Invalid("match by people needs a people: mapping of names in the feed to ids")
    if rule.summary_pattern is not None:
        _compile_pattern(rule.summary_pattern)
    known = frozenset(person_ids)
    for feed_name, person_id in rule.people.items():
        if person_id not in known:
            raise Invalid(f"people: {feed_name!r} maps to {person_id!r}, who is not in the team")


def read_feed(
    feed: bytes,
    *,
    window_start: datetime,
    window_end: datetime,
    zone: ZoneInfo,
    rule: MatchRule,
    people: Sequence[TeamPerson],
) -> FeedReading:
    """The shifts of `feed` overlapping [window_start, window_end), whole; FeedRefused if unusable.

    A shift that starts before the window or ends after it is kept whole, so that it keeps its
    real start and end when the window moves. Shifts that overlap are all kept (an on-call
    feed may have two people at once); identical ones (same times, same person) count once.
    """
    if len(feed) > MAX_FEED_BYTES:
        raise FeedRefused(
            RefusalReason.TOO_LARGE,
            f"the feed is {len(feed):,} bytes, more than the limit of {MAX_FEED_BYTES:,}",
        )
    check_match_rule(rule, [person.id for person in people])
    with warnings.catch_warnings():
        # "/mozilla.org/…/Europe/London" is read as Europe/London, which is what it means.
        warnings.filterwarnings("ignore", message=".*globally unique TZID.*")
        return _read(feed, window_start, window_end, zone, _Matcher(rule, people))


def _read(
    feed: bytes,
    window_start: datetime,
    window_end: datetime,
    zone: ZoneInfo,
    matcher: _Matcher,
    *,
    plain_lines: bool = True,
) -> FeedReading:
    """The reading; with `plain_lines`, plain one-off events are read by external_rotas/lines.py
    and only the rest by icalendar (the same readings: a test holds them to it)."""
    split = split_feed(feed) if plain_lines else None
    plain: list[PlainEvent] = []
    calendar: icalendar.Calendar | None
    if split is None:
        calendar = _parse(feed)
        events_read = len(calendar.walk("VEVENT"))
    else:
        plain, events_read = split.plain, split.events
        calendar = _parse(split.rest.encode()) if split.rest is not None else None
    if calendar is not None:
        _check_events(calendar.walk("VEVENT"))
    start_utc, end_utc = window_start.astimezone(UTC), window_end.astimezone(UTC)
    skipped: Counter[SkipReason] = Counter()
    shifts: dict[tuple[datetime, datetime, str | None, ExternalContact | None], FeedShift] = {}
    occurrences = 0
    read_here = ((event.uid, True, event) for event in plain)
    read_by_library = (
        _occurrences(calendar, start_utc, end_utc) if calendar is not None else iter(())
    )
    for uid, is_one_off, event in chain(read_here, read_by_library):
        if event is None:
            if is_one_off:
                skipped[SkipReason.OUTSIDE_WINDOW] += 1
            continue
        occurrences += 1
        if event.status.upper() == "CANCELLED":
            skipped[SkipReason.CANCELLED] += 1
            continue
        start_at, end_at = _instant(event.starts, zone, uid), _instant(event.ends, zone, uid)
        if end_at <= start_at:
            skipped[SkipReason.ZERO_LENGTH] += 1
            continue
        if end_at <= start_utc or start_at >= end_utc:
            if is_one_off:
                skipped[SkipReason.OUTSIDE_WINDOW] += 1
            continue
        found = matcher.people_of(event)
        if not found:
            skipped[SkipReason.NO_PERSON] += 1
            continue
        for person_id, contact in found:
            key = (start_at, end_at, person_id, contact)
            # Identical shifts of two events count once, as the event with the first UID: the
            # same whichever way the events were read.
            kept = shifts.get(key)
            if kept is None or uid < kept.event_uid:
                shifts[key] = FeedShift(start_at, end_at, person_id, contact, uid)
        if len(shifts) > MAX_SHIFTS:
            raise FeedRefused(
                RefusalReason.TOO_MANY_OCCURRENCES,
                f"the feed has more than {MAX_SHIFTS:,} shifts in the window",
            )
    return FeedReading(
        shifts=tuple(sorted(shifts.values(), key=lambda shift: shift.sort_key)),
        events_read=events_read,
        occurrences=occurrences,
        skipped=dict(skipped),
    )


def _compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise Invalid(
            f"the summary pattern {pattern!r} is not a regular expression: {error}"
        ) from None
    if _NAME_GROUP not in compiled.groupindex:
        raise Invalid(f"the summary pattern {pattern!r} has no (?P<name>…) group")
    return compiled


def _parse(feed: bytes) -> icalendar.Calendar:
    text = feed.lstrip(b"\xef\xbb\xbf \t\r\n")  # a byte-order mark or blank lines before it
    if not text.upper().startswith(b"BEGIN:VCALENDAR"):
        raise FeedRefused(RefusalReason.MALFORMED, "the feed is not an iCalendar (no VCALENDAR)")
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise FeedRefused(
            RefusalReason.MALFORMED, f"the feed is not a readable iCalendar: {error}"
        ) from None
    if not calendars:
        raise FeedRefused(
            RefusalReason.MALFORMED, "the feed has no complete VCALENDAR (is it cut short?)"
        )
    if len(calendars) != 1 or calendars[0].name != "VCALENDAR":
        raise FeedRefused(RefusalReason.MALFORMED, "the feed must be exactly one VCALENDAR")
    calendar: icalendar.Calendar = calendars[0]
    return calendar


def _uid(component: icalendar.cal.Component) -> str:
    return str(component.get("UID", "(no UID)"))


def _check_events(events: Sequence[icalendar.cal.Component]) -> None:
    """Refuse before expanding: broken dates, unknown zones, too many exceptions."""
    exceptions = 0
    for event in events:
        uid = _uid(event)
        if "DTSTART" not in event:
            raise FeedRefused(RefusalReason.MALFORMED, f"event {uid!r} has no DTSTART")
        for name in _DATE_PROPERTIES:
            for prop in _as_list(event.get(name)):
                for value in _values_of(prop, name, uid):
                    zone_name = prop.params.get("TZID")
                    if zone_name and isinstance(value, datetime) and value.tzinfo is None:
                        raise FeedRefused(
                            RefusalReason.UNKNOWN_TIME_ZONE,
                            f"event {uid!r}: {name} has TZID {str(zone_name)!r}, which is not "
                            "a tz database zone or a Windows zone name, and the feed has no "
                            "VTIMEZONE for it",
                        )
                    if name in ("EXDATE", "RECURRENCE-ID"):
                        exceptions += 1
        for rule in _as_list(event.get("RRULE")):
            try:
                frequency = str((rule.get("FREQ") or [""])[0]).upper()
            except Exception:  # a broken rule: refused as malformed when it is expanded
                continue
            if frequency in _TOO_FREQUENT:
                # Expanding one over the window would make millions of occurrences (the
                # library builds them before the first is counted); no shift lasts a minute.
                raise FeedRefused(
                    RefusalReason.TOO_MANY_OCCURRENCES,
                    f"event {uid!r} repeats every {_TOO_FREQUENT[frequency]} (FREQ={frequency}):"
                    " an on-call feed's shifts repeat hourly at most",
                )
        if exceptions > MAX_RECURRENCE_EXCEPTIONS:
            raise FeedRefused(
                RefusalReason.TOO_MANY_EXCEPTIONS,
                f"the feed has more than {MAX_RECURRENCE_EXCEPTIONS:,} recurrence exceptions "
                f"(RECURRENCE-ID and EXDATE), found at event {uid!r}",
            )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _values_of(prop: Any, name: str, uid: str) -> list[date | datetime]:
    """The date or datetime values of one property (EXDATE and RDATE hold several)."""
    try:
        if hasattr(prop, "dts"):
            return [item.dt for item in prop.dts if not isinstance(item.dt, tuple | timedelta)]
        value = prop.dt
    except Exception as error:  # icalendar raises a broken property's error only when read
        raise FeedRefused(
            RefusalReason.MALFORMED, f"event {uid!r}: {name} cannot be read ({error})"
        ) from None
    if isinstance(value, date):
        return [value]
    if isinstance(value, tuple):  # a PERIOD
        return [item for item in value if isinstance(item, date)]
    raise FeedRefused(RefusalReason.MALFORMED, f"event {uid!r}: {name} is not a date or time")


def _occurrences(
    calendar: icalendar.Calendar, start_utc: datetime, end_utc: datetime
) -> Iterator[tuple[str, bool, PlainEvent | None]]:
    """(uid, is one-off, occurrence) for each occurrence near the window, and (uid, is one-off,
    None) once for a recurring event none of whose occurrences are near it.

    A one-off event (PagerDuty's one VEVENT per shift: no RRULE, RDATE, EXDATE or
    RECURRENCE-ID, its UID its own) is read as it is; only recurring events go through
    recurring-ical-events, whose series and per-occurrence copies cost more than all the rest
    of reading a feed of one-offs."""
    events = calendar.walk("VEVENT")
    uses: Counter[str] = Counter(_uid(event) for event in events)
    recurring = icalendar.Calendar()
    for zone in calendar.walk("VTIMEZONE"):
        recurring.add_component(zone)
    for event in events:
        uid = _uid(event)
        if uses[uid] == 1 and not any(name in event for name in _RECURRENCE_PROPERTIES):
            yield uid, True, _plain_event(event, uid, *_span(event, uid))
        else:
            recurring.add_component(event)
    if len(recurring.subcomponents) == len(calendar.walk("VTIMEZONE")):
        return
    try:
        series_list = list(recurring_ical_events.of(recurring).series)
    except Exception as error:  # a broken RRULE, an end before its start
        where = _first_unexpandable(recurring)
        raise FeedRefused(RefusalReason.MALFORMED, f"{where} cannot be expanded: {error}") from None
    for series in series_list:
        uid = str(series.uid)
        count = 0
        try:
            for occurrence in series.between(start_utc - _QUERY_MARGIN, end_utc + _QUERY_MARGIN):
                count += 1
                if count > MAX_OCCURRENCES_PER_EVENT:
                    raise FeedRefused(
                        RefusalReason.TOO_MANY_OCCURRENCES,
                        f"event {uid!r} repeats more than {MAX_OCCURRENCES_PER_EVENT:,} "
                        "times in the window",
                    )
                component = occurrence.as_component(False)
                yield uid, False, _plain_event(component, uid, occurrence.start, occurrence.end)
        except FeedRefused:
            raise
        except Exception as error:  # the library's errors, dateutil's, a broken RRULE
            raise FeedRefused(
                RefusalReason.MALFORMED, f"event {uid!r} cannot be expanded: {error}"
            ) from None
        if count == 0:
            yield uid, False, None


def _plain_event(
    component: icalendar.cal.Component,
    uid: str,
    starts: date | datetime,
    ends: date | datetime,
) -> PlainEvent:
    """What reading a shift needs of an event icalendar read (lines.py reads plain ones)."""
    return PlainEvent(
        uid=uid,
        starts=starts,
        ends=ends,
        summary=str(component.get("SUMMARY", "")),
        status=str(component.get("STATUS", "")),
        attendees=_addresses_of(component, "ATTENDEE"),
        organizers=_addresses_of(component, "ORGANIZER"),
    )


def _addresses_of(component: icalendar.cal.Component, name: str) -> list[Address]:
    found = []
    for prop in _as_list(component.get(name)):
        params = getattr(prop, "params", {})
        cn = params.get("CN")
        found.append(Address(str(prop), str(cn) if cn is not None else None))
    return found


def _span(event: icalendar.cal.Component, uid: str) -> tuple[date | datetime, date | datetime]:
    """A one-off event's start and end as RFC 5545 has them: DTEND, else DTSTART + DURATION,
    else a whole day for a date and no time at all for a time."""
    found = _values_of(event["DTSTART"], "DTSTART", uid)
    if not found:
        raise FeedRefused(RefusalReason.MALFORMED, f"event {uid!r}: DTSTART has no value")
    starts = found[0]
    if "DTEND" in event:
        [ends] = _values_of(event["DTEND"], "DTEND", uid)[:1] or [starts]
        return starts, ends
    if "DURATION" in event:
        try:
            length = getattr(event["DURATION"], "dt", None)
        except Exception as error:  # icalendar raises a broken property's error when read
            raise FeedRefused(
                RefusalReason.MALFORMED, f"event {uid!r}: DURATION cannot be read ({error})"
            ) from None
        if isinstance(length, timedelta):
            return starts, starts + length
        raise FeedRefused(RefusalReason.MALFORMED, f"event {uid!r}: DURATION is not a duration")
    if not isinstance(starts, datetime):
        return starts, starts + timedelta(days=1)
    return starts, starts


def _first_unexpandable(calendar: icalendar.Calendar) -> str:
    """Which event the library cannot take, tried one at a time (only once it has failed)."""
    for event in calendar.walk("VEVENT"):
        alone = icalendar.Calendar()
        alone.add_component(event)
        try:
            recurring_ical_events.of(alone)
        except Exception:
            return f"event {_uid(event)!r}"
    return "the feed's events"


def _instant(value: date | datetime, zone: ZoneInfo, uid: str) -> datetime:
    """An aware UTC datetime: a date is local midnight, a floating time is local time."""
    if not isinstance(value, datetime):
        # Naive on purpose: local midnight on the team's wall clock, placed by to_utc.
        midnight = datetime(value.year, value.month, value.day)  # noqa: DTZ001
        return aware_utc(to_utc(midnight, zone))
    if value.tzinfo is None:
        return aware_utc(to_utc(value, zone))
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise FeedRefused(
            RefusalReason.MALFORMED, f"event {uid!r}: {value!r} is out of range ({error})"
        ) from None


_Found = tuple[str | None, ExternalContact | None]


class _Matcher:
    """Finds the people of an event by a match rule, against the team's people."""

    def __init__(self, rule: MatchRule, people: Sequence[TeamPerson]) -> None:
        self.by = rule.by
        self.pattern = _compile_pattern(rule.summary_pattern) if rule.summary_pattern else None
        self.mapped = {_fold(name): person_id for name, person_id in rule.people.items()}
        self.by_email = {_fold(email): p.id for p in people for email in p.emails}
        self.by_name = {_fold(p.name): p.id for p in people}

    def people_of(self, event: PlainEvent) -> list[_Found]:
        """Who the event puts on call: team ids or external contacts, in the feed's order."""
        if self.by is MatchBy.EMAIL:
            return [self._by_address(name, email) for name, email in _addresses(event)]
        if self.by is MatchBy.SUMMARY:
            summary_name, summary_email = self._summary_name(event)
            if summary_name is None:
                return []
            return [self._by_summary(summary_name, summary_email)]
        return self._by_mapping(event)

    def _by_address(self, name: str | None, email: str) -> _Found:
        for key in (email, name):
            if key and (person_id := self.mapped.get(_fold(key))):
                return person_id, None
        if person_id := self.by_email.get(_fold(email)):
            return person_id, None
        return None, ExternalContact(name or email, email)

    def _by_summary(self, name: str, email: str | None) -> _Found:
        for key in (name, email):
            if key and (person_id := self.mapped.get(_fold(key))):
                return person_id, None
        if person_id := self.by_name.get(_fold(name)):
            return person_id, None
        if email and (person_id := self.by_email.get(_fold(email))):
            return person_id, None
        return None, ExternalContact(name, email)

    def _by_mapping(self, event: PlainEvent) -> list[_Found]:
        names: list[str] = []
        if self.pattern is not None:
            summary_name, summary_email = self._summary_name(event)
            names.extend(n for n in (summary_name, summary_email) if n)
        else:
            names.append(event.summary)
        for name, email in _addresses(event):
            names.extend(n for n in (email, name) if n)
        found: list[_Found] = []
        for name in names:
            person_id = self.mapped.get(_fold(name))
            if person_id and (person_id, None) not in found:
                found.append((person_id, None))
        return found

    def _summary_name(self, event: PlainEvent) -> tuple[str | None, str | None]:
        assert self.pattern is not None
        matched = self.pattern.search(event.summary)
        if matched is None:
            return None, None
        name = _SPACES.sub(" ", matched.group(_NAME_GROUP) or "").strip()
        email = matched.groupdict().get("email")
        return (name or None), (email.strip() if email else None)


def _addresses(event: PlainEvent) -> list[tuple[str | None, str]]:
    """(name, e-mail) of each attendee with a mailto: address, else of the organiser."""
    for addresses in (event.attendees, event.organizers):
        found = []
        for address in addresses:
            if not address.value.lower().startswith("mailto:"):
                continue
            email = address.value[len("mailto:") :].strip()
            if not email:
                continue
            name = _SPACES.sub(" ", address.name or "").strip().strip('"') or None
            found.append((name, email))
        if found:
            return found
    return []


def _fold(text: str) -> str:
    """Names and e-mails compare without case and with runs of spaces as one."""
    return _SPACES.sub(" ", text).strip().casefold()
