"""A message that names its one-click unsubscribe link carries List-Unsubscribe and
List-Unsubscribe-Post (RFC 8058), each on one line as mail providers read them; anything else in
that place of the payload is dropped."""

from __future__ import annotations

import copy
import io
from email import message_from_bytes, policy
from email.generator import BytesGenerator

import pytest

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.channels.base import Envelope
from dutydesk.notify.channels.email import build_email, unsubscribe_headers
from dutydesk.notify.delivery import deliver_due
from dutydesk.runtime import Runtime
from tests.notify.servers import SmtpServer, reconfigure

SENDER = "Acme Status <status@example.org>"
URL = "https://status.example.org/unsubscribe?subscriber=42&token=0a1b2c3d"
# Longer than the 78 characters at which the email package folds a header.
LONG_URL = "https://status.example.org/unsubscribe?token=" + "Ab9-_" * 60


def envelope(payload, subject="[Acme] Degraded performance"):
    return Envelope(1, "email", "ops@acme.com", subject, "Text", payload, "statuspage-1")


def unsubscribing(url, **more):
    return {"email": {"list_unsubscribe": url, **more}}


def test_a_message_with_an_unsubscribe_link_carries_both_one_click_headers():
    email = build_email(envelope(unsubscribing(URL)), SENDER)
    assert email["List-Unsubscribe"] == f"<{URL}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"List-Unsubscribe: <{URL}>\n".encode() in bytes(email)
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in bytes(email)


def test_a_plain_http_link_is_taken_too():
    assert unsubscribe_headers(unsubscribing("http://localhost:8000/u/1"))["List-Unsubscribe"] == (
        "<http://localhost:8000/u/1>"
    )


def test_a_message_without_one_carries_neither():
    for payload in (None, {}, {"email": {}}, {"email": "x"}, {"email": {"message_id": "<a@b>"}}):
        email = build_email(envelope(payload), SENDER)
        assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None
        assert email["List-Id"] is None


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "mailto:unsubscribe@example.org",
        "ftp://example.org/unsubscribe",
        "//example.org/unsubscribe",
        "/unsubscribe?token=1",
        "https:///no-host",
        "https://[::1/unclosed",
        "https://example.org/un subscribe",
        "https://example.org/u\r\nBcc: victim@example.org",
        "https://example.org/u\n",
        "https://example.org/u>, <https://evil.example/",
        "https://example.org/u<",
        "https://example.org/a,b",
        "https://example.org/unsübscribe",
        "https://example.org/u\x00",
        "https://example.org/?t=" + "a" * 1000,
        "",
        7,
        None,
        ["https://example.org/u"],
    ],
)
def test_anything_but_an_http_url_for_one_line_is_dropped(value):
    assert unsubscribe_headers(unsubscribing(value)) == {}
    email = build_email(envelope(unsubscribing(value)), SENDER)
    assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None


def test_the_longest_url_that_fits_on_one_line_is_kept_and_one_longer_is_not():
    base = "https://example.org/?t="
    longest = base + "a" * (978 - len(base))
    email = build_email(envelope(unsubscribing(longest)), SENDER)
    line = f"List-Unsubscribe: <{longest}>"
    assert len(line) == 998 and (line + "\n").encode() in bytes(email)
    assert unsubscribe_headers(unsubscribing(longest + "a")) == {}


def test_a_long_url_stays_verbatim_on_one_line_where_other_headers_still_fold():
    subject = "Störung: " + " ".join(["Zahlungen verzögert"] * 6)
    email = build_email(envelope(unsubscribing(LONG_URL), subject=subject), SENDER)
    raw = bytes(email)
    assert f"\nList-Unsubscribe: <{LONG_URL}>\n".encode() in raw
    header = raw.split(b"\n\n", 1)[0]
    # The subject is encoded and folded as before; the unsubscribe line alone is long.
    assert b"Subject: =?utf-8?" in header
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    long_lines = [line for line in header.split(b"\n") if len(line) > 78]
    assert long_lines == [f"List-Unsubscribe: <{LONG_URL}>".encode()]
    assert b"=?utf-8?" not in next(line for line in header.split(b"\n") if b"Unsubscribe:" in line)


def test_the_line_stays_whole_as_smtplib_writes_it_and_in_a_copy_of_the_message():
    email = build_email(envelope(unsubscribing(LONG_URL)), SENDER)
    for message in (email, copy.copy(email), copy.deepcopy(email)):
        wire = io.BytesIO()
        # What smtplib.SMTP.send_message does: the message's own policy, CRLF line ends.
        BytesGenerator(wire).flatten(message, linesep="\r\n")
        assert f"\r\nList-Unsubscribe: <{LONG_URL}>\r\n".encode() in wire.getvalue()
        assert b"\n" not in wire.getvalue().replace(b"\r\n", b"")


def test_a_safe_list_id_is_carried_and_anything_else_is_dropped():
    named = {"list_id": "Acme Status <status.acme.example>"}
    assert build_email(envelope(unsubscribing(URL, **named)), SENDER)["List-Id"] == (
        "Acme Status <status.acme.example>"
    )
    assert unsubscribe_headers({"email": {"list_id": "<status.acme.example>"}}) == {
        "List-Id": "<status.acme.example>"
    }
    for bad in ("<nodot>", "Acme\r\nBcc: x@y.z <s.acme.example>", "<a b.example>", "x" * 90, 3):
        assert unsubscribe_headers({"email": {"list_id": bad}}) == {}


def test_the_headers_reach_a_real_smtp_server_exactly_through_the_outbox(
    runtime: Runtime, smtp: SmtpServer
):
    configured = reconfigure(runtime, smtp_url=smtp.url, smtp_from=SENDER)
    with unit_of_work(configured.sessions) as session:
        service.enqueue(
            session,
            now=configured.clock.now(),
            channel="email",
            destination="alice@example.org",
            subject="[Acme] Degraded performance",
            text="Payments are slow.",
            idempotency_key="statuspage:update:1:alice",
            payload=unsubscribing(LONG_URL, list_id="Acme Status <status.acme.example>"),
        )
        session.commit()

    assert deliver_due(configured, "worker-1") == 1

    assert smtp.mailbox.wait_for(1)
    received = smtp.mailbox.messages[0]
    # The receiving parser keeps folded lines' line breaks, so equality means one line.
    assert received["List-Unsubscribe"] == f"<{LONG_URL}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["List-Id"] == "Acme Status <status.acme.example>"
    assert received["Subject"] == "[Acme] Degraded performance"
