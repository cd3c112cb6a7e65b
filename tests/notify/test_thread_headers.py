"""An e-mail in a conversation names its Message-ID and the messages it answers; nothing else
in the payload can reach a header."""

from __future__ import annotations

import pytest

from dutydesk.notify.channels.base import Envelope
from dutydesk.notify.channels.email import build_email, thread_headers


def envelope(payload):
    return Envelope(1, "email", "ops@acme.com", "[#1] Hi", "Text", payload, "ticket-reply-1")


def test_a_reply_carries_its_threading_headers():
    email = build_email(
        envelope(
            {
                "email": {
                    "message_id": "<ticket-1.ab@dutydesk>",
                    "in_reply_to": "<second@acme.com>",
                    "references": ["<first@acme.com>", "<second@acme.com>"],
                }
            }
        ),
        "Support <support@example.org>",
    )
    assert (email["Message-ID"], email["In-Reply-To"], email["References"]) == (
        "<ticket-1.ab@dutydesk>",
        "<second@acme.com>",
        "<first@acme.com> <second@acme.com>",
    )


def test_a_message_without_them_gets_a_message_id_from_its_key_and_no_others():
    email = build_email(envelope(None), "Support <support@example.org>")
    assert email["Message-ID"].endswith("@example.org>")
    assert email["In-Reply-To"] is None and email["References"] is None


@pytest.mark.parametrize(
    "value",
    [
        "<a@b>\r\nBcc: victim@example.org",
        "<a@b>\nX-Evil: 1",
        "no-brackets@acme.com",
        "<spa ce@acme.com>",
        "<nobody>",
        7,
        None,
    ],
)
def test_anything_but_a_message_id_is_dropped(value):
    headers = thread_headers(
        {"email": {"message_id": value, "in_reply_to": value, "references": [value, "<ok@a.b>"]}}
    )
    assert headers == {"references": "<ok@a.b>"}


def test_only_the_latest_twenty_references_are_kept():
    ids = [f"<m{n}@acme.com>" for n in range(30)]
    assert thread_headers({"email": {"references": ids}})["references"] == " ".join(ids[10:])
