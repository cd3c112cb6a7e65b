"""Tenant isolation, route by route: Ann (Acme) can never read, answer or enumerate Globex's
tickets through any portal route; staff sessions and tokens get nothing from the portal, and a
portal session gets nothing from the API or the staff pages.

"Never enumerate": another tenant's ticket answers exactly as a number nobody has (404, the
same page but for the number asked), and no answer to Ann carries Globex's subjects, its
ticket numbers or the team's internal notes.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dutydesk.db import unit_of_work
from dutydesk.tickets.models import Ticket, TicketMessage
from tests.portal.conftest import ANN, GUS, NOTE_SECRET, last_link, links_mailed
from tests.web_fixtures import Browser

GLOBEX_WORDS = ("Globex database slow", "Globex DNS question", "Queries take 9 s", "Which CNAME?")


def thread_size(runtime, ticket_id):
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).where(TicketMessage.ticket_id == ticket_id))


def status_of(runtime, ticket_id):
    with unit_of_work(runtime.read_sessions) as session:
        return session.get(Ticket, ticket_id).status


def same_but_number(answer, number, unused_answer, unused):
    """The two answers are one page but for the number asked about."""
    return answer.status_code == unused_answer.status_code and answer.text.replace(
        f"#{number}", "#N"
    ) == unused_answer.text.replace(f"#{unused}", "#N")


def assert_nothing_of_globex(browser, two_tenants):
    """No answer Ann's browser got names Globex's tickets, their numbers or a note."""
    globex_numbers = [str(n) for n in two_tenants.globex.values()]
    for answer in browser.answers:
        text = answer.text + answer.headers.get("location", "")
        for words in (*GLOBEX_WORDS, NOTE_SECRET, "Globex", GUS):
            assert words not in text, f"{answer.request.url}: {words!r}"
        for number in globex_numbers:
            assert not re.search(rf"/portal/tickets/{number}\b", text), answer.request.url
            assert not re.search(rf"#{number}\b", text) or (
                f"/tickets/{number}" in str(answer.request.url)
            ), answer.request.url


@pytest.fixture
def ann(two_tenants, tenant_browser):
    return tenant_browser(ANN)


def test_the_list_shows_only_the_tenants_own_tickets(ann, two_tenants):
    listed = ann.get("/portal/tickets")
    assert listed.status_code == 200
    shown = [int(n) for n in re.findall(r'href="/portal/tickets/(\d+)"', listed.text)]
    assert sorted(shown) == sorted(two_tenants.acme.values())
    # Past the first page there is nothing, and nothing of Globex either.
    assert ann.get("/portal/tickets?page=2").status_code == 200
    assert_nothing_of_globex(ann, two_tenants)


def test_another_tenants_ticket_is_a_404_like_a_number_nobody_has(ann, two_tenants):
    unused = ann.get(f"/portal/tickets/{two_tenants.unused}")
    assert unused.status_code == 404
    for number in two_tenants.globex.values():
        answer = ann.get(f"/portal/tickets/{number}")
        assert same_but_number(answer, number, unused, two_tenants.unused)
    # The tenant's own is there.
    assert ann.get(f"/portal/tickets/{two_tenants.acme['deploys']}").status_code == 200
    assert_nothing_of_globex(ann, two_tenants)


def test_a_reply_to_another_tenants_ticket_is_refused_and_changes_nothing(
    runtime, ann, two_tenants
):
    solved = two_tenants.globex["dns"]  # a reply would open it again
    sizes = {n: thread_size(runtime, n) for n in two_tenants.globex.values()}
    unused = ann.post(f"/portal/tickets/{two_tenants.unused}/reply", {"body": "Me too"})
    assert unused.status_code == 404
    for number in two_tenants.globex.values():
        answer = ann.post(f"/portal/tickets/{number}/reply", {"body": "Me too"})
        assert same_but_number(answer, number, unused, two_tenants.unused)
        # Even a form with errors does not show the ticket.
        empty = ann.post(f"/portal/tickets/{number}/reply", {"body": ""})
        assert empty.status_code == 404
    assert {n: thread_size(runtime, n) for n in two_tenants.globex.values()} == sizes
    assert status_of(runtime, solved) == "solved"
    assert_nothing_of_globex(ann, two_tenants)


def test_a_new_ticket_is_always_the_visitors_tenants(runtime, ann, two_tenants):
    made = ann.post(
        "/portal/new",
        # Fields a hostile form might add are not read.
        {
            "subject": "Acme needs a bigger quota",
            "body": "Please",
            "tenant": "globex",
            "tenant_id": "globex",
            "requester": GUS,
            "email": GUS,
        },
    )
    assert made.status_code == 303
    number = int(made.headers["location"].rsplit("/", 1)[1])
    with unit_of_work(runtime.read_sessions) as session:
        ticket = session.get(Ticket, number)
        assert (ticket.tenant_id, ticket.requester_email, ticket.source) == (
            "acme",
            ANN,
            "web",
        )
    assert ann.get(made.headers["location"]).status_code == 200
    assert ann.get("/portal/new").status_code == 200
    assert_nothing_of_globex(ann, two_tenants)


def test_the_new_ticket_is_not_in_the_other_tenants_list(runtime, ann, tenant_browser, two_tenants):
    made = ann.post("/portal/new", {"subject": "Acme only", "body": "Ours"})
    number = made.headers["location"].rsplit("/", 1)[1]
    gus = tenant_browser(GUS)
    listed = gus.get("/portal/tickets")
    assert "Acme only" not in listed.text
    assert gus.get(f"/portal/tickets/{number}").status_code == 404


def test_signing_in_tells_nothing_of_another_tenant_and_mails_only_their_own_address(
    runtime, ann, two_tenants
):
    # Ann asks for a link for Gus: it goes to Gus's inbox, and Ann's answer holds no link.
    before = links_mailed(runtime)
    asked = ann.post("/portal/", {"email": GUS})
    assert asked.status_code == 200
    assert links_mailed(runtime) == before + 1
    token = last_link(runtime, GUS)
    assert token not in asked.text
    unknown = ann.post("/portal/", {"email": "nobody@example.org"})
    assert asked.text.replace(GUS, "X") == unknown.text.replace("nobody@example.org", "X")
    # Ann is still Ann: her list is Acme's.
    assert "Acme deploys fail" in ann.get("/portal/tickets").text
    ann.answers.remove(asked)  # the answer names the address Ann typed, and nothing else
    ann.answers.remove(unknown)
    assert ann.get("/portal/").status_code == 303  # signed in: straight on
    assert_nothing_of_globex(ann, two_tenants)


def test_a_link_signs_in_only_its_own_address_and_ends_the_browsers_other_session(
    runtime, ann, portal_client, two_tenants
):
    ann_cookie = ann.cookie
    # A link of Ann's, followed: confirming shows her address only, and the list is Acme's.
    ann.post("/portal/", {"email": ANN})
    token = last_link(runtime, ANN)
    confirm = ann.get(f"/portal/link?token={token}")
    assert ANN in confirm.text
    # A forged or altered token signs in nobody.
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 43, ""):
        spent = ann.post("/portal/link", {"token": forged})
        assert spent.status_code == 400
        assert "dutydesk_portal" not in spent.headers.get("set-cookie", "")
    assert_nothing_of_globex(ann, two_tenants)
    # Another browser following Gus's link becomes Gus, and sees Globex's only.
    ann.post("/portal/", {"email": GUS})
    other = portal_client("203.0.113.9")
    gus_token = last_link(runtime, GUS)
    other.get(f"/portal/link?token={gus_token}")
    assert other.post("/portal/link", {"token": gus_token}).status_code == 303
    assert "Acme" not in other.get("/portal/tickets").text
    # Ann's browser following Gus's link ends Ann's session: no mix of the two.
    ann.post("/portal/", {"email": GUS})
    gus_again = last_link(runtime, GUS)
    ann.post("/portal/link", {"token": gus_again})
    replayed = portal_client("198.51.100.8")
    replayed.client.cookies.set("dutydesk_portal", ann_cookie, path="/portal")
    assert replayed.get("/portal/tickets").status_code == 303


def test_after_signing_out_the_old_cookie_reads_nothing(portal_client, ann, two_tenants):
    cookie = ann.cookie
    assert ann.post("/portal/sign-out", {}).status_code == 303
    assert ann.get("/portal/tickets").status_code == 303
    replayed = portal_client("198.51.100.8")
    replayed.client.cookies.set("dutydesk_portal", cookie, path="/portal")
    answer = replayed.get(f"/portal/tickets/{two_tenants.acme['deploys']}")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/portal/?next=")


# Every portal route, as (method, path, form).
def portal_routes(two_tenants):
    acme = two_tenants.acme["deploys"]
    return [
        ("get", "/portal/tickets", None),
        ("get", f"/portal/tickets/{acme}", None),
        ("post", f"/portal/tickets/{acme}/reply", {"body": "From staff?"}),
        ("get", "/portal/new", None),
        ("post", "/portal/new", {"subject": "From staff", "body": "Hello"}),
    ]


def test_a_staff_session_gets_nothing_from_the_portal(runtime, browser, two_tenants):
    staff: Browser = browser("ada", "admin")
    staff_token = staff.csrf("/")
    before = thread_size(runtime, two_tenants.acme["deploys"])
    for method, path, form in portal_routes(two_tenants):
        answer = staff.get(path) if method == "get" else staff.post(path, form, token=staff_token)
        assert answer.status_code in (303, 403), (path, answer.status_code)
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/portal/?next=")
        assert "Acme deploys fail" not in answer.text
    # The sign-in form is the signed-out one: the staff session is not a portal session.
    assert "E-mail me a sign-in link" in staff.get("/portal/").text
    assert thread_size(runtime, two_tenants.acme["deploys"]) == before
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 4


def test_an_api_token_gets_nothing_from_the_portal(api, two_tenants):
    for method, path, form in portal_routes(two_tenants):
        answer = api.request(method, path, data=form, follow_redirects=False)
        assert answer.status_code in (303, 403), (path, answer.status_code)
        assert "Acme deploys fail" not in answer.text


def test_a_portal_session_gets_nothing_from_the_api_or_the_staff_pages(ann, anonymous, two_tenants):
    cookie = ann.cookie
    client = anonymous.client
    for name in ("dutydesk_portal", "dutydesk_session"):
        client.cookies.clear()
        client.cookies.set(name, cookie)
        for path in (
            "/api/v1/tickets",
            "/api/v1/tenants",
            f"/api/v1/tickets/{two_tenants.acme['deploys']}",
        ):
            answer = client.get(path, headers={"accept": "application/json"})
            assert answer.status_code == 401, path
        staff_page = client.get("/", follow_redirects=False)
        assert staff_page.status_code == 303
        assert staff_page.headers["location"].startswith("/sign-in")
    client.cookies.clear()
    bearer = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {cookie}"})
    assert bearer.status_code == 401


def test_forms_refuse_the_other_sides_csrf_token(ann, browser, portal_client, two_tenants):
    staff = browser("ada", "admin")
    staff_token = staff.csrf("/")
    portal_token = ann.csrf("/portal/tickets")
    acme = two_tenants.acme["deploys"]
    # A staff page's token on a portal form, with the portal session: refused.
    refused = ann.post(f"/portal/tickets/{acme}/reply", {"body": "x"}, token=staff_token)
    assert refused.status_code == 403
    # A portal token on a staff form: refused.
    assert staff.post("/sign-out", {}, token=portal_token).status_code == 403
    # Signed out, both sides bind their tokens to the same visitor cookie: still refused.
    visitor = portal_client("198.51.100.9")
    staff_sign_in_token = Browser(visitor.client).csrf("/sign-in")
    asked = visitor.post("/portal/", {"email": ANN}, token=staff_sign_in_token)
    assert asked.status_code == 403
    assert visitor.post("/portal/", {"email": ANN}).status_code == 200
