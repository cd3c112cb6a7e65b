"""Pure maths over a schedule: where the on-call person changes, and when to remind people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.rotas.oncall import Segment


@dataclass(frozen=True, slots=True)
class Handoff:
    """The on-call person of a rota changes at `at` (None: nobody)."""

    at: datetime
    outgoing: str | None
    incoming: str | None


def handoffs(
    segments: Sequence[Segment], start: datetime, end: datetime, person_at_start: str | None
) -> list[Handoff]:
    """Every change of person in (start, end], given who was on at `start`.

    A gap counts as "nobody", so the end of an in-hours shift is a handoff to nobody.
    """
    found: list[Handoff] = []
    current = person_at_start
    cursor = start
    for segment in segments:
        if segment.start > cursor and current is not None:
            found.append(Handoff(cursor, current, None))
            current = None
        if segment.person != current:
            if start < segment.start <= end:
                found.append(Handoff(segment.start, current, segment.person))
            current = segment.person
        cursor = segment.end
    if current is not None and cursor <= end:
        found.append(Handoff(cursor, current, None))
    return [h for h in found if start < h.at <= end]


# Someone back on call within this time of their last stretch is resuming, not starting a turn
# (after break cover, say).
RESUMING_WITHIN = timedelta(hours=12)


def turns(segments: Sequence[Segment], person_before: str | None) -> list[Segment]:
    """The segments where someone's turn begins.

    Not a new day of the same person's week (gaps between segments are ignored), and not
    someone resuming within RESUMING_WITHIN of their last stretch, as after break cover.
    """
    found: list[Segment] = []
    previous = person_before
    last_end: dict[str, datetime] = {}
    for segment in segments:
        resuming = (
            segment.person in last_end
            and segment.start - last_end[segment.person] < RESUMING_WITHIN
        )
        if segment.person != previous and not resuming:
            found.append(segment)
        last_end[segment.person] = segment.end
        previous = segment.person
    return found


def previous_working_day(day: date, calendar: HolidayCalendar) -> date:
    """The last Monday-to-Friday day before `day` that is not a holiday."""
    candidate = day - timedelta(days=1)
    while candidate.weekday() >= 5 or calendar.is_holiday(candidate):
        candidate -= timedelta(days=1)
    return candidate
