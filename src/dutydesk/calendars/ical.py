"""iCalendar (RFC 5545) documents of on-call shifts, for Google Calendar and Outlook."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from dutydesk.text import one_line


@dataclass(frozen=True)
class FeedEvent:
    """One shift in a feed."""

    rota_id: str
    rota_name: str
    person_id: str
    person_name: str
    start: datetime
    end: datetime
    source: str


def uid_of(event: FeedEvent) -> str:
    """A UID that stays the same for the same shift every time the feed is fetched."""
    return (
        f"{event.rota_id}.{event.person_id}.{event.start.astimezone(UTC):%Y%m%dT%H%M%SZ}@dutydesk"
    )


def render_feed(
    title: str, events: Iterable[FeedEvent], *, summary_for: str, generated_at: datetime
) -> bytes:
    """A VCALENDAR; `summary_for` is "rota" (the summary names the person) or "person".

    Names are made one line first: a name stored with a line break would otherwise make
    icalendar refuse the whole feed (or, escaped, show as a broken name in the calendar).
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Dutydesk//On-call feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(title))
    # Ask subscribers to refresh hourly; Outlook and Apple read the first, others the second.
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for item in events:
        event = Event()
        event.add("uid", uid_of(item))
        event.add("dtstamp", generated_at.astimezone(UTC))
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
        person_name, rota_name = one_line(item.person_name), one_line(item.rota_name)
        summary = f"{person_name} on call" if summary_for == "rota" else f"On call: {rota_name}"
        if item.source == "override":
            summary += " (override)"
        event.add("summary", summary)
        event.add("description", f"{person_name} on {rota_name} ({item.source})")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
