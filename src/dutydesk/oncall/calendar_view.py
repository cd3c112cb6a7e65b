"""A rota's calendar: the final schedule cut into the team's local days, each piece labelled.

Pure: no database. The page reads the schedule (segments), the overrides touching the window and
the team's holiday calendar; this module says what each day of a week or a month shows — who is
on from when to when, whether that is the regular rota, an override, break cover or a swap, when
nobody is on call, and which days are bank holidays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo

from dutydesk.errors import Invalid
from dutydesk.hours.weekly import MINUTES_PER_DAY, parse_hours
from dutydesk.oncall.marks import OverrideMark
from dutydesk.rotas.oncall import OVERRIDE, Segment
from dutydesk.timeparse import EARLIEST_TIME, LATEST_TIME

WEEK, MONTH = "week", "month"
VIEWS = (WEEK, MONTH)
# What a piece of a day is: the rota's own shift, one of the override kinds
# (Override.kind: "override", "cover", "swap"), or nobody on call.
SHIFT, UNCOVERED = "shift", "uncovered"
KIND_LABELS = {
    SHIFT: "rota shift",
    "override": "override",
    "cover": "break cover",
    "swap": "swap",
    UNCOVERED: "nobody",
}
OUTSIDE_HOURS, ON_HOLIDAY = "outside covered hours", "bank holiday"
_DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ONE_DAY = timedelta(days=1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NamesHolidays(Protocol):
    """A holiday calendar as this module uses it (hours.holidays.HolidayCalendar is one)."""

    def name_of(self, day: date) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of one day: a person on call (or nobody) between two instants."""

    kind: str  # SHIFT, UNCOVERED or an override kind
    person: str | None  # None when nobody is on call
    start: datetime
    end: datetime
    start_text: str  # local "HH:MM"
    end_text: str  # local "HH:MM"; "24:00" when the piece runs to the end of the day
    from_before: bool  # the stretch began on an earlier day
    goes_on: bool  # the stretch goes on into the next day
    reason: str | None = None  # why nobody is on call: OUTSIDE_HOURS or ON_HOLIDAY

    @property
    def label(self) -> str:
        """The kind in words, for the badge beside the piece."""
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class DayView:
    """One local day of the calendar: its bounds, its holiday (if any) and its pieces."""

    day: date
    start: datetime  # local midnight, as a UTC instant
    end: datetime  # the next local midnight: 23 or 25 hours later on a DST change
    holiday: str | None
    pieces: tuple[Piece, ...]

    @property
    def length(self) -> timedelta:
        """How long the day is."""
        return self.end - self.start

    @property
    def clocks_change(self) -> bool:
        """Whether the clocks go forward or back this day (it is not 24 hours long)."""
        return self.length != _ONE_DAY

    @property
    def title(self) -> str:
        """'Wed 14 Jan'."""
        return f"{self.day:%a} {self.day.day} {self.day:%b}"


@dataclass(frozen=True, slots=True)
class CalendarRange:
    """The days a view shows (first to last, inclusive) and where its arrows lead."""

    view: str  # WEEK or MONTH
    anchor: date  # the date asked for
    first: date
    last: date
    previous: date
    following: date

    @property
    def title(self) -> str:
        """'Mon 5 Jan – Sun 11 Jan 2026' or 'January 2026'."""
        if self.view == MONTH:
            return f"{self.first:%B %Y}"
        first, last = self.first, self.last
        return f"{first:%a} {first.day} {first:%b} – {last:%a} {last.day} {last:%b %Y}"

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The span as UTC instants: from the first day's local midnight to after the last day."""
        return local_midnight(self.first, zone), local_midnight(self.last + _ONE_DAY, zone)


def calendar_range(view: str | None, date_text: str | None, today: date) -> CalendarRange:
    """The range a page's `view` and `date` query values ask for (empty: a week, today).

    Raises Invalid naming the value at fault.
    """
    chosen = (view or "").strip().lower() or WEEK
    if chosen not in VIEWS:
        raise Invalid(f"view: {_shown(view)} is not a calendar view; use week or month")
    anchor = today if not (date_text or "").strip() else _parse_date(date_text or "")
    if chosen == WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return CalendarRange(
            WEEK,
            anchor,
            monday,
            monday + 6 * _ONE_DAY,
            monday - 7 * _ONE_DAY,
            monday + 7 * _ONE_DAY,
        )
    first = anchor.replace(day=1)
    following = (first + 32 * _ONE_DAY).replace(day=1)
    previous = (first - _ONE_DAY).replace(day=1)
    return CalendarRange(MONTH, anchor, first, following - _ONE_DAY, previous, following)


def _parse_date(text: str) -> date:
    value = text.strip()
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"date: {_shown(text)} is not a date; use YYYY-MM-DD like 2026-01-14"
        ) from None
    # Outside these years a date is a typing mistake (and the arithmetic would overflow).
    if not EARLIEST_TIME.year <= day.year < LATEST_TIME.year:
        raise Invalid(
            f"date: {_shown(text)} is out of range"
            f" (years {EARLIEST_TIME.year} to {LATEST_TIME.year - 1})"
        )
    return day


def _shown(text: str | None) -> str:
    """A query value quoted for a message, cut short: it may be anything."""
    value = text or ""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day begins (where midnight is skipped, when the day begins)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def calendar_days(
    segments: Sequence[Segment],
    overrides: Sequence[OverrideMark],
    holidays: NamesHolidays,
    zone: ZoneInfo,
    first: date,
    last: date,
    *,
    skip_holidays: bool = False,
) -> list[DayView]:
    """Each local day from `first` to `last` with its labelled pieces, gaps included.

    `segments` is the final schedule (ordered, non-overlapping), best read a little wider than
    the days so pieces know whether they go on before and after. `overrides` are the override
    rows touching the span, oldest first: where a person's overrides overlap, the later one
    wins, as in the schedule. `skip_holidays` says the rota has nobody on bank holidays, so a
    holiday's gaps are put down to the holiday rather than to the covered hours.
    """
    stretches = [piece for segment in segments for piece in labelled(segment, overrides)]
    days: list[DayView] = []
    day = first
    while day <= last:
        start, end = local_midnight(day, zone), local_midnight(day + _ONE_DAY, zone)
        holiday = holidays.name_of(day)
        reason = ON_HOLIDAY if holiday is not None and skip_holidays else OUTSIDE_HOURS
        days.append(
            DayView(
                day, start, end, holiday, tuple(_day_pieces(stretches, start, end, zone, reason))
            )
        )
        day += _ONE_DAY
    return days


def month_weeks(days: Sequence[DayView]) -> list[list[DayView | None]]:
    """Days laid out Monday to Sunday, a row per week; None pads the first and last week."""
    if not days:
        return []
    cells: list[DayView | None] = [None] * days[0].day.weekday()
    cells.extend(days)
    cells.extend([None] * (-len(cells) % 7))
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


# (start, end, person, kind) of a stretch of the schedule, labelled.
Labelled = tuple[datetime, datetime, str, str]


def labelled(segment: Segment, overrides: Sequence[OverrideMark]) -> list[Labelled]:
    """A segment as stretches of one kind each.

    The schedule joins a person's neighbouring overrides into one segment, so an override
    segment is cut wherever one of that person's override rows starts or ends, and each part
    takes the kind of the latest row covering it.
    """
    if segment.source != OVERRIDE:
        return [(segment.start, segment.end, segment.person, SHIFT)]
    theirs = [
        mark
        for mark in overrides
        if mark.person == segment.person and mark.start < segment.end and mark.end > segment.start
    ]
    cuts = {segment.start, segment.end}
    cuts.update(t for m in theirs for t in (m.start, m.end) if segment.start < t < segment.end)
    found: list[Labelled] = []
    for piece_start, piece_end in pairwise(sorted(cuts)):
        kind = next(
            (m.kind for m in reversed(theirs) if m.start <= piece_start and m.end >= piece_end),
            OVERRIDE,  # no row found (deleted meanwhile): still an override
        )
        if found and found[-1][3] == kind and found[-1][1] == piece_start:
            found[-1] = (found[-1][0], piece_end, segment.person, kind)
        else:
            found.append((piece_start, piece_end, segment.person, kind))
    return found


def _day_pieces(
    stretches: Sequence[Labelled], start: datetime, end: datetime, zone: ZoneInfo, reason: str
) -> Iterator[Piece]:
    """The stretches clipped to [start, end), with the gaps between them as nobody on call."""
    cursor = start
    for stretch_start, stretch_end, person, kind in stretches:
        if stretch_end <= start or stretch_start >= end:
            continue
        piece_start, piece_end = max(stretch_start, start), min(stretch_end, end)
        if piece_start > cursor:
            yield _piece(UNCOVERED, None, cursor, piece_start, end, zone, reason=reason)
        yield _piece(
            kind,
            person,
            piece_start,
            piece_end,
            end,
            zone,
            from_before=stretch_start < start,
            goes_on=stretch_end > end,
        )
        cursor = piece_end
    if cursor < end:
        yield _piece(UNCOVERED, None, cursor, end, end, zone, reason=reason)


def _piece(
    kind: str,
    person: str | None,
    piece_start: datetime,
    piece_end: datetime,
    day_end: datetime,
    zone: ZoneInfo,
    *,
    from_before: bool = False,
    goes_on: bool = False,
    reason: str | None = None,
) -> Piece:
    return Piece(
        kind=kind,
        person=person,
        start=piece_start,
        end=piece_end,
        start_text=_clock(piece_start, zone),
        end_text="24:00" if piece_end == day_end else _clock(piece_end, zone),
        from_before=from_before,
        goes_on=goes_on,
        reason=reason,
    )


def _clock(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%H:%M}"


def covered_hours_text(hours: Sequence[str], *, skip_holidays: bool) -> str:
    """A rota's covered hours in words: 'Monday to Friday, 09:30 to 17:30, not on bank holidays'."""
    text = "; ".join(_hours_line(line) for line in hours) or "24 hours a day, every day"
    return f"{text}, not on bank holidays" if skip_holidays else text


def _hours_line(text: str) -> str:
    try:
        window = parse_hours(text)
    except ValueError:
        return text  # checked when the team file was applied; show it as written, never fail
    days = _days_in_words(window.days)
    if window.start_minute == 0 and window.length_minutes == MINUTES_PER_DAY:
        return f"{days}, all day"
    ends = window.start_minute + window.length_minutes
    if ends == MINUTES_PER_DAY:
        until = "midnight"
    elif ends > MINUTES_PER_DAY:
        until = f"{_minute_clock(ends - MINUTES_PER_DAY)} the next day"
    else:
        until = _minute_clock(ends)
    return f"{days}, {_minute_clock(window.start_minute)} to {until}"


def _days_in_words(days: frozenset[int]) -> str:
    """'every day', 'Monday to Friday', 'Friday to Monday', 'Saturday and Sunday' …"""
    if len(days) == 7:
        return "every day"
    # A run of days begins on a day whose day before is not in it; a run may wrap past Sunday.
    run_starts = sorted(d for d in days if (d - 1) % 7 not in days)
    if len(run_starts) == 1 and len(days) >= 3:
        first = run_starts[0]
        return f"{_DAY_WORDS[first]} to {_DAY_WORDS[(first + len(days) - 1) % 7]}"
    names = [_DAY_WORDS[d] for d in sorted(days, key=lambda d: (d - run_starts[0]) % 7)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _minute_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
