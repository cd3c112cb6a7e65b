"""The handover meeting as an iCalendar invitation (RFC 5545, iTIP METHOD:REQUEST), sent with
its e-mail so that mail clients offer to add it to the calendar.

Its UID is made from the handoff, so every copy of one meeting's invitation is the same event.
Times are UTC. Names go into quoted CN parameters and text into escaped TEXT values by the
icalendar package; a name is made one line and loses its double quotes first, which a quoted
parameter cannot hold (RFC 5545 3.2).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from dutydesk.text import one_line


def meeting_uid(rota_id: str, handoff_at: datetime) -> str:
    """The same for every invitation to one handoff's meeting."""
    return f"handover.{rota_id}.{handoff_at.astimezone(UTC):%Y%m%dT%H%M%SZ}@dutydesk"


def _address(email: str, name: str, *, attendee: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{one_line(email)}")
    address.params["CN"] = vText(one_line(name).replace('"', "'"))
    if attendee:
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def invitation(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    summary: str,
    description: str,
    url: str,
    organizer: tuple[str, str],
    attendees: Sequence[tuple[str, str]],
    stamp: datetime,
) -> str:
    """A VCALENDAR with the one meeting; `organizer` and `attendees` are (e-mail, name)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Dutydesk//Handover//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("sequence", 0)
    event.add("summary", one_line(summary))
    event.add("description", description)
    event.add("url", url)
    event.add("organizer", _address(*organizer, attendee=False))
    for email, name in attendees:
        event.add("attendee", _address(email, name, attendee=True), encode=False)
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode()
