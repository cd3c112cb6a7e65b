"""Signing in to the portal: the link mailed through the outbox, the same answer for known and
unknown addresses, links that work once and for 15 minutes (a GET never spends one), sessions
that end when idle, at their age limit, or when the address stops being the tenant's, and
throttling per address and per client."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import deliver_due
from dutydesk.portal import signin, throttle
from dutydesk.portal.models import PortalLink, PortalSession
from dutydesk.tenants import service as tenants
from tests.notify.servers import reconfigure
from tests.portal.conftest import (
    ANN,
    GUS,
    OPS_AT_ACME,
    last_link,
    links_mailed,
    sign_in,
)

UNKNOWN = "mallory@example.org"


def confirm_and_use(browser, token):
    browser.get(f"/portal/link?token={token}")
    return browser.post("/portal/link", {"token": token}, token=browser.csrf("/portal/"))


def test_a_contact_and_an_address_at_a_tenants_domain_each_get_a_link_by_mail(
    runtime, two_tenants, portal_client, smtp
):
    reconfigure(runtime, smtp_url=smtp.url, smtp_from="Acme Platform <support@example.org>")
    browser = portal_client()
    for address in (ANN, "OPS@Acme.COM"):
        assert browser.post("/portal/", {"email": address}).status_code == 200
    assert links_mailed(runtime) == 2
    deliver_due(runtime, "test-worker")
    assert smtp.mailbox.wait_for(3)  # and the reply on Globex's ticket
    mails = {
        recipients[0]: mail
        for recipients, mail in zip(smtp.mailbox.recipients, smtp.mailbox.messages, strict=True)
        if "support portal" in mail["Subject"]
    }
    assert set(mails) == {ANN, OPS_AT_ACME}
    mail = mails[ANN]
    assert mail["From"] == "Acme Platform <support@example.org>"
    assert mail["Subject"] == "Your link to sign in to the support portal"
    text = mail.get_payload(decode=True).decode()
    token = last_link(runtime, ANN)
    assert f"http://dutydesk.test/portal/link?token={token}" in text
    assert "within 15 minutes" in text
    assert "(Acme)" in text


def test_an_unknown_address_gets_the_same_answer_and_no_mail(runtime, two_tenants, portal_client):
    browser = portal_client()
    token = browser.csrf()
    known = browser.post("/portal/", {"email": ANN}, token=token)
    unknown = browser.post("/portal/", {"email": UNKNOWN}, token=token)
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(ANN, "X") == unknown.text.replace(UNKNOWN, "X")
    assert "Check your e-mail" in known.text
    assert known.headers.get("set-cookie") == unknown.headers.get("set-cookie")
    assert links_mailed(runtime) == 1
    assert last_link(runtime, UNKNOWN) is None


def test_what_is_not_an_address_is_told_and_counts_for_nothing(runtime, two_tenants, portal_client):
    browser = portal_client()
    for written in ("", "ann", "ann@", "<script>@x"):
        refused = browser.post("/portal/", {"email": written})
        assert refused.status_code == 400
        assert "enter an e-mail address like ops@example.org" in refused.text
        assert "<script>@x" not in refused.text
    assert links_mailed(runtime) == 0


def test_only_the_tokens_digest_is_stored(runtime, two_tenants, portal_client):
    browser = sign_in(runtime, portal_client(), ANN)
    token = last_link(runtime, ANN)
    with unit_of_work(runtime.read_sessions) as session:
        link = session.scalar(select(PortalLink))
        assert link.token_digest == hashlib.sha256(token.encode()).hexdigest()
        stored = session.scalar(select(PortalSession))
        assert stored.token_digest == hashlib.sha256(browser.cookie.encode()).hexdigest()
        assert (stored.email, stored.tenant_id) == (ANN, "acme")


def test_following_a_link_only_asks_to_confirm_and_it_works_once(
    runtime, two_tenants, portal_client
):
    asking = portal_client()
    asking.post("/portal/", {"email": ANN})
    token = last_link(runtime, ANN)
    # A mail scanner fetches the link (twice): nothing is used or started.
    scanner = portal_client("192.0.2.1")
    for _ in range(2):
        fetched = scanner.get(f"/portal/link?token={token}")
        assert fetched.status_code == 200
        assert "Sign in as ann@acme.com?" in fetched.text
        assert "dutydesk_portal" not in fetched.headers.get("set-cookie", "")
    # The tenant presses the button: signed in, on the list.
    browser = portal_client("198.51.100.50")
    used = confirm_and_use(browser, token)
    assert used.status_code == 303
    assert used.headers["location"] == "/portal/tickets"
    assert browser.get("/portal/tickets").status_code == 200
    # The second use, from any browser, is refused; so is the confirmation page.
    for other in (browser, scanner):
        again = confirm_and_use(other, token)
        assert again.status_code == 400
        assert "this sign-in link has expired or has been used" in again.text
        assert "dutydesk_portal" not in again.headers.get("set-cookie", "")
    assert scanner.get(f"/portal/link?token={token}").status_code == 400
    assert scanner.get("/portal/tickets").status_code == 303


def test_a_link_lasts_15_minutes(runtime, two_tenants, portal_client, clock):
    browser = portal_client()
    browser.post("/portal/", {"email": ANN})
    first = last_link(runtime, ANN)
    clock.advance(signin.LINK_LIFETIME)
    assert browser.get(f"/portal/link?token={first}").status_code == 400
    assert confirm_and_use(browser, first).status_code == 400
    browser.post("/portal/", {"email": ANN})
    second = last_link(runtime, ANN)
    clock.advance(signin.LINK_LIFETIME - timedelta(seconds=1))
    assert confirm_and_use(browser, second).status_code == 303


def test_using_one_link_spends_the_others_to_that_address(runtime, two_tenants, portal_client):
    browser = portal_client()
    browser.post("/portal/", {"email": ANN})
    older = last_link(runtime, ANN)
    browser.post("/portal/", {"email": ANN})
    newer = last_link(runtime, ANN)
    assert older != newer
    assert confirm_and_use(browser, newer).status_code == 303
    assert confirm_and_use(portal_client("192.0.2.2"), older).status_code == 400


def test_after_signing_in_the_tenant_lands_where_they_were_going(
    runtime, two_tenants, portal_client
):
    browser = portal_client()
    ticket = two_tenants.acme["deploys"]
    sent_away = browser.get(f"/portal/tickets/{ticket}")
    assert sent_away.status_code == 303
    assert sent_away.headers["location"] == f"/portal/?next=/portal/tickets/{ticket}"
    form = browser.get(sent_away.headers["location"])
    assert f'name="next" value="/portal/tickets/{ticket}"' in form.text
    browser.post("/portal/", {"email": ANN, "next": f"/portal/tickets/{ticket}"})
    used = confirm_and_use(browser, last_link(runtime, ANN))
    assert used.headers["location"] == f"/portal/tickets/{ticket}"
    # Anywhere but a portal page is not followed.
    for elsewhere in ("https://evil.example/", "//evil.example/", "/", "/api/v1/tickets"):
        other = portal_client("192.0.2.3")
        other.post("/portal/", {"email": ANN, "next": elsewhere})
        assert confirm_and_use(other, last_link(runtime, ANN)).headers["location"] == (
            "/portal/tickets"
        )


def test_the_session_cookie_is_the_portals_own_httponly_lax_and_secure_over_https(
    runtime, two_tenants, portal_client
):
    browser = portal_client()
    browser.post("/portal/", {"email": ANN})
    used = confirm_and_use(browser, last_link(runtime, ANN))
    cookie = next(c for c in used.headers.get_list("set-cookie") if "dutydesk_portal=" in c)
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/portal"} <= attributes
    assert "secure" not in attributes  # plain HTTP: a Secure cookie would not come back
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)
    secure = portal_client("192.0.2.4", https=True)
    secure.post("/portal/", {"email": ANN})
    used = confirm_and_use(secure, last_link(runtime, ANN))
    cookie = next(c for c in used.headers.get_list("set-cookie") if "dutydesk_portal=" in c)
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}


def test_a_session_ends_after_8_idle_hours(runtime, two_tenants, tenant_browser, clock):
    browser = tenant_browser(ANN)
    clock.advance(signin.IDLE_TIMEOUT - timedelta(minutes=1))
    assert browser.get("/portal/tickets").status_code == 200  # used: 8 more hours
    clock.advance(signin.IDLE_TIMEOUT - timedelta(minutes=1))
    assert browser.get("/portal/tickets").status_code == 200
    clock.advance(signin.IDLE_TIMEOUT)
    assert browser.get("/portal/tickets").status_code == 303


def test_a_session_ends_7_days_after_signing_in_however_much_it_is_used(
    runtime, two_tenants, tenant_browser, clock
):
    browser = tenant_browser(ANN)
    used_for = timedelta(0)
    while used_for + timedelta(hours=7) < signin.ABSOLUTE_TIMEOUT:
        clock.advance(timedelta(hours=7))
        used_for += timedelta(hours=7)
        assert browser.get("/portal/tickets").status_code == 200, used_for
    clock.advance(signin.ABSOLUTE_TIMEOUT - used_for)
    assert browser.get("/portal/tickets").status_code == 303


def test_a_session_ends_when_its_address_is_no_longer_the_tenants(
    runtime, two_tenants, tenant_browser, clock
):
    ops = tenant_browser(OPS_AT_ACME)  # by Acme's domain
    gus = tenant_browser(GUS)  # by Globex's contact list
    now = clock.now()
    with unit_of_work(runtime.sessions) as session:
        # acme.com moves to Globex: ops@acme.com is Globex's now, and must sign in again.
        tenants.update_tenant(session, "acme", domains=[], actor="ada", now=now)
        tenants.update_tenant(
            session, "globex", domains=["globex.com", "acme.com"], actor="ada", now=now
        )
        session.commit()
    assert ops.get("/portal/tickets").status_code == 303
    with unit_of_work(runtime.sessions) as session:
        tenants.remove_tenant(session, "globex", actor="ada", now=now)
        session.commit()
    assert gus.get("/portal/tickets").status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(PortalSession.email)).all() == [OPS_AT_ACME]


def test_signing_out_ends_the_session(runtime, two_tenants, tenant_browser):
    browser = tenant_browser(ANN)
    signed_out = browser.post("/portal/sign-out", {})
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/portal/"
    assert any(
        "dutydesk_portal=" in c and "Path=/portal" in c
        for c in signed_out.headers.get_list("set-cookie")
    )
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(PortalSession)).all() == []
    assert "You are signed out." in browser.get("/portal/").text


def test_five_links_an_hour_to_one_address_from_anywhere(
    runtime, two_tenants, portal_client, clock
):
    for n in range(throttle.PER_EMAIL):
        assert (
            portal_client(f"192.0.2.{n + 10}").post("/portal/", {"email": ANN}).status_code == 200
        )
        assert (
            portal_client(f"192.0.2.{n + 10}").post("/portal/", {"email": UNKNOWN}).status_code
            == 200
        )
        clock.advance(timedelta(minutes=1))
    mailed = links_mailed(runtime)
    late = portal_client("192.0.2.99")
    token = late.csrf()
    known = late.post("/portal/", {"email": ANN}, token=token)
    unknown = late.post("/portal/", {"email": UNKNOWN}, token=token)
    assert known.status_code == unknown.status_code == 429
    # Free again when the first request is an hour old: 55 minutes from now.
    assert known.headers["retry-after"] == unknown.headers["retry-after"] == "3300"
    assert "too many sign-in links have been asked for: try again in 55 minute(s)" in known.text
    assert known.text.replace(ANN, "X") == unknown.text.replace(UNKNOWN, "X")
    assert links_mailed(runtime) == mailed
    # Another address from the same client is not held up.
    assert late.post("/portal/", {"email": OPS_AT_ACME}, token=token).status_code == 200
    clock.advance(timedelta(minutes=55))
    assert late.post("/portal/", {"email": ANN}, token=token).status_code == 200
    assert links_mailed(runtime) == mailed + 2


def test_twenty_requests_an_hour_from_one_client(runtime, two_tenants, portal_client, clock):
    client = portal_client("203.0.113.66")
    token = client.csrf()
    for n in range(throttle.PER_ADDRESS):
        asked = client.post("/portal/", {"email": f"user{n}@example.org"}, token=token)
        assert asked.status_code == 200
    refused = client.post("/portal/", {"email": ANN}, token=token)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3600"
    assert links_mailed(runtime) == 0
    # Others are not held up; this client is again after the hour.
    assert portal_client("203.0.113.67").post("/portal/", {"email": ANN}).status_code == 200
    clock.advance(throttle.WINDOW)
    assert client.post("/portal/", {"email": ANN}, token=token).status_code == 200


def test_request_rows_older_than_the_window_are_deleted(runtime, two_tenants, portal_client, clock):
    from dutydesk.portal.models import PortalLinkRequest

    browser = portal_client()
    browser.post("/portal/", {"email": UNKNOWN})
    clock.advance(throttle.WINDOW)
    browser.post("/portal/", {"email": ANN})
    with unit_of_work(runtime.read_sessions) as session:
        rows = session.scalars(select(PortalLinkRequest)).all()
    assert [row.email_digest for row in rows] == [throttle.email_digest(ANN)]
    assert UNKNOWN not in str([(r.address, r.email_digest) for r in rows])
