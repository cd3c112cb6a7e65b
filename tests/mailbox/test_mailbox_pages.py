"""The demo mailbox end to end: a page the outbox sends arrives in the local mailbox (a real
aiosmtpd server) and is listed on /mailbox, for admins, only when the mailbox is on.

The example team at Wednesday 14 January 2026, 10:00: bob is on engineering, and a page to him
goes by e-mail at once.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta

import pytest
from bench.loopback import free_port

from dutydesk.mailbox.catcher import start_catcher
from dutydesk.notify.delivery import deliver_due
from dutydesk.runtime import Runtime
from tests.notify.servers import reconfigure


@pytest.fixture
def mailbox(runtime: Runtime, tmp_path) -> Iterator[Runtime]:
    """The runtime with the demo mailbox on (no DUTYDESK_SMTP_URL), its server running."""
    reconfigure(runtime, demo_mailbox=str(tmp_path / "mail"), demo_mailbox_port=free_port())
    catcher = start_catcher(runtime.settings)
    yield runtime
    catcher.stop()


@pytest.fixture
def admin(example_team, browser):
    return browser("ada", "admin", "alice")


def test_a_page_sent_by_the_outbox_arrives_and_is_listed(
    mailbox, admin, raise_alert, run_cycle, pages
):
    raise_alert("disk-full", summary="Disk <b>full</b> on db-1 & <script>alert(1)</script>")
    run_cycle()

    assert deliver_due(mailbox, "test-worker") == 1

    [page] = pages()
    assert (page.destination, page.channel, page.status) == ("bob@example.org", "email", "sent")
    listed = admin.get("/mailbox")
    assert listed.status_code == 200, listed.text
    text = listed.text
    assert "bob@example.org" in text
    assert "dutydesk@localhost" in text
    assert "<dt>Received</dt><dd><time datetime=" in text
    # The subject and body are shown as text: the alert's markup is escaped, never run.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)" not in text
    assert "Acknowledge" in html.unescape(text)
    # And the alert's page reads "sent", not "failed, retrying".
    alerts = admin.get("/alerts").text
    assert "page-state--sent" in alerts
    assert "retrying" not in alerts


def test_the_newest_message_is_listed_first(mailbox, admin, raise_alert, run_cycle, clock):
    raise_alert("first", service="platform-api", summary="First alert")
    run_cycle()
    deliver_due(mailbox, "test-worker")
    clock.advance(timedelta(minutes=1))
    raise_alert("second", service="status-checks", summary="Second alert")
    run_cycle()
    deliver_due(mailbox, "test-worker")

    text = admin.get("/mailbox").text

    assert text.index("Second alert") < text.index("First alert")


def test_an_empty_mailbox_says_how_to_fill_it(mailbox, admin):
    text = html.unescape(admin.get("/mailbox").text)
    assert "Nothing has arrived yet" in text
    assert 'dutydesk alert trigger platform-api --summary "Disk full"' in text


def test_admins_see_the_mailbox_in_the_navigation(mailbox, admin):
    assert 'href="/mailbox"' in admin.get("/").text


def test_the_mailbox_is_for_admins_only(mailbox, example_team, browser):
    responder = browser("rhea", "responder", "bob")
    assert responder.get("/mailbox").status_code == 403
    assert 'href="/mailbox"' not in responder.get("/").text


def test_signed_out_visitors_are_sent_to_sign_in(mailbox, anonymous):
    answer = anonymous.get("/mailbox")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in")


def test_without_the_demo_mailbox_there_is_no_page_and_no_link(admin):
    assert admin.get("/mailbox").status_code == 404
    assert 'href="/mailbox"' not in admin.get("/").text
