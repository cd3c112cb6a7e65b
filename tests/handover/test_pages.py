"""The handover pages through a browser-like client: the list and the report with its sections,
the notes form (the outgoing engineer's, CSRF-protected), the acknowledgement (a button for the
incoming engineer or an admin only), a viewer who reads and changes nothing, and quoted text
and notes that render as text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import update

from dutydesk.alerts.models import Service
from dutydesk.db import unit_of_work
from dutydesk.handover.models import Handover
from dutydesk.tickets.models import Ticket
from tests.handover.conftest import HANDOFF, INVITED
from tests.incidents.xss import CORPUS, markup_problems

ACK_BUTTON = "Acknowledge the handover"
NOTES_FORM = 'action="/handover/1/notes"'


def _flash(page) -> str:
    found = re.search(r'<div class="flash" role="status">(.*?)</div>', page.text, re.S)
    return unescape(found.group(1)) if found else ""


def _headings(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


def _row(runtime) -> Handover:
    with unit_of_work(runtime.read_sessions) as session:
        row = session.get(Handover, 1)
        assert row is not None
        session.expunge(row)
        return row


def test_the_list_and_the_report_show_the_meeting_then_every_section(week_of_data, cycle, browser):
    cycle(INVITED)
    alice = browser("alice", person="alice")
    listed = alice.get("/handover")
    assert listed.status_code == 200
    text = unescape(listed.text)
    assert "Bob Brown" in text and "Carol Chen" in text and "made at the handoff" in text
    coming = unescape(alice.get("/handover/1").text)
    assert "Bob Brown hands over to Carol Chen" in coming
    assert "The report of the week is made at the handoff." in coming
    assert alice.get("/handover/1.md").status_code == 409

    cycle(HANDOFF)  # three days on: a new sign-in
    alice = browser("alice2", person="alice")
    assert ">made<" in alice.get("/handover").text
    page = alice.get("/handover/1")
    assert page.status_code == 200
    assert _headings(page.text) == [
        "Notes from the outgoing engineer",
        "Alerts",
        "Tickets",
        "Incidents",
        "Swaps and cover",
        "Tasks",
        "Open items",
        "Acknowledgement",
    ]
    shown = unescape(page.text)
    for figure in (
        "Platform API: 3",
        "Logs **missing** <b>",  # a subject quoted as written
        "Router errors",
        "Slow deploys",
        "Rotate the CA",
    ):
        assert figure in shown, figure
    assert "Health checks and heartbeats → Carol Chen" in shown  # the page out of hours
    assert 'href="/handover/1.md"' in page.text
    markdown = alice.get("/handover/1.md")
    assert markdown.status_code == 200 and markdown.text.startswith("# Handover:")
    assert alice.get("/handover/99").status_code == 404


def test_the_outgoing_engineer_writes_notes_with_the_pages_csrf_token(
    week_of_data, cycle, browser, runtime
):
    cycle(HANDOFF)
    bob = browser("bob", person="bob")
    page = bob.get("/handover/1").text
    assert NOTES_FORM in page and ACK_BUTTON not in page
    refused = bob.post("/handover/1/notes", {"notes": "forged"}, token="0" * 64)
    assert refused.status_code == 403
    assert _row(runtime).notes == ""
    saved = bob.post("/handover/1/notes", {"notes": "Watch **the router** rollout."})
    assert saved.status_code == 303 and saved.headers["location"] == "/handover/1"
    shown = bob.client.get("/handover/1")
    assert _flash(shown) == "Notes saved."
    assert "Watch <strong>the router</strong> rollout." in shown.text
    # The form keeps what was written, to change it.
    assert "Watch **the router** rollout.</textarea>" in unescape(shown.text)
    row = _row(runtime)
    assert (row.notes, row.notes_by) == ("Watch **the router** rollout.", "bob")

    too_long = bob.post("/handover/1/notes", {"notes": "x" * 20_001})
    assert too_long.status_code == 400
    assert "at most 20000 characters" in unescape(too_long.text)
    assert _row(runtime).notes == "Watch **the router** rollout."


def test_only_the_incoming_engineer_or_an_admin_sees_and_uses_the_acknowledge_button(
    week_of_data, cycle, browser, runtime
):
    cycle(INVITED)
    early = browser("carol-early", person="carol")
    # Before the handoff there is no report to acknowledge.
    assert ACK_BUTTON not in early.get("/handover/1").text
    cycle(HANDOFF)
    carol = browser("carol", person="carol")
    bob = browser("bob", person="bob")
    alice = browser("alice", person="alice")
    ada = browser("ada", role="admin")
    vera = browser("vera", role="viewer")
    for who, sees in ((carol, True), (ada, True), (bob, False), (alice, False), (vera, False)):
        assert (ACK_BUTTON in who.get("/handover/1").text) is sees
    # Alice (neither of them, a responder) forging the form is refused beside it, unchanged.
    refused = alice.post("/handover/1/acknowledge", {})
    assert refused.status_code == 403
    assert "only the incoming engineer (or an admin)" in unescape(refused.text)
    assert _row(runtime).acknowledged_at is None

    done = carol.post("/handover/1/acknowledge", {})
    assert done.status_code == 303
    shown = carol.client.get("/handover/1")
    assert _flash(shown) == "Handover acknowledged."
    assert "Acknowledged by carol" in unescape(shown.text)
    row = _row(runtime)
    assert (row.acknowledged_by, row.acknowledged_at) == ("carol", HANDOFF)
    # Once acknowledged, no button for anyone and the notes are final.
    for who in (carol, ada, bob):
        page = who.get("/handover/1").text
        assert ACK_BUTTON not in page and NOTES_FORM not in page
    again = ada.post("/handover/1/acknowledge", {})
    assert again.status_code == 409 and "already acknowledged by carol" in unescape(again.text)
    late = bob.post("/handover/1/notes", {"notes": "one more thing"})
    assert late.status_code == 409 and "notes are final" in unescape(late.text)
    assert "<td>carol, " in unescape(bob.get("/handover").text)


def test_a_viewer_reads_every_page_and_may_not_write(week_of_data, cycle, browser, runtime):
    cycle(HANDOFF)
    vera = browser("vera", role="viewer")
    for url in ("/handover", "/handover/1", "/handover/1.md"):
        assert vera.get(url).status_code == 200, url
    page = vera.get("/handover/1").text
    assert NOTES_FORM not in page and ACK_BUTTON not in page
    token = vera.csrf("/")
    assert vera.post("/handover/1/notes", {"notes": "x"}, token=token).status_code == 403
    assert vera.post("/handover/1/acknowledge", {}, token=token).status_code == 403
    row = _row(runtime)
    assert (row.notes, row.acknowledged_at) == ("", None)


def test_nobody_signed_in_sees_a_handover(week_of_data, cycle, anonymous):
    cycle(HANDOFF)
    for url in ("/handover", "/handover/1", "/handover/1.md"):
        answer = anonymous.get(url)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")


@pytest.mark.parametrize("hostile", CORPUS)
def test_notes_service_names_and_subjects_render_as_text(
    hostile, week_of_data, cycle, browser, runtime
):
    one_line = " ".join(hostile.split())
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            update(Service).where(Service.id == "platform-api").values(name=one_line[:200])
        )
        session.execute(
            update(Ticket).where(Ticket.subject == "Old question").values(subject=one_line[:300])
        )
        session.commit()
    cycle(HANDOFF)
    bob = browser("bob", person="bob")
    assert bob.post("/handover/1/notes", {"notes": hostile}).status_code == 303
    for url in ("/handover", "/handover/1"):
        page = bob.get(url)
        assert page.status_code == 200
        assert markup_problems(page.text) == [], url
    # The quoted service name reads as it was written, not as markup.
    if "<script>" in one_line:
        assert "&lt;script&gt;" in bob.get("/handover/1").text
