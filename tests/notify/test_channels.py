"""Channel details that need no server: SMTP URLs, addresses, redaction, Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dutydesk.addresses import check_address
from dutydesk.errors import Invalid
from dutydesk.notify.channels.apprise import shown_apprise, url_secrets
from dutydesk.notify.channels.base import redact
from dutydesk.notify.channels.email import SmtpServer, message_id, parse_smtp_url
from dutydesk.notify.channels.webhook import retry_after_seconds, shown_url
from dutydesk.notify.delivery import retry_delay

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 25, False, False, None, None)),
        (
            "smtp://user:p%40ss@mail.example.org:587?starttls=1",
            SmtpServer("mail.example.org", 587, False, True, "user", "p@ss"),
        ),
        ("smtp://h?starttls=1", SmtpServer("h", 587, False, True, None, None)),
        ("smtps://u:p@h", SmtpServer("h", 465, True, False, "u", "p")),
        ("smtp://h:2525?starttls=0", SmtpServer("h", 2525, False, False, None, None)),
    ],
)
def test_smtp_urls(url, server):
    assert parse_smtp_url(url) == server


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_what_is_not_an_smtp_url(url):
    with pytest.raises(Invalid, match="DUTYDESK_SMTP_URL"):
        parse_smtp_url(url)


@pytest.mark.parametrize("address", ["alice@example.org", "a.b+support@sub.example.co.uk"])
def test_addresses(address):
    check_address(address)


@pytest.mark.parametrize(
    "address", ["alice", "@example.org", "alice@", "a b@example.org", "a@b@c", "Alice <a@b.org>"]
)
def test_not_addresses(address):
    with pytest.raises(Invalid):
        check_address(address)


def test_the_message_id_is_stable_for_a_key_and_differs_between_keys():
    assert message_id("k1", "Dutydesk <d@example.org>") == message_id("k1", "d@example.org")
    assert message_id("k1", "d@example.org") != message_id("k2", "d@example.org")
    assert message_id("k1", "d@example.org").endswith("@example.org>")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        ("-3", 0.0),
        ("Wed, 14 Jan 2026 10:02:00 GMT", 120.0),
        ("soon", None),
    ],
)
def test_retry_after(value, seconds):
    assert retry_after_seconds(value, NOW) == seconds


def test_urls_are_shown_without_credentials_or_query():
    assert shown_url("https://u:pw@hooks.example.org:8443/x/y?token=abc") == (
        "https://hooks.example.org:8443/x/y?…"
    )
    assert shown_apprise("tgram://123456:ABCDEF/chat") == "tgram://…"


def test_redact_hides_every_secret_and_the_parts_of_apprise_urls():
    url = "tgram://bottoken123/chatid456"
    text = f"failed to notify {url}: bottoken123 refused"
    assert "bottoken123" not in redact(text, url_secrets(url))
    assert redact("pw is hunter2", ["hunter2", None, ""]) == "pw is ***"


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (50, 3600), (0, 30)],
)
def test_retry_delay(attempts, seconds):
    assert retry_delay(attempts).total_seconds() == seconds
