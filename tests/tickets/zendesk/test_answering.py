"""A ticket mirrored from Zendesk is answered in Zendesk: Dutydesk's page, API and command line
refuse public replies and status changes on it, saying where to answer; the portal shows it
read-only, to its own tenant only; and mail never joins it."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update

from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.tenants import service as tenants
from dutydesk.tickets.intake import Limits, file_raw
from dutydesk.tickets.models import Ticket
from dutydesk.tickets.support import support_policy
from tests.tickets.zendesk.webhooks import (
    ZENDESK_URL,
    comment_event,
    counts,
    mirror_of,
    thread,
    trigger_body,
)

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
ZD = 35436
LINK = f"{ZENDESK_URL}/agent/tickets/{ZD}"
REFUSED_REPLY = f"ticket #1 is mirrored from Zendesk: answer the tenant in Zendesk ({LINK})"
REFUSED_STATUS = f"ticket #1 is mirrored from Zendesk: change its status in Zendesk ({LINK})"


@pytest.fixture
def mirrored(zendesk, runtime):
    """Acme's Zendesk ticket 35436, mirrored as #1 with the agent's first answer."""
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="ada", now=NOW)
        tenants.add_contact(session, "acme", "ann@acme.com", "Ann Acme", actor="ada", now=NOW)
        tenants.add_tenant(session, "globex", "Globex", ["globex.com"], actor="ada", now=NOW)
        tenants.add_contact(session, "globex", "gus@globex.com", "Gus", actor="ada", now=NOW)
        session.commit()
    assert zendesk.send(trigger_body(ZD, NOW)).status_code == 200
    answer = comment_event(
        ZD, 502, "Looking at it", NOW, staff=True, author="Carol Agent", status="OPEN"
    )
    assert zendesk.send(answer).status_code == 200
    return mirror_of(runtime, ZD).id


def _outbox_to(runtime, address):
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.destination == address)
        ).all()


def test_a_reply_through_the_api_is_refused_with_where_to_answer(api, runtime, mirrored):
    before = counts(runtime)
    answer = api.post("/api/v1/tickets/1/replies", json={"body": "Fixed", "status": "solved"})
    assert answer.status_code == 409
    assert answer.json() == {"error": "conflict", "message": REFUSED_REPLY}
    status = api.post("/api/v1/tickets/1/status", json={"status": "solved"})
    assert status.status_code == 409
    assert status.json() == {"error": "conflict", "message": REFUSED_STATUS}
    assert counts(runtime) == before
    assert mirror_of(runtime, ZD).status == "open"
    assert _outbox_to(runtime, "ops@acme.com") == []


def test_triage_notes_and_pick_up_still_work_through_the_api(api, runtime, mirrored):
    assert api.post("/api/v1/tickets/1/notes", json={"body": "LB again?"}).status_code == 201
    triaged = api.post("/api/v1/tickets/1/priority", json={"priority": "P2", "reason": "prod"})
    assert triaged.status_code == 200 and triaged.json()["priority"] == "P2"
    assert api.post("/api/v1/tickets/1/assignee", json={"person": "bob"}).status_code == 200


def test_a_reply_on_the_command_line_is_refused_with_where_to_answer(cli, runtime, mirrored):
    refused = cli("ticket", "reply", "1", "Fixed it")
    assert (refused.code, refused.err.strip()) == (2, f"dutydesk: error: {REFUSED_REPLY}")
    moved = cli("ticket", "status", "1", "solved")
    assert moved.code == 2 and "change its status in Zendesk" in moved.err
    assert cli("ticket", "note", "1", "Looked at the LB").code == 0


def test_the_page_says_it_is_mirrored_links_back_and_offers_no_reply(browser, mirrored):
    page = browser("alice").get("/tickets/1").text
    assert "Mirrored from Zendesk (ticket 35436)" in page
    assert f'<a href="{LINK}" rel="noopener noreferrer nofollow">' in page
    assert "The ticket is mirrored from Zendesk: answer the tenant in Zendesk" in page
    assert 'action="/tickets/1/reply' not in page and 'action="/tickets/1/status' not in page
    assert 'action="/tickets/1/note' in page and 'action="/tickets/1/priority' in page
    assert "<strong>Carol Agent in Zendesk</strong>" in page


def test_a_reply_posted_from_the_page_is_refused_beside_the_form(browser, runtime, mirrored):
    alice = browser("alice")
    before = counts(runtime)
    answer = alice.post("/tickets/1/reply", {"reply": "Fixed", "step": "send"})
    assert answer.status_code == 409
    assert REFUSED_REPLY in answer.text
    moved = alice.post("/tickets/1/status", {"status": "closed"})
    assert moved.status_code == 409 and "change its status in Zendesk" in moved.text
    assert counts(runtime) == before and mirror_of(runtime, ZD).status == "open"


def test_a_link_that_is_not_http_is_never_made_and_one_that_is_is_escaped(
    browser, runtime, mirrored
):
    alice = browser("alice")
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(Ticket).values(external_url="javascript:alert(1)"))
        session.commit()
    page = alice.get("/tickets/1").text
    assert "javascript:" not in page and "Mirrored from Zendesk" in page
    with unit_of_work(runtime.sessions) as session:
        hostile = 'https://zd.example/"><script>alert(1)</script>'
        session.execute(update(Ticket).values(external_url=hostile))
        session.commit()
    page = alice.get("/tickets/1").text
    assert "<script>alert(1)</script>" not in page
    assert 'href="https://zd.example/&#34;&gt;&lt;script&gt;' in page


def test_the_tenant_reads_a_mirrored_ticket_in_the_portal_but_answers_it_in_zendesk(
    tenant_browser, runtime, mirrored
):
    ann = tenant_browser("ann@acme.com")
    page = ann.get("/portal/tickets/1")
    assert page.status_code == 200
    assert "Looking at it" in page.text
    assert "This ticket is handled in Zendesk" in page.text
    assert 'action="/portal/tickets/1/reply"' not in page.text
    before = counts(runtime)
    refused = ann.post("/portal/tickets/1/reply", {"body": "Still broken"}, token=ann.csrf())
    assert refused.status_code == 409
    assert "This ticket is handled in Zendesk" in refused.text
    assert counts(runtime) == before


def test_another_tenant_cannot_tell_a_mirrored_ticket_from_none(tenant_browser, runtime, mirrored):
    gus = tenant_browser("gus@globex.com")
    assert gus.get("/portal/tickets/1").status_code == 404
    nobody = gus.get("/portal/tickets/2")
    assert nobody.status_code == 404
    refused = gus.post("/portal/tickets/1/reply", {"body": "hello"}, token=gus.csrf())
    assert refused.status_code == 404
    assert "Cannot deploy" not in gus.get("/portal/tickets").text
    assert thread(runtime, 1)[-1][1] == "Looking at it"


def test_mail_about_a_mirrored_ticket_opens_a_ticket_of_its_own(runtime, mirrored):
    message = EmailMessage()
    message["From"] = "Olive Ops <ops@acme.com>"
    message["To"] = "support@example.org"
    message["Subject"] = "Re: [#1] Cannot deploy"
    message["Message-ID"] = "<followup@acme.com>"
    message.set_content("Any news?")
    with unit_of_work(runtime.sessions) as session:
        filed = file_raw(
            session,
            support_policy(session),
            bytes(message),
            Limits(message_bytes=1 << 20, attachment_bytes=1 << 20),
            NOW,
        )
        session.commit()
    assert (filed.outcome, filed.ticket_id) == ("ticket", 2)
    assert filed.reason == "opened (about ticket #1, which is answered in Zendesk)"
    assert [kind for kind, _, _ in thread(runtime, 1)] == ["tenant", "reply"]


def test_a_mirrored_ticket_is_in_the_queue_page_and_the_dashboards_panel(browser, mirrored):
    alice = browser("alice", person="alice")
    assert 'href="/tickets/1"' in alice.get("/tickets").text
    panel = alice.get("/").text.split('id="tickets-heading"')[1].split("</section>")[0]
    assert 'href="/tickets/1"' in panel and "Cannot deploy" in panel
