"""Hostile text as a component's name and description, an incident's name and an update's
Markdown: every public page, the feeds and the team's pages show it as text, never markup."""

from __future__ import annotations

import feedparser
import pytest

from dutydesk.db import unit_of_work
from dutydesk.statuspage import components, publishing
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.publishing import UpdateDraft
from tests.incidents.xss import CORPUS, markup_problems


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_text_is_shown_as_text_everywhere(
    runtime, status_page, clock, site, anonymous, browser, payload
):
    with unit_of_work(runtime.sessions) as session:
        components.change_component(
            session, components.get_component(session, "api", lock=True),
            ComponentFields(name=payload[:255], description=payload), now=clock.now(),
        )  # fmt: skip
        made = publishing.create_incident(
            session, name=payload[:255],
            draft=UpdateDraft("investigating", payload, {"api": "partial_outage"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
        made_id = made.id
    alice = browser("alice", "responder", "alice")
    pages = {
        "/status/": anonymous.get("/status/").text,
        f"/status/incidents/{made_id}/": anonymous.get(f"/status/incidents/{made_id}/").text,
        "/status/subscribe/": anonymous.get("/status/subscribe/").text,
        "/status-page": alice.get("/status-page").text,
        f"/status-page/incidents/{made_id}": alice.get(f"/status-page/incidents/{made_id}").text,
    }
    for path, html in pages.items():
        assert markup_problems(html) == [], path
    for feed in ("/status/history.atom", "/status/history.rss"):
        parsed = feedparser.parse(anonymous.get(feed).content)
        assert not parsed.bozo, feed
        (entry,) = [e for e in parsed.entries if made_id in e.link]
        assert markup_problems(entry.summary) == [], feed
    summary = anonymous.get("/status/api/v2/summary.json").json()
    assert summary["incidents"][0]["incident_updates"][0]["body"] == payload.strip()
