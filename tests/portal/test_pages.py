"""The portal's ticket pages as a tenant uses them: the list by newest activity, the public
thread (never a note), replies that reopen, opening a ticket, what is said about when the team
answers, escaping, and forms refused without their CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.tickets import service as tickets
from dutydesk.tickets.models import Ticket, TicketMessage
from dutydesk.tickets.support import support_policy
from tests.portal.conftest import ANN, GUS, NOTE_SECRET, open_ticket

HOSTILE_SUBJECT = '<script>alert("subject")</script>'
HOSTILE_BODY = '<img src=x onerror=alert("body")> & "quotes"'


def listed_numbers(answer):
    return [int(n) for n in re.findall(r"<td>#(\d+)</td>", answer.text)]


def change(runtime, act):
    """Run `act(session, policy, now)` as staff and commit."""
    with unit_of_work(runtime.sessions) as session:
        act(session, support_policy(session), runtime.clock.now())
        session.commit()


def test_a_tenant_without_tickets_sees_an_empty_list(runtime, two_tenants, tenant_browser):
    from dutydesk.tenants import service as tenants

    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(
            session, "initech", "Initech", ["initech.com"], actor="ada", now=runtime.clock.now()
        )
        session.commit()
    listed = tenant_browser("peter@initech.com").get("/portal/tickets")
    assert listed.status_code == 200
    assert "Initech: tickets" in listed.text
    assert "Your organisation has no tickets yet." in listed.text
    assert listed_numbers(listed) == []


def test_the_list_is_newest_public_activity_first_and_a_note_moves_nothing(
    runtime, two_tenants, tenant_browser, clock
):
    ann = tenant_browser(ANN)
    deploys, logs = two_tenants.acme["deploys"], two_tenants.acme["logs"]
    assert listed_numbers(ann.get("/portal/tickets")) == [logs, deploys]  # same time: newest
    clock.advance(timedelta(hours=1))
    ann.post(f"/portal/tickets/{deploys}/reply", {"body": "Still failing"})
    assert listed_numbers(ann.get("/portal/tickets")) == [deploys, logs]
    clock.advance(timedelta(hours=1))
    change(
        runtime,
        lambda s, p, now: tickets.add_note(
            s, tickets.get_ticket(s, logs), "hm", actor="carol", now=now
        ),
    )
    listed = ann.get("/portal/tickets")
    assert listed_numbers(listed) == [deploys, logs]
    clock.advance(timedelta(hours=1))
    change(
        runtime,
        lambda s, p, now: tickets.reply(
            s, p, tickets.get_ticket(s, logs), "On it", actor="carol", now=now
        ),
    )
    listed = ann.get("/portal/tickets")
    assert listed_numbers(listed) == [logs, deploys]
    # Any status: the solved and the open alike, with their statuses in words.
    change(
        runtime,
        lambda s, p, now: tickets.set_status(
            s, p, tickets.get_ticket(s, logs), "solved", actor="carol", now=now
        ),
    )
    listed = ann.get("/portal/tickets")
    assert listed_numbers(listed) == [logs, deploys]
    assert "<td>Solved</td>" in listed.text and "<td>Open</td>" in listed.text


def test_tickets_of_no_tenant_are_nobodys_in_the_portal(runtime, two_tenants, tenant_browser):
    with unit_of_work(runtime.sessions) as session:
        unfiled = open_ticket(
            session, "Who am I", "stranger@example.org", "Hi", now=runtime.clock.now()
        )
        session.commit()
    ann = tenant_browser(ANN)
    assert unfiled not in listed_numbers(ann.get("/portal/tickets"))
    assert ann.get(f"/portal/tickets/{unfiled}").status_code == 404


def test_a_long_list_comes_in_pages_of_50(runtime, two_tenants, tenant_browser, clock):
    with unit_of_work(runtime.sessions) as session:
        for n in range(50):
            clock.advance(timedelta(minutes=1))
            open_ticket(session, f"Batch {n}", ANN, "x", now=clock.now())
        session.commit()
    ann = tenant_browser(ANN)
    first = ann.get("/portal/tickets")
    assert len(listed_numbers(first)) == 50
    assert 'href="/portal/tickets?page=2">Older tickets' in first.text
    second = ann.get("/portal/tickets?page=2")
    assert len(listed_numbers(second)) == 2  # Acme's two from before the batch
    assert "Newer tickets" in second.text and "Older tickets" not in second.text
    assert ann.get("/portal/tickets?page=0").status_code == 400


def test_internal_notes_and_staff_details_are_never_shown(runtime, two_tenants, tenant_browser):
    for ticket in (*two_tenants.acme.values(), *two_tenants.globex.values()):
        change(
            runtime,
            lambda s, p, now, t=ticket: tickets.set_priority(
                s,
                p,
                tickets.get_ticket(s, t),
                "P3",
                reason="TRIAGE-REASON-91",
                actor="carol",
                now=now,
            ),
        )
    answers = []
    for email, own in ((ANN, two_tenants.acme), (GUS, two_tenants.globex)):
        browser = tenant_browser(email)
        answers.append(browser.get("/portal/tickets"))
        for number in own.values():
            answers.append(browser.get(f"/portal/tickets/{number}"))
            answers.append(browser.post(f"/portal/tickets/{number}/reply", {"body": ""}))
            answers.append(browser.post(f"/portal/tickets/{number}/reply", {"body": "More"}))
            answers.append(browser.get(f"/portal/tickets/{number}"))
        answers.append(browser.post("/portal/new", {"subject": "", "body": ""}))
    shown = [a for a in answers if a.status_code != 303]
    assert len(shown) == 16
    for answer in shown:
        for hidden in (NOTE_SECRET, "TRIAGE-REASON-91", "P3", "carol"):
            assert hidden not in answer.text, (answer.request.url, hidden)
    # The team's public reply is there, signed by the team.
    thread = tenant_browser(GUS).get(f"/portal/tickets/{two_tenants.globex['db']}")
    assert "Looking at it" in thread.text and "Support team" in thread.text


def test_subjects_and_bodies_are_escaped(runtime, two_tenants, tenant_browser):
    ann = tenant_browser(ANN)
    made = ann.post("/portal/new", {"subject": HOSTILE_SUBJECT, "body": HOSTILE_BODY})
    number = int(made.headers["location"].rsplit("/", 1)[1])
    with unit_of_work(runtime.sessions) as session:
        open_ticket(session, HOSTILE_SUBJECT, ANN, HOSTILE_BODY, now=runtime.clock.now())
        session.commit()
    for answer in (ann.get("/portal/tickets"), ann.get(f"/portal/tickets/{number}")):
        assert "<script>" not in answer.text and "<img" not in answer.text
        assert "&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt;" in answer.text
    thread = ann.get(f"/portal/tickets/{number}")
    assert "&lt;img src=x onerror=alert(&#34;body&#34;)&gt; &amp; &#34;quotes&#34;" in thread.text
    # A form sent back with an error keeps the text, escaped.
    again = ann.post("/portal/new", {"subject": HOSTILE_SUBJECT, "body": ""})
    assert again.status_code == 400
    assert "<script>" not in again.text


def test_opening_a_ticket_files_it_from_the_signed_in_address(runtime, two_tenants, tenant_browser):
    ann = tenant_browser(ANN)
    made = ann.post(
        "/portal/new", {"subject": "  Need  a bigger\tquota ", "body": "Line one\n  indented\n"}
    )
    assert made.status_code == 303
    number = int(made.headers["location"].rsplit("/", 1)[1])
    shown = ann.get(made.headers["location"])
    assert f"Ticket #{number} is open" in shown.text
    assert "We aim to answer by" in shown.text
    with unit_of_work(runtime.read_sessions) as session:
        ticket = session.get(Ticket, number)
        assert (ticket.subject, ticket.status, ticket.source, ticket.requester_name) == (
            "Need a bigger quota",
            "new",
            "web",
            "Ann Acme",
        )
        [first] = tickets.thread_of(session, number)
        assert (first.kind, first.body_text, first.author_email) == (
            "tenant",
            "Line one\n  indented\n",
            ANN,
        )
        actors = session.scalars(
            select(AuditEntry.actor).where(AuditEntry.action == "ticket.open")
        ).all()
        assert "portal:ann@acme.com" in actors


def test_a_ticket_needs_a_subject_and_a_body(runtime, two_tenants, tenant_browser):
    ann = tenant_browser(ANN)
    with unit_of_work(runtime.read_sessions) as session:
        before = session.scalar(select(func.count()).select_from(Ticket))
    empty = ann.post("/portal/new", {"subject": " ", "body": " \n"})
    assert empty.status_code == 400
    assert "enter a subject" in empty.text and "write your message" in empty.text
    too_long = ann.post("/portal/new", {"subject": "x" * 501, "body": "Hello"})
    assert too_long.status_code == 400
    assert "at most 500 characters" in too_long.text
    assert 'value="' + "x" * 501 + '"' in too_long.text  # kept for correcting
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == before


def test_a_reply_opens_a_solved_ticket_again(runtime, two_tenants, tenant_browser, clock):
    gus = tenant_browser(GUS)
    solved = two_tenants.globex["dns"]
    page = gus.get(f"/portal/tickets/{solved}")
    assert "We think this is solved" in page.text
    clock.advance(timedelta(minutes=5))
    sent = gus.post(f"/portal/tickets/{solved}/reply", {"body": "Not quite: www too?"})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/portal/tickets/{solved}#latest"
    page = gus.get(f"/portal/tickets/{solved}")
    assert "Your message is sent." in page.text
    assert "<dd>Open</dd>" in page.text
    assert "We aim to update you by" in page.text
    assert re.search(r'id="latest".*?Not quite: www too\?', page.text, re.S)
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(Ticket, solved).status == "open"
        last = session.scalar(
            select(TicketMessage)
            .where(TicketMessage.ticket_id == solved)
            .order_by(TicketMessage.id.desc())
            .limit(1)
        )
        assert (last.kind, last.author_email, last.author_name) == ("tenant", GUS, "Gus Globex")


def test_a_closed_ticket_takes_no_more_messages(runtime, two_tenants, tenant_browser):
    ticket = two_tenants.globex["db"]
    change(
        runtime,
        lambda s, p, now: tickets.set_status(
            s, p, tickets.get_ticket(s, ticket), "closed", actor="carol", now=now
        ),
    )
    gus = tenant_browser(GUS)
    page = gus.get(f"/portal/tickets/{ticket}")
    assert "This ticket is closed" in page.text
    assert "/reply" not in page.text
    refused = gus.post(f"/portal/tickets/{ticket}/reply", {"body": "Hello?"})
    assert refused.status_code == 409
    assert "open a new ticket to follow it up" in refused.text


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("pending", "We are waiting for your answer"),
        ("overdue", "We have not answered in the time we aimed for"),
    ],
)
def test_what_the_tenant_is_told_of_the_answer(
    runtime, two_tenants, tenant_browser, clock, status, said
):
    ticket = two_tenants.acme["logs"]
    if status == "overdue":
        clock.advance(timedelta(days=7))
    else:
        change(
            runtime,
            lambda s, p, now: tickets.set_status(
                s, p, tickets.get_ticket(s, ticket), status, actor="carol", now=now
            ),
        )
    page = tenant_browser(ANN).get(f"/portal/tickets/{ticket}")
    assert said in page.text
    assert "We aim to" not in page.text


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/portal/", {"email": ANN}),
        ("/portal/link", {"token": "x"}),
        ("/portal/tickets/{n}/reply", {"body": "Hi"}),
        ("/portal/new", {"subject": "Hi", "body": "Hi"}),
        ("/portal/sign-out", {}),
    ],
)
def test_every_form_is_refused_without_its_csrf_token(
    runtime, two_tenants, tenant_browser, path, form
):
    ann = tenant_browser(ANN)
    url = path.format(n=two_tenants.acme["deploys"])
    with unit_of_work(runtime.read_sessions) as session:
        messages = session.scalar(select(func.count()).select_from(TicketMessage))
    for token in (None, "", "0" * 64):
        fields = form if token is None else {"csrf_token": token, **form}
        refused = ann.client.post(url, data=fields, follow_redirects=False)
        assert refused.status_code == 403, (url, token)
        assert "This form has expired" in refused.text
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(TicketMessage)) == messages
    assert ann.get("/portal/tickets").status_code == 200  # still signed in


def test_anything_but_a_number_is_no_ticket(two_tenants, tenant_browser):
    ann = tenant_browser(ANN)
    for path in ("abc", "1.0", "-1", "0", "99999999999", "١"):
        answer = ann.get(f"/portal/tickets/{path}")
        assert answer.status_code == 404, path
