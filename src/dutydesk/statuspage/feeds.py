"""The public status page's history as Atom and RSS feeds, and its maintenance as iCalendar.

Each is a pure function of the page document (public.py): the same page gives the same bytes,
so a snapshot can be served, cached and compared without a clock or a database.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedgenerator
from icalendar import Calendar, Event

from dutydesk.statuspage.models import MAINTENANCE_KIND
from dutydesk.statuspage.public import PublicIncident, PublicPage, PublicUpdate
from dutydesk.text import one_line

# Statuspage's feeds stop at 50 items; readers keep what they have already seen.
FEED_LIMIT = 50

# Characters XML 1.0 cannot carry at all. Sanitised HTML keeps them (a stray bell typed into
# an update survives Markdown and nh3), and feedgenerator refuses the whole feed over one.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# English month names whatever the process locale, which %b would follow.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def atom_feed(page: PublicPage, *, base_url: str) -> bytes:
    """The page's incidents and maintenance as an Atom 1.0 feed, newest-updated first."""
    return _feed(feedgenerator.Atom1Feed, page, base_url=base_url, own_path="history.atom")


def rss_feed(page: PublicPage, *, base_url: str) -> bytes:
    """The page's incidents and maintenance as an RSS 2.0 feed, newest-updated first."""
    return _feed(feedgenerator.Rss201rev2Feed, page, base_url=base_url, own_path="history.rss")


def maintenance_calendar(page: PublicPage, *, base_url: str) -> bytes:
    """The page's maintenance windows as an iCalendar document, one event per window."""
    root = base_url.rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", "-//Dutydesk//Status page maintenance//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(f"{page.name} maintenance"))
    # Ask subscribers to refresh hourly; Outlook and Apple read the first, others the second.
    calendar.add("x-published-ttl", "PT1H")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    windows = sorted(
        (item.scheduled_for, item.id, item.scheduled_until, item)
        for item in _distinct(page)
        if item.kind == MAINTENANCE_KIND
        and item.scheduled_for is not None
        and item.scheduled_until is not None
    )
    for starts_at, _, ends_at, item in windows:
        event = Event()
        # Not the site's host: a status page moved to a new address keeps its subscribers'
        # events instead of doubling them.
        event.add("uid", f"maintenance-{item.id}@dutydesk")
        event.add("dtstamp", page.built_at.astimezone(UTC))
        event.add("dtstart", starts_at.astimezone(UTC))
        event.add("dtend", ends_at.astimezone(UTC))
        event.add("last-modified", item.updated_at.astimezone(UTC))
        # Each published update is a revision of the event; calendars keep the highest.
        event.add("sequence", len(item.updates))
        event.add("summary", one_line(item.name))
        if item.updates:
            event.add("description", item.updates[0].body)
        event.add("url", f"{root}/incidents/{item.id}/")
        # A completed window still happened: it stays on the calendar, confirmed.
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _update_html(update: PublicUpdate) -> str:
    """One update as the feeds show it: its time, its status and its sanitised HTML."""
    shown_at = html.escape(_display_time(update.display_at))
    status = html.escape(_status_label(update.status))
    body = _NOT_XML.sub(" ", update.body_html).strip()
    return f"<div><p><small>{shown_at}</small><br><strong>{status}</strong></p>{body}</div>"


def _display_time(at: datetime) -> str:
    """A time as the feeds show it, in UTC: "3 Dec 2026, 14:05 UTC"."""
    utc = at.astimezone(UTC)
    return f"{utc.day} {_MONTHS[utc.month - 1]} {utc.year}, {utc:%H:%M} UTC"


def _status_label(status: str) -> str:
    """A Statuspage status value as a word for people: "in_progress" is "In progress"."""
    return status.replace("_", " ").capitalize()


def _feed(feed_class: Any, page: PublicPage, *, base_url: str, own_path: str) -> bytes:
    root = base_url.rstrip("/")
    host = urlsplit(root).hostname or "dutydesk"
    items = sorted(_distinct(page), key=lambda item: (item.updated_at, item.id), reverse=True)
    items = items[:FEED_LIMIT]
    feed = feed_class(
        title=one_line(f"{page.name} status"),
        link=root,
        description=one_line(f"Incidents and maintenance on {page.name}"),
        feed_url=f"{root}/{own_path}",
    )
    # feedgenerator dates the feed by its newest item and, for an empty feed, by the clock:
    # pinning it (to the same newest item, or to when the page was built) keeps the bytes a
    # function of the page.
    updated_at = items[0].updated_at if items else page.built_at
    feed.latest_post_date = lambda: updated_at.astimezone(UTC)
    atom = feed_class is feedgenerator.Atom1Feed
    for item in items:
        link = f"{root}/incidents/{item.id}/"
        content = "".join(_update_html(update) for update in item.updates)
        feed.add_item(
            title=one_line(item.name),
            link=link,
            # Atom carries the updates as the entry's content; RSS has only a description.
            description=None if atom else content,
            content=content if atom else None,
            # A tag URI without the path: the status site can move under its host and
            # readers still know the items they have read.
            unique_id=f"tag:{host},{item.created_at.astimezone(UTC):%Y-%m-%d}:incident:{item.id}",
            unique_id_is_permalink=False,
            pubdate=item.created_at.astimezone(UTC),
            updateddate=item.updated_at.astimezone(UTC),
        )
    return str(feed.writeString("utf-8")).encode("utf-8")


def _distinct(page: PublicPage) -> Iterable[PublicIncident]:
    """Open incidents, maintenance and history, each once (an item can be in two lists)."""
    seen: set[str] = set()
    for item in (*page.incidents, *page.maintenances, *page.history):
        if item.id not in seen:
            seen.add(item.id)
            yield item
