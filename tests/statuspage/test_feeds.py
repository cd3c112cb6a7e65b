"""The status page's Atom and RSS feeds and its maintenance calendar, made from hand-built
pages and read back with independent parsers (feedparser, icalendar, recurring_ical_events)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import feedparser
import icalendar
import pytest
import recurring_ical_events

from dutydesk.statuspage.feeds import FEED_LIMIT, atom_feed, maintenance_calendar, rss_feed
from dutydesk.statuspage.public import PublicIncident, PublicPage, PublicUpdate

BASE_URL = "https://example.test/status"
BUILT_AT = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
FEEDS = [pytest.param(atom_feed, id="atom"), pytest.param(rss_feed, id="rss")]


def make_update(
    id: str, status: str, at: datetime, *, body: str = "", body_html: str = ""
) -> PublicUpdate:
    body = body or f"Update {id}."
    return PublicUpdate(
        id=id,
        status=status,
        body=body,
        body_html=body_html or f"<p>{body}</p>",
        display_at=at,
        created_at=at,
        updated_at=at,
    )


def make_incident(
    id: str,
    name: str,
    *,
    created_at: datetime,
    updates: tuple[PublicUpdate, ...] = (),
    kind: str = "incident",
    status: str = "resolved",
    scheduled_for: datetime | None = None,
    scheduled_until: datetime | None = None,
) -> PublicIncident:
    """An incident whose updated_at is its newest update's (updates are newest first)."""
    return PublicIncident(
        id=id,
        kind=kind,
        name=name,
        status=status,
        impact="maintenance" if kind == "maintenance" else "minor",
        created_at=created_at,
        updated_at=updates[0].display_at if updates else created_at,
        started_at=scheduled_for or created_at,
        monitoring_at=None,
        resolved_at=None,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        components=(),
        updates=updates,
    )


def make_page(
    *,
    name: str = "Acme",
    incidents: tuple[PublicIncident, ...] = (),
    maintenances: tuple[PublicIncident, ...] = (),
    history: tuple[PublicIncident, ...] = (),
) -> PublicPage:
    return PublicPage(
        id="page-1",
        name=name,
        time_zone="Europe/London",
        updated_at=BUILT_AT - timedelta(minutes=5),
        built_at=BUILT_AT,
        indicator="minor",
        description="",
        components=(),
        incidents=incidents,
        maintenances=maintenances,
        history=history,
    )


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


# An open incident, a maintenance window still to come, and an outage and a maintenance
# from the history. The open incident is also in the history list, to be shown once.
DATABASE_OUTAGE = make_incident(
    "inc-open",
    "Slow database",
    created_at=at(3, 14, 0),
    status="identified",
    updates=(
        make_update("u3", "identified", at(3, 14, 5), body_html="<p>Found the <em>index</em>.</p>"),
        make_update("u2", "investigating", at(3, 14, 0)),
    ),
)
UPGRADE = make_incident(
    "mnt-next",
    "Upgrade\nof the mail relay",
    kind="maintenance",
    status="scheduled",
    created_at=at(1, 9),
    scheduled_for=at(10, 22),
    scheduled_until=at(10, 23, 30),
    updates=(
        make_update("u7", "scheduled", at(2, 9), body="Moved to *22:00*."),
        make_update("u6", "scheduled", at(1, 9)),
    ),
)
OLD_OUTAGE = make_incident(
    "inc-old",
    "Login errors",
    created_at=at(1, 8),
    updates=(
        make_update("u5", "resolved", at(1, 11)),
        make_update("u4", "monitoring", at(1, 10)),
        make_update("u1", "investigating", at(1, 8)),
    ),
)
PAST_MAINTENANCE = make_incident(
    "mnt-done",
    "Disk swap",
    kind="maintenance",
    status="completed",
    # Made long before its window, and in another zone: the calendar shows it in UTC.
    created_at=at(1, 7),
    scheduled_for=datetime(2026, 12, 2, 1, 0, tzinfo=timezone(timedelta(hours=1))),
    scheduled_until=datetime(2026, 12, 2, 2, 0, tzinfo=timezone(timedelta(hours=1))),
    updates=(
        make_update("u9", "completed", at(2, 1)),
        make_update("u8", "in_progress", at(2, 0)),
    ),
)
PAGE = make_page(
    incidents=(DATABASE_OUTAGE,),
    maintenances=(UPGRADE,),
    history=(DATABASE_OUTAGE, OLD_OUTAGE, PAST_MAINTENANCE),
)


def entry_html(entry: feedparser.FeedParserDict) -> str:
    """The entry's HTML: Atom's content, RSS's description (feedparser calls both summary)."""
    return str(entry.summary)


def parsed(feed: bytes) -> feedparser.FeedParserDict:
    result = feedparser.parse(feed)
    assert not result.bozo, result.get("bozo_exception")
    return result


@pytest.mark.parametrize("make_feed", FEEDS)
def test_feed_lists_each_incident_and_maintenance_once_newest_updated_first(make_feed):
    result = parsed(make_feed(PAGE, base_url=BASE_URL))

    assert [(e.title, e.link) for e in result.entries] == [
        ("Slow database", f"{BASE_URL}/incidents/inc-open/"),
        ("Upgrade of the mail relay", f"{BASE_URL}/incidents/mnt-next/"),
        ("Disk swap", f"{BASE_URL}/incidents/mnt-done/"),
        ("Login errors", f"{BASE_URL}/incidents/inc-old/"),
    ]
    assert result.feed.title == "Acme status"
    assert result.feed.link == BASE_URL


@pytest.mark.parametrize("make_feed", FEEDS)
def test_feed_entry_shows_the_updates_newest_first_with_their_time_and_status(make_feed):
    result = parsed(make_feed(PAGE, base_url=BASE_URL))
    by_link = {e.link: e for e in result.entries}

    old = entry_html(by_link[f"{BASE_URL}/incidents/inc-old/"])
    assert old.index("Resolved") < old.index("Monitoring") < old.index("Investigating")
    assert (
        "<div><p><small>1 Dec 2026, 11:00 UTC</small><br /><strong>Resolved</strong></p>"
        "<p>Update u5.</p></div>" in old
    )

    open_ = entry_html(by_link[f"{BASE_URL}/incidents/inc-open/"])
    assert "<strong>Identified</strong></p><p>Found the <em>index</em>.</p>" in open_

    done = entry_html(by_link[f"{BASE_URL}/incidents/mnt-done/"])
    assert done.index("Completed") < done.index("In progress")


def test_atom_entries_carry_created_and_updated_times_and_stable_ids():
    result = parsed(atom_feed(PAGE, base_url=BASE_URL))
    entry = next(e for e in result.entries if e.link.endswith("/inc-old/"))

    assert entry.published == "2026-12-01T08:00:00+00:00"
    assert entry.updated == "2026-12-01T11:00:00+00:00"
    assert entry.id == "tag:example.test,2026-12-01:incident:inc-old"
    assert result.feed.updated == "2026-12-03T14:05:00+00:00"
    assert [link.href for link in result.feed.links if link.rel == "self"] == [
        f"{BASE_URL}/history.atom"
    ]


def test_rss_items_carry_the_same_ids_as_guids_that_are_not_permalinks():
    feed = rss_feed(PAGE, base_url=BASE_URL)
    result = parsed(feed)
    entry = next(e for e in result.entries if e.link.endswith("/inc-old/"))

    assert entry.id == "tag:example.test,2026-12-01:incident:inc-old"
    assert entry.guidislink is False
    assert entry.published == "Tue, 01 Dec 2026 08:00:00 +0000"
    assert b'<atom:link href="https://example.test/status/history.rss" rel="self"/>' in feed


@pytest.mark.parametrize("make_feed", FEEDS)
def test_markup_in_names_and_statuses_is_escaped_not_interpreted(make_feed):
    incident = make_incident(
        "inc-x",
        "<b>Broken</b> & down",
        created_at=at(1, 8),
        updates=(make_update("u1", "<i>odd</i>", at(1, 9)),),
    )
    feed = make_feed(make_page(name="<b>&", history=(incident,)), base_url=BASE_URL)
    result = parsed(feed)

    assert b"<b>" not in feed
    assert result.feed.title == "<b>& status"
    assert result.entries[0].title == "<b>Broken</b> & down"
    assert "<strong>&lt;i&gt;odd&lt;/i&gt;</strong>" in entry_html(result.entries[0])


@pytest.mark.parametrize("make_feed", FEEDS)
def test_a_control_character_in_an_update_does_not_break_the_feed(make_feed):
    # Markdown and nh3 keep a stray bell; XML 1.0 cannot carry it at all.
    update = make_update("u1", "investigating", at(1, 9), body_html="<p>ding\x07dong</p>")
    page = make_page(
        history=(make_incident("inc-x", "Bell", created_at=at(1, 8), updates=(update,)),)
    )

    result = parsed(make_feed(page, base_url=BASE_URL))

    assert "<p>ding dong</p>" in entry_html(result.entries[0])


@pytest.mark.parametrize("make_feed", FEEDS)
def test_same_page_gives_the_same_bytes(make_feed):
    assert make_feed(PAGE, base_url=BASE_URL) == make_feed(PAGE, base_url=BASE_URL)


@pytest.mark.parametrize("make_feed", FEEDS)
def test_an_empty_feed_is_dated_when_the_page_was_built_not_by_the_clock(make_feed):
    empty = make_page()

    feed = make_feed(empty, base_url=BASE_URL)
    result = parsed(feed)

    assert feed == make_feed(empty, base_url=BASE_URL)
    assert result.entries == []
    assert result.feed.updated_parsed[:6] == BUILT_AT.timetuple()[:6]


@pytest.mark.parametrize("make_feed", FEEDS)
def test_feed_keeps_the_newest_updated_items_up_to_the_limit(make_feed):
    many = tuple(
        make_incident(f"inc-{n:03}", f"Incident {n}", created_at=at(1, 0) + timedelta(hours=n))
        for n in range(FEED_LIMIT + 10)
    )
    result = parsed(make_feed(make_page(history=many), base_url=BASE_URL))

    assert FEED_LIMIT == 50
    assert [e.title for e in result.entries] == [
        f"Incident {n}" for n in reversed(range(10, FEED_LIMIT + 10))
    ]


def test_calendar_has_one_event_per_maintenance_window_in_utc():
    calendar = icalendar.Calendar.from_ical(maintenance_calendar(PAGE, base_url=BASE_URL))
    events = calendar.walk("VEVENT")

    assert str(calendar["X-WR-CALNAME"]) == "Acme maintenance"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    assert [str(e["UID"]) for e in events] == [
        "maintenance-mnt-done@dutydesk",
        "maintenance-mnt-next@dutydesk",
    ]
    done, upgrade = events
    assert done["DTSTART"].dt == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    assert done["DTEND"].dt == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert done["DTSTART"].dt.tzinfo is not None and done["DTSTART"].dt.utcoffset() == timedelta(0)
    assert b"DTSTART:20261202T000000Z" in maintenance_calendar(PAGE, base_url=BASE_URL)
    assert str(done["STATUS"]) == "CONFIRMED"
    assert str(upgrade["SUMMARY"]) == "Upgrade of the mail relay"
    assert str(upgrade["DESCRIPTION"]) == "Moved to *22:00*."
    assert str(upgrade["URL"]) == f"{BASE_URL}/incidents/mnt-next/"
    assert upgrade["SEQUENCE"] == 2
    assert upgrade["LAST-MODIFIED"].dt == at(2, 9)
    assert upgrade["DTSTAMP"].dt == BUILT_AT


def test_calendar_windows_read_back_as_occurrences():
    calendar = icalendar.Calendar.from_ical(maintenance_calendar(PAGE, base_url=BASE_URL))

    found = recurring_ical_events.of(calendar).between(at(1, 0), at(31, 0))

    assert sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in found) == [
        (at(2, 0), at(2, 1)),
        (at(10, 22), at(10, 23, 30)),
    ]


def test_calendar_uids_do_not_depend_on_the_page_address_or_the_build():
    moved = maintenance_calendar(PAGE, base_url="https://status.example.org")
    rebuilt = PAGE.model_copy(update={"built_at": BUILT_AT + timedelta(hours=1)})

    def uids(ical: bytes) -> list[str]:
        return [str(e["UID"]) for e in icalendar.Calendar.from_ical(ical).walk("VEVENT")]

    assert uids(moved) == uids(maintenance_calendar(rebuilt, base_url=BASE_URL))
    assert uids(moved) == uids(maintenance_calendar(PAGE, base_url=BASE_URL))
    assert maintenance_calendar(PAGE, base_url=BASE_URL) == maintenance_calendar(
        PAGE, base_url=BASE_URL
    )


def test_calendar_leaves_out_incidents_and_maintenance_without_a_window():
    unscheduled = make_incident("mnt-x", "No window", kind="maintenance", created_at=at(1, 8))
    page = make_page(incidents=(DATABASE_OUTAGE,), history=(OLD_OUTAGE, unscheduled))

    calendar = icalendar.Calendar.from_ical(maintenance_calendar(page, base_url=BASE_URL))

    assert calendar.walk("VEVENT") == []
