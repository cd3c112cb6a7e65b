"""The ticket pages through a browser-like client: the queue and its tabs, one ticket with its
thread and forms, opening a ticket, and the dashboard's panel. Every form is CSRF-protected,
viewers see none, and a refusal shows its reason beside the field and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.tenants import service as tenants
from dutydesk.tickets import pages
from dutydesk.tickets import service as tickets
from dutydesk.tickets.models import Ticket, TicketMessage
from dutydesk.tickets.support import support_policy

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def desk(runtime, example_team):
    """Acme as a tenant; `desk(subject, **fields)` opens a ticket and returns its number."""
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(
            session, "acme", "Acme Ltd", ["acme.com"], actor="cli", now=_now(runtime)
        )
        session.commit()

    def open_one(subject="Deploys fail", body="Since 09:00 every deploy fails.", **given):
        with unit_of_work(runtime.sessions) as session:
            ticket = tickets.open_ticket(
                session,
                support_policy(session),
                subject=subject,
                first=tickets.Incoming(
                    body,
                    author_email=given.pop("requester", "ops@acme.com"),
                    body_html=given.pop("body_html", None),
                    full_text=given.pop("full_text", None),
                ),
                source=given.pop("source", "mail"),
                actor="mail",
                now=_now(runtime),
                **given,
            )
            session.commit()
            return ticket.id

    return open_one


def _now(runtime):
    return runtime.clock.now()


def change(runtime, ticket_id, act):
    """Change a ticket through the service, as another user would meanwhile."""
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.get_ticket(session, ticket_id)
        act(session, support_policy(session), ticket)
        session.commit()


def read(runtime, ticket_id):
    with unit_of_work(runtime.read_sessions) as session:
        ticket = tickets.get_ticket(session, ticket_id)
        thread = [(m.kind, m.body_text) for m in tickets.thread_of(session, ticket_id)]
        mails = session.scalar(select(func.count()).select_from(OutboxMessage))
        return ticket, thread, mails


def rows(html):
    """The queue's rows: the ticket number of each, in order."""
    return [int(n) for n in re.findall(r"<td>#(\d+)</td>", html)]


def field_error(html, name):
    """The message shown beside the field `name`, or None."""
    found = re.search(rf'<p class="field-error" id="f-{name}-error">.*?</span> (.*?)</p>', html)
    return unescape(found.group(1)) if found else None


# The queue


def test_the_queue_lists_each_ticket_with_its_clock_soonest_first(browser, desk, runtime, clock):
    later = desk("Untriaged question")  # 2 support days: Friday 10:00
    urgent = desk("Apps not served", priority="P1")  # 20 minutes: 10:20
    paused = desk("Waiting on them", priority="P3")
    change(
        runtime,
        paused,
        lambda s, p, t: tickets.set_status(s, p, t, "pending", actor="x", now=clock.now()),
    )
    change(
        runtime, urgent, lambda s, p, t: tickets.assign(s, t, "carol", actor="x", now=clock.now())
    )

    page = browser("alice", person="alice").get("/tickets")

    assert page.status_code == 200
    assert rows(page.text) == [urgent, later, paused]
    assert '<a href="/tickets" aria-current="page">Tickets</a>' in page.text  # navigation
    assert "in 20 min" in page.text and "in 2 d" in page.text and "paused" in page.text
    assert "Wed 14 Jan 10:20" in page.text and "Carol Chen" in page.text
    assert (
        "Acme Ltd" in page.text and '<span class="badge badge--priority-p1">P1</span>' in page.text
    )
    assert "3 tickets" in page.text

    clock.advance(timedelta(minutes=25))
    assert "overdue by 5 min" in browser("bob", person="bob").get("/tickets").text


def test_the_tabs_are_mine_unassigned_and_breaching(browser, desk, runtime, clock):
    mine = desk("Mine", priority="P4")
    theirs = desk("Carol's", priority="P1")
    nobodys = desk("Nobody's")
    change(runtime, mine, lambda s, p, t: tickets.assign(s, t, "alice", actor="x", now=clock.now()))
    change(
        runtime, theirs, lambda s, p, t: tickets.assign(s, t, "carol", actor="x", now=clock.now())
    )
    alice = browser("alice", person="alice")

    assert rows(alice.get("/tickets?tab=mine").text) == [mine]
    assert rows(alice.get("/tickets?tab=unassigned").text) == [nobodys]
    # Overdue or due within the hour: the P1 (10:20); the P4 is due tomorrow, the untriaged Friday.
    assert rows(alice.get("/tickets?tab=breaching").text) == [theirs]
    assert rows(alice.get("/tickets?tab=breaching&status=pending").text) == []
    unlinked = browser("ursula").get("/tickets?tab=mine")
    assert unlinked.status_code == 200 and "not linked to a person" in unlinked.text


def test_the_queue_filters_by_tenant_priority_and_status(browser, desk, runtime, clock):
    acme = desk("Acme's", priority="P2")
    other = desk("Someone else's", requester="who@example.org", priority="P2")
    solved = desk("Done")
    change(
        runtime,
        solved,
        lambda s, p, t: tickets.set_status(s, p, t, "solved", actor="x", now=clock.now()),
    )
    alice = browser("alice")

    assert rows(alice.get("/tickets?tenant=acme").text) == [acme]
    # Due at the same time: the newer first.
    assert rows(alice.get("/tickets?priority=P2").text) == [other, acme]
    assert rows(alice.get("/tickets?status=solved").text) == [solved]
    assert solved not in rows(alice.get("/tickets").text)
    # The filters are kept in the tabs' links.
    assert (
        'href="/tickets?tab=unassigned&amp;tenant=acme"' in alice.get("/tickets?tenant=acme").text
    )


def test_a_bad_filter_is_named_beside_its_field(browser, desk):
    desk()
    alice = browser("alice")
    for query, name in (
        ("priority=P9", "priority"),
        ("status=lost", "status"),
        ("tenant=nope", "tenant"),
    ):
        answer = alice.get(f"/tickets?{query}")
        assert answer.status_code == 400, query
        assert field_error(answer.text, name), query
        assert rows(answer.text) == []
    assert alice.get("/tickets?tab=everything").status_code == 400
    assert alice.get("/tickets?after=x&due=none").status_code == 400


def test_the_queue_shows_a_page_at_a_time_and_more_continues_after_it(
    browser, desk, runtime, clock, monkeypatch
):
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    # Two due at the same minute (the newer first), one later, two paused (no due time).
    numbers = [desk(f"Ticket {n}", priority="P1") for n in range(2)]
    numbers.append(desk("Later"))
    numbers += [desk(f"Paused {n}", priority="P3") for n in range(2)]
    for paused in numbers[3:]:
        change(
            runtime,
            paused,
            lambda s, p, t: tickets.set_status(s, p, t, "pending", actor="x", now=clock.now()),
        )
    alice = browser("alice")
    seen, url = [], "/tickets"
    while url:
        page = alice.get(url)
        assert page.status_code == 200
        seen += rows(page.text)
        found = re.search(
            r'<a class="button button--secondary" href="([^"]+)">More tickets</a>', page.text
        )
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == [2, 1, 3, 5, 4]
    assert "5 tickets" in alice.get("/tickets").text


# One ticket


def test_the_thread_shows_the_tenants_messages_replies_and_notes_apart(
    browser, desk, runtime, clock
):
    number = desk(
        "Deploys fail",
        body="Line one\nLine two",
        full_text="Line one\nLine two\n\n> an old quote",
        body_html="<p>Line one<br>Line two</p>",
    )
    change(
        runtime,
        number,
        lambda s, p, t: tickets.reply(
            s, p, t, "Which region?", actor="web:bob", person_id="bob", now=clock.now()
        ),
    )
    change(
        runtime,
        number,
        lambda s, p, t: tickets.add_note(
            s, t, "Probably the LB", actor="web:carol", person_id="carol", now=clock.now()
        ),
    )

    page = browser("alice", role="viewer").get(f"/tickets/{number}")

    assert page.status_code == 200
    kinds = re.findall(r'<li class="message message--(\w+)"', page.text)
    assert kinds == ["tenant", "reply", "note"]
    assert '<div class="message__body">Line one\nLine two</div>' in page.text
    assert "Only the team sees this note." in page.text
    assert "<strong>Bob Brown</strong>" in page.text and "<strong>Carol Chen</strong>" in page.text
    assert "The whole message as it came" in page.text and "&gt; an old quote" in page.text
    assert '<div class="message__html"><p>Line one<br>Line two</p></div>' in page.text
    # The clock: a reply was sent, so the next update is owed (untriaged: 2 support days).
    assert "Next update due" in page.text and "in 2 d" in page.text
    # The audit entries about this ticket, newest first.
    history = page.text.split('id="history-heading"')[1]
    assert (
        history.index("note on ticket")
        < history.index("replied to ticket")
        < history.index("opened ticket")
    )


def test_html_in_subjects_and_bodies_is_shown_as_text(browser, desk):
    number = desk(HOSTILE, body=HOSTILE)
    alice = browser("alice", person="alice")
    for url in (f"/tickets/{number}", "/tickets", "/"):
        html = alice.get(url).text
        assert HOSTILE not in html, url
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, url


def test_the_ticket_page_shows_the_clock_paused_and_breached(browser, desk, runtime, clock):
    number = desk("Apps down", priority="P1")
    alice = browser("alice")
    assert "First response due" in alice.get(f"/tickets/{number}").text
    assert (
        '(<span class="countdown countdown--soon">in 20 min</span>)'
        in alice.get(f"/tickets/{number}").text
    )
    clock.advance(timedelta(minutes=30))
    with unit_of_work(runtime.sessions) as session:
        session.get(Ticket, number).breached_at = clock.now() - timedelta(minutes=10)
        session.commit()
    page = alice.get(f"/tickets/{number}").text
    assert "overdue by 10 min" in page and "breached" in page
    change(
        runtime,
        number,
        lambda s, p, t: tickets.set_status(s, p, t, "pending", actor="x", now=clock.now()),
    )
    assert (
        "paused</span> while the ticket waits on the tenant" in alice.get(f"/tickets/{number}").text
    )


def test_a_zendesk_ticket_links_back_and_an_unsafe_link_is_not_made(browser, desk):
    mirrored = desk(
        "From Zendesk",
        source="zendesk",
        external_id="77",
        external_url="https://acme.zendesk.com/agent/tickets/77",
    )
    hostile = desk("Odd", source="zendesk", external_id="78", external_url="javascript:alert(1)")
    alice = browser("alice")
    assert (
        '<a href="https://acme.zendesk.com/agent/tickets/77"'
        in alice.get(f"/tickets/{mirrored}").text
    )
    assert "javascript:" not in alice.get(f"/tickets/{hostile}").text


def test_an_unknown_ticket_is_not_found(browser, desk):
    assert browser("alice").get("/tickets/99").status_code == 404


# Replying


def test_a_reply_is_previewed_as_the_tenant_will_get_it_and_the_preview_sends_nothing(
    browser, desk, runtime
):
    number = desk("Deploys fail")
    alice = browser("alice", person="alice")

    preview = alice.post(
        f"/tickets/{number}/reply",
        {"reply": "Which region?\r\nAnd which app?", "reply_status": "pending", "step": "preview"},
    )

    assert preview.status_code == 200
    assert "nothing has been sent yet" in preview.text
    assert "<dd>ops@acme.com</dd>" in preview.text and "<dd>[#1] Deploys fail</dd>" in preview.text
    assert "Which region?\nAnd which app?\n\n-- \nTicket #1: Deploys fail" in preview.text
    assert "becomes <strong>pending</strong>" in preview.text
    ticket, thread, mails = read(runtime, number)
    assert (ticket.status, [kind for kind, _ in thread], mails) == ("new", ["tenant"], 0)

    hidden = dict(
        re.findall(
            r'<input type="hidden" name="(reply|reply_status)" value="([^"]*)"', preview.text
        )
    )
    sent = alice.post(f"/tickets/{number}/reply", hidden | {"step": "send"})

    assert sent.status_code == 303 and sent.headers["location"] == f"/tickets/{number}"
    ticket, thread, mails = read(runtime, number)
    assert thread[-1] == ("reply", "Which region?\nAnd which app?")
    assert (ticket.status, mails) == ("pending", 1)
    assert "is on its way to ops@acme.com" in alice.get(f"/tickets/{number}").text


def test_changing_a_previewed_reply_brings_back_the_text(browser, desk, runtime):
    number = desk()
    alice = browser("alice")
    again = alice.post(f"/tickets/{number}/reply", {"reply": "Draft <b>one</b>", "step": "change"})
    assert again.status_code == 200
    assert "Draft &lt;b&gt;one&lt;/b&gt;</textarea>" in again.text
    assert read(runtime, number)[1] == [("tenant", "Since 09:00 every deploy fails.")]


def test_an_empty_reply_is_refused_beside_its_field(browser, desk, runtime):
    number = desk()
    answer = browser("alice").post(f"/tickets/{number}/reply", {"reply": "  ", "step": "send"})
    assert answer.status_code == 400
    assert field_error(answer.text, "reply") == "write something"
    assert read(runtime, number)[1:] == ([("tenant", "Since 09:00 every deploy fails.")], 0)


def test_a_reply_without_a_requester_is_kept_but_not_mailed(browser, desk, runtime):
    number = desk(requester=None)
    alice = browser("alice")
    preview = alice.post(f"/tickets/{number}/reply", {"reply": "Noted", "step": "preview"})
    assert "nobody will be mailed" in preview.text
    sent = alice.post(f"/tickets/{number}/reply", {"reply": "Noted", "step": "send"})
    assert sent.status_code == 303
    assert read(runtime, number)[2] == 0


# The other forms


def test_a_note_triage_status_assignee_and_follower_from_the_page(browser, desk, runtime):
    number = desk()
    alice = browser("alice", person="alice")
    base = f"/tickets/{number}"

    assert alice.post(f"{base}/note", {"note": "Looks like the LB"}).status_code == 303
    assert (
        alice.post(f"{base}/priority", {"priority": "P2", "reason": "one tenant down"}).status_code
        == 303
    )
    assert alice.post(f"{base}/assignee", {"assignee": "me"}).status_code == 303
    assert alice.post(f"{base}/followers", {"follower": "dan"}).status_code == 303
    assert alice.post(f"{base}/status", {"status": "pending"}).status_code == 303

    ticket, thread, _ = read(runtime, number)
    assert (ticket.priority, ticket.assignee_id, ticket.status) == ("P2", "alice", "pending")
    assert thread[-1] == ("note", "Looks like the LB")
    page = alice.get(base).text
    assert "Ticket #1 is pending now." in page
    assert "untriaged → <strong>P2</strong>, by alice on the web: “one tenant down”" in page
    assert "<dt>Followers</dt><dd>Dan Dorsey</dd>" in page
    assert "<dt>Assignee</dt><dd>Alice Archer</dd>" in page
    with unit_of_work(runtime.read_sessions) as session:
        actors = set(
            session.scalars(select(AuditEntry.actor).where(AuditEntry.subject == "ticket:1"))
        )
    assert actors == {"mail", "web:alice"}
    assert alice.post(f"{base}/assignee", {"assignee": ""}).status_code == 303
    assert read(runtime, number)[0].assignee_id is None


@pytest.mark.parametrize(
    ("path", "fields", "name", "message", "status"),
    [
        (
            "priority",
            {"priority": "P1", "reason": " "},
            "reason",
            "say why the priority is what it is",
            400,
        ),
        (
            "priority",
            {"priority": "", "reason": "big"},
            "priority",
            "choose one of P1, P2, P3, P4",
            400,
        ),
        (
            "priority",
            {"priority": "P7", "reason": "big"},
            "priority",
            "must be one of P1, P2, P3, P4",
            400,
        ),
        (
            "status",
            {"status": "lost"},
            "status",
            "must be one of open, pending, solved, closed",
            400,
        ),
        ("assignee", {"assignee": "zed"}, "assignee", "no person 'zed' in the team", 400),
        (
            "assignee",
            {"assignee": "me"},
            "assignee",
            "your account is not linked to a person on the team",
            400,
        ),
        ("followers", {"follower": ""}, "follower", "choose who to involve", 400),
        ("note", {"note": ""}, "note", "write something", 400),
    ],
)
def test_bad_input_is_named_beside_its_field_and_changes_nothing(
    browser, desk, runtime, path, fields, name, message, status
):
    number = desk()
    before = read(runtime, number)

    answer = browser("ursula").post(f"/tickets/{number}/{path}", fields)

    assert answer.status_code == status
    assert field_error(answer.text, name) == message
    assert 'class="error-summary"' in answer.text
    after = read(runtime, number)
    assert (after[0].priority, after[0].status, after[0].assignee_id, after[1:]) == (
        before[0].priority,
        before[0].status,
        before[0].assignee_id,
        before[1:],
    )


def test_a_clash_with_the_tickets_state_is_a_409_beside_the_form(browser, desk, runtime, clock):
    number = desk(priority="P2")
    alice = browser("alice")
    same = alice.post(f"/tickets/{number}/priority", {"priority": "P2", "reason": "still"})
    assert (
        same.status_code == 409 and field_error(same.text, "priority") == "ticket #1 is P2 already"
    )
    change(
        runtime,
        number,
        lambda s, p, t: tickets.set_status(s, p, t, "closed", actor="x", now=clock.now()),
    )
    closed = alice.post(f"/tickets/{number}/reply", {"reply": "Hello?", "step": "preview"})
    assert closed.status_code == 409 and field_error(closed.text, "reply") == "ticket #1 is closed"


def test_every_form_needs_the_pages_csrf_token(browser, desk, runtime):
    number = desk()
    alice = browser("alice", person="alice")
    for path, fields in (
        ("reply", {"reply": "Hi", "step": "send"}),
        ("note", {"note": "Hi"}),
        ("priority", {"priority": "P1", "reason": "big"}),
        ("status", {"status": "solved"}),
        ("assignee", {"assignee": "me"}),
        ("followers", {"follower": "me"}),
    ):
        answer = alice.post(f"/tickets/{number}/{path}", fields, token="0" * 64)
        assert answer.status_code == 403, path
    assert alice.post("/tickets/new", {"subject": "x", "body": "y"}, token="").status_code == 403
    ticket, thread, mails = read(runtime, number)
    assert (ticket.status, ticket.priority, ticket.assignee_id, len(thread), mails) == (
        "new",
        None,
        None,
        1,
        0,
    )


def test_a_viewer_sees_no_forms_and_may_not_post(browser, desk, runtime):
    number = desk()
    vera = browser("vera", role="viewer")
    page = vera.get(f"/tickets/{number}").text
    assert "<form" not in page.split("</header>")[1]
    assert "Open a ticket" not in vera.get("/tickets").text
    assert vera.get("/tickets/new").status_code == 403
    for path, fields in (
        ("reply", {"reply": "Hi", "step": "send"}),
        ("note", {"note": "Hi"}),
        ("priority", {"priority": "P1", "reason": "big"}),
        ("status", {"status": "solved"}),
        ("assignee", {"assignee": "alice"}),
        ("followers", {"follower": "alice"}),
    ):
        assert vera.post(f"/tickets/{number}/{path}", fields).status_code == 403, path
    assert vera.post("/tickets/new", {"subject": "x", "body": "y"}).status_code == 403
    assert read(runtime, number)[1:] == ([("tenant", "Since 09:00 every deploy fails.")], 0)


def test_signed_out_visitors_are_sent_to_sign_in(anonymous, desk):
    desk()
    answer = anonymous.get("/tickets/1")
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in?next=/tickets/1"


# Opening a ticket


def test_a_responder_opens_a_ticket_for_a_tenant(browser, desk, runtime):
    alice = browser("alice", person="alice")
    form = alice.get("/tickets/new")
    assert form.status_code == 200 and '<option value="acme">Acme Ltd</option>' in form.text

    made = alice.post(
        "/tickets/new",
        {
            "subject": "Cannot push",
            "requester_email": "Dev@Acme.com",
            "tenant": "",
            "priority": "P3",
            "body": "cf push hangs\nsince noon",
        },
    )

    assert made.status_code == 303 and made.headers["location"] == "/tickets/1"
    ticket, thread, _ = read(runtime, 1)
    assert (ticket.source, ticket.tenant_id, ticket.priority, ticket.requester_email) == (
        "web",
        "acme",
        "P3",
        "dev@acme.com",
    )
    assert thread == [("tenant", "cf push hangs\nsince noon")]
    assert "Ticket #1 is open: Cannot push" in alice.get("/tickets/1").text


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({"subject": "", "body": "x"}, "subject", "enter a subject"),
        ({"subject": "x", "body": " "}, "body", "enter what the tenant asked"),
        (
            {"subject": "x", "body": "y", "requester_email": "not mail"},
            "requester_email",
            "'not mail' is not an e-mail address like ops@example.org",
        ),
        ({"subject": "x", "body": "y", "tenant": "nope"}, "tenant", "no tenant 'nope'"),
        (
            {"subject": "x", "body": "y", "priority": "P0"},
            "priority",
            "must be one of P1, P2, P3, P4",
        ),
        ({"subject": "x" * 501, "body": "y"}, "subject", "at most 500 characters"),
    ],
)
def test_a_new_ticket_with_bad_input_is_refused_beside_the_field(
    browser, desk, runtime, fields, name, message
):
    answer = browser("alice").post("/tickets/new", fields)
    assert answer.status_code == 400
    assert field_error(answer.text, name) == message
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0
        assert session.scalar(select(func.count()).select_from(TicketMessage)) == 0


# The dashboard


def test_the_dashboard_shows_the_tickets_nearest_breach_and_the_unassigned(
    browser, desk, runtime, clock
):
    urgent = desk("Apps not served", priority="P1")
    for n in range(5):
        desk(f"Question {n}")
    change(
        runtime, urgent, lambda s, p, t: tickets.assign(s, t, "carol", actor="x", now=clock.now())
    )

    panel = browser("alice", person="alice").get("/").text.split('id="tickets-heading"')[1]
    panel = panel.split("</section>")[0]

    assert "6 new, open or pending; 5 unassigned." in panel
    nearest, unassigned = panel.split("<h3>Unassigned</h3>")
    assert nearest.index(f'href="/tickets/{urgent}"') < nearest.index("Question")
    assert "in 20 min" in nearest and "Carol Chen" in nearest
    assert len(re.findall(r"<li>", nearest)) == 4 and len(re.findall(r"<li>", unassigned)) == 4
    assert 'href="/tickets?tab=unassigned">All 5 unassigned tickets' in unassigned


def test_the_dashboard_says_when_there_are_no_tickets(browser, example_team):
    page = browser("alice").get("/").text
    assert "No open tickets." in page
