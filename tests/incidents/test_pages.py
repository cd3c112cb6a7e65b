"""The incident pages through a browser-like client: the list and its declare form, declaring
from an alert's and a ticket's page in one click, the incident's page and its forms, the
document's editor and its conflicts. Viewers read everything and change nothing; tenants see
none of it; hostile text renders as text on every page that shows it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from dutydesk.alerts.service import AlertFields, trigger_on_service
from dutydesk.db import unit_of_work
from dutydesk.incidents import service, timeline
from dutydesk.incidents.models import Incident, TimelineEntry
from dutydesk.incidents.policy import incident_policy
from dutydesk.tickets import service as tickets
from dutydesk.tickets.support import support_policy

from .xss import CORPUS, markup_problems


def _count(runtime, model) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _flash(page) -> str:
    found = re.search(r'<div class="flash" role="status">(.*?)</div>', page.text, re.S)
    return unescape(found.group(1)) if found else ""


def test_declaring_on_the_list_page_fills_the_roles_and_shows_the_incident(
    browser, runtime, example_team
):
    alice = browser("alice", person="alice")
    listed = alice.get("/incidents")
    assert listed.status_code == 200 and "No open incident." in listed.text
    made = alice.post("/incidents", {"title": "Deploys fail", "priority": "P1", "lead": ""})
    assert made.status_code == 303 and made.headers["location"] == "/incidents/1"
    shown = alice.client.get("/incidents/1")
    assert "Incident 1 declared: its roles are told." in _flash(shown)
    text = unescape(shown.text)
    for expected in ("Incident lead", "Bob Brown", "Comms lead", "Erin Evans", "Carol Chen"):
        assert expected in text
    assert "<h4>Summary</h4>" in shown.text
    assert "Incident 1: Deploys fail" in unescape(alice.get("/incidents").text)
    assert "Open incidents" in alice.get("/").text  # the dashboard's panel


def test_an_alert_page_declares_an_incident_in_one_click(browser, runtime, example_team):
    with unit_of_work(runtime.sessions) as session:
        alert, _ = trigger_on_service(
            session,
            "platform-api",
            "5xx",
            AlertFields(summary="5xx above 5%", source="prometheus", severity="critical"),
            runtime.clock.now(),
            actor="am",
        )
        session.commit()
        alert_id = alert.id
    bob = browser("bob", person="bob")
    page = bob.get(f"/alerts/{alert_id}")
    assert f'name="alert" value="{alert_id}"' in page.text
    made = bob.post("/incidents", {"alert": str(alert_id)})
    assert made.status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        incident = session.get(Incident, 1)
        assert (incident.title, incident.priority, incident.source) == (
            "5xx above 5%",
            "P1",
            "alert",
        )
    assert f"Alert {alert_id}" in bob.client.get("/incidents/1").text


def test_a_ticket_page_declares_an_incident_of_its_priority(browser, runtime, example_team):
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.open_ticket(
            session,
            support_policy(session),
            subject="Deploys fail",
            first=tickets.Incoming("help", author_email="ops@acme.com"),
            source="web",
            actor="mail",
            now=runtime.clock.now(),
            priority="P3",
        )
        session.commit()
        ticket_id = ticket.id
    bob = browser("bob", person="bob")
    assert f'name="ticket" value="{ticket_id}"' in bob.get(f"/tickets/{ticket_id}").text
    assert bob.post("/incidents", {"ticket": str(ticket_id)}).status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        incident = session.get(Incident, 1)
        assert (incident.title, incident.priority, incident.source) == (
            f"Ticket #{ticket_id}: Deploys fail",
            "P3",
            "ticket",
        )


def test_the_forms_of_the_incident_page_change_it_and_refusals_show_beside_the_field(
    browser, runtime, example_team
):
    erin = browser("erin", person="erin")
    erin.post("/incidents", {"title": "Deploys fail", "priority": "P1"})
    for url, data, flash in (
        ("/incidents/1/update", {"update": "We are on it"}, "Tenant update recorded"),
        ("/incidents/1/check", {"answer": "ok"}, "Checked: all OK"),
        (
            "/incidents/1/timeline",
            {"entry": "Rolled back", "occurred_at": "2026-01-14T09:55"},
            "Added to the timeline.",
        ),
        (
            "/incidents/1/roles",
            {"role": "comms", "role_person": "dan"},
            "Dan Dorsey is the comms lead now.",
        ),
        ("/incidents/1/priority", {"priority": "P2"}, "Incident 1 is P2 now."),
        ("/incidents/1/escalate", {}, "Paging Carol Chen, the escalation contact."),
        ("/incidents/1/status", {"status": "mitigated"}, "Incident 1 is mitigated now."),
    ):
        done = erin.post(url, data)
        assert done.status_code == 303, (url, done.text)
        assert flash in _flash(erin.client.get(done.headers["location"])), url
    entries = _count(runtime, TimelineEntry)
    for url, data, field, message in (
        ("/incidents/1/timeline", {"entry": " "}, "entry", "say what happened"),
        ("/incidents/1/timeline", {"entry": "x", "occurred_at": "tomorrow"}, "occurred_at", ""),
        ("/incidents/1/update", {"update": ""}, "update", "say what tenants were told"),
        (
            "/incidents/1/roles",
            {"role": "comms", "role_person": ""},
            "role_person",
            "choose who takes the role",
        ),
        ("/incidents/1/links", {"link": "cheese"}, "link", 'write "alert 12"'),
        ("/incidents/1/links", {"link": "alert 999"}, "link", "no alert 999"),
        ("/incidents/1/status", {"status": "resolved"}, None, None),
        ("/incidents/1/status", {"status": "resolved"}, "status", "is resolved already"),
    ):
        refused = erin.post(url, data)
        if field is None:
            assert refused.status_code == 303
            continue
        assert refused.status_code in (400, 404, 409), (url, refused.status_code)
        error = re.search(rf'id="f-{field}-error">(.*?)</p>', refused.text, re.S)
        assert error is not None, (url, field)
        assert message in unescape(error.group(1)), (url, error.group(1))
    # Only the resolution was recorded; every refusal changed nothing.
    assert _count(runtime, TimelineEntry) == entries + 1


def test_two_editors_of_the_document_lose_no_words(browser, runtime, example_team):
    bob = browser("bob", person="bob")
    erin = browser("erin", person="erin")
    bob.post("/incidents", {"title": "Deploys fail", "priority": "P2"})
    with unit_of_work(runtime.read_sessions) as session:
        original = session.get(Incident, 1).document
    assert 'name="base_version" value="1"' in bob.get("/incidents/1/document").text
    assert 'name="base_version" value="1"' in erin.get("/incidents/1/document").text
    bobs = original + "\nBob: eu-west only.\n"
    erins = original + "\nErin: tenants told.\n"
    assert (
        bob.post("/incidents/1/document", {"document": bobs, "base_version": "1"}).status_code
        == 303
    )
    clash = erin.post("/incidents/1/document", {"document": erins, "base_version": "1"})
    assert clash.status_code == 409
    text = unescape(clash.text)
    assert "Someone else saved the document while you were editing" in text
    assert "Erin: tenants told." in text and "Bob: eu-west only." in text
    assert 'name="base_version" value="2"' in clash.text
    both = bobs + "Erin: tenants told.\n"
    assert (
        erin.post("/incidents/1/document", {"document": both, "base_version": "2"}).status_code
        == 303
    )
    with unit_of_work(runtime.read_sessions) as session:
        incident = session.get(Incident, 1)
        assert (incident.document, incident.document_version) == (both, 3)


def test_a_viewer_reads_everything_and_sees_no_form_and_may_not_post(
    browser, runtime, example_team
):
    bob = browser("bob", person="bob")
    bob.post("/incidents", {"title": "Deploys fail", "priority": "P1"})
    vera = browser("vera", role="viewer")
    for url in ("/incidents", "/incidents/1", "/incidents/1/timeline.md"):
        assert vera.get(url).status_code == 200, url
    page = vera.get("/incidents/1").text
    assert "<h4>Summary</h4>" in page
    assert 'action="/incidents/1/' not in page.replace('action="/incidents/1/join', "")
    assert 'action="/incidents"' not in vera.get("/incidents").text
    assert vera.get("/incidents/1/document").status_code == 403
    before = _count(runtime, TimelineEntry)
    token = vera.csrf("/")
    for url, data in (
        ("/incidents", {"title": "x", "priority": "P1"}),
        ("/incidents/1/timeline", {"entry": "x"}),
        ("/incidents/1/document", {"document": "x", "base_version": "1"}),
        ("/incidents/1/status", {"status": "resolved"}),
        ("/incidents/1/update", {"update": "x"}),
        ("/incidents/1/escalate", {}),
    ):
        assert vera.post(url, data, token=token).status_code == 403, url
    assert _count(runtime, TimelineEntry) == before and _count(runtime, Incident) == 1


def test_every_form_needs_the_csrf_token(browser, runtime, example_team):
    bob = browser("bob", person="bob")
    assert (
        bob.post("/incidents", {"title": "x", "priority": "P1"}, token="0" * 64).status_code == 403
    )
    assert _count(runtime, Incident) == 0


def test_nobody_signed_in_and_no_tenant_sees_an_incident(anonymous, browser, runtime, example_team):
    bob = browser("bob", person="bob")
    bob.post("/incidents", {"title": "Secret outage", "priority": "P1"})
    for url in (
        "/incidents",
        "/incidents/1",
        "/incidents/1/document",
        "/incidents/1/timeline.json",
    ):
        answer = anonymous.get(url)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in"), url
    assert anonymous.client.get("/api/v1/incidents/1").status_code == 401
    assert "Secret outage" not in anonymous.client.get("/portal").text


@pytest.mark.parametrize("hostile", CORPUS)
def test_hostile_text_renders_as_text_on_every_page_that_shows_it(
    hostile, browser, runtime, example_team
):
    with unit_of_work(runtime.sessions) as session:
        now = runtime.clock.now()
        incident = service.declare(
            session,
            incident_policy(session),
            service.Declaration(title=" ".join(hostile.split())[:300], priority="P1", source="web"),
            actor="alice",
            person_id="alice",
            now=now,
            base_url=runtime.settings.base_url,
        )
        entry = timeline.add_entry(
            session, incident, hostile, occurred_at=now, actor="alice", now=now
        )
        incident.document = hostile + "\n\n" + incident.document
        session.commit()
        entry_url = f"/incidents/1/timeline/{entry.id}"
    bob = browser("bob", person="bob")
    for url in (
        "/",
        "/incidents",
        "/incidents/1",
        "/incidents/1/document",
        entry_url,
        "/incidents/1/review",
    ):
        page = bob.get(url)
        assert page.status_code == 200, url
        assert markup_problems(page.text) == [], url
        assert "49" not in page.text.split("{{ 7*7 }}")[0][-3:]


# Text that stays inert even rendered unsafely (it is aimed at naive filters and template
# engines, which Dutydesk has none of): no active markup to find in it either way.
_INERT = {
    "{{ 7*7 }} {% raw %}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- comment --><scr<script>ipt>alert(1)</script>",
    "[entity](jav&#x09;ascript:alert(1))",
    "[tabbed](jav\tascript:alert(1))",
}


@pytest.mark.parametrize("hostile", sorted(set(CORPUS) - _INERT))
def test_the_check_finds_each_payload_when_rendered_unsafely(hostile):
    from markdown_it import MarkdownIt

    unsafe = MarkdownIt("commonmark", {"html": True})
    unsafe.validateLink = lambda url: True  # type: ignore[method-assign]
    assert markup_problems(hostile) or markup_problems(unsafe.render(hostile)), hostile


def test_an_entry_is_changed_or_pinned_on_its_own_page_and_dutydesks_stay_as_recorded(
    browser, runtime, example_team
):
    bob = browser("bob", person="bob")
    bob.post("/incidents", {"title": "Deploys fail", "priority": "P2"})
    bob.post("/incidents/1/timeline", {"entry": "Rolled back 4312"})
    with unit_of_work(runtime.read_sessions) as session:
        entries = timeline.entries(session, 1)
    note = next(e for e in entries if e.kind == "note")
    recorded = next(e for e in entries if e.kind == "declared")
    listed = bob.get("/incidents/1").text
    assert f'href="/incidents/1/timeline/{note.id}">Edit or pin' in listed
    assert f'href="/incidents/1/timeline/{recorded.id}">Pin<' in listed
    assert "Save the entry" in bob.get(f"/incidents/1/timeline/{note.id}").text
    assert "stays as it is" in bob.get(f"/incidents/1/timeline/{recorded.id}").text
    changed = bob.post(
        f"/incidents/1/timeline/{note.id}", {"action": "edit", "text": "Rolled back 4313"}
    )
    assert changed.status_code == 303 and changed.headers["location"].endswith(f"#entry-{note.id}")
    refused = bob.post(
        f"/incidents/1/timeline/{recorded.id}", {"action": "edit", "text": "Never declared"}
    )
    assert refused.status_code == 409 and "recorded by Dutydesk" in unescape(refused.text)
    assert bob.post(f"/incidents/1/timeline/{recorded.id}", {"action": "pin"}).status_code == 303
    page = bob.client.get("/incidents/1").text
    assert "Earlier versions" in page and "Rolled back 4312" in page
    pinned = page[page.index('id="pinned-heading"') : page.index('id="roles-heading"')]
    assert "Declared P2 by web:bob" in pinned, pinned
    vera = browser("vera", role="viewer")
    assert vera.get(f"/incidents/1/timeline/{note.id}").status_code == 403
    assert "Edit or pin" not in vera.get("/incidents/1").text


def test_the_page_shows_every_change_to_the_timeline_however_it_was_made(
    browser, runtime, example_team
):
    bob = browser("bob", person="bob")
    bob.post("/incidents", {"title": "Deploys fail", "priority": "P2"})
    assert "Failover started" not in bob.get("/incidents/1").text
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, 1)
        now = runtime.clock.now()
        entry = timeline.add_entry(
            session, incident, "Failover started", occurred_at=now, actor="cli", now=now
        )
        session.commit()
    assert "Failover started" in bob.get("/incidents/1").text
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, 1)
        timeline.edit_entry(
            session,
            incident,
            timeline.get_entry(session, 1, entry.id),
            text="Failover finished",
            occurred_at=None,
            actor="cli",
            now=now,
        )
        session.commit()
    page = bob.get("/incidents/1").text
    assert "Failover finished" in page and "Earlier versions" in page
    viewer = browser("vera", role="viewer").get("/incidents/1").text
    assert "Failover finished" in viewer and "Edit or pin" not in viewer
