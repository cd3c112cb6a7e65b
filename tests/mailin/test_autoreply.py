"""Which messages are automatic (RFC 3834), so that none is answered automatically."""

from __future__ import annotations

import pytest

from dutydesk.mailin.autoreply import automatic
from dutydesk.mailin.headers import Headers
from dutydesk.mailin.results import AutoReplyKind

BOUNCE = AutoReplyKind.BOUNCE
SUBMITTED = AutoReplyKind.AUTO_SUBMITTED
RESPONDER = AutoReplyKind.AUTORESPONDER
PRECEDENCE = AutoReplyKind.PRECEDENCE
SUPPRESS = AutoReplyKind.SUPPRESS_REQUEST
LIST = AutoReplyKind.MAILING_LIST


@pytest.mark.parametrize(
    ("fields", "content_type", "sender", "kind"),
    [
        pytest.param({}, "text/plain", "bob@x", None, id="a-person"),
        pytest.param({"Return-Path": "<>"}, "text/plain", "x@y", BOUNCE, id="null-return-path"),
        pytest.param({"Return-Path": " < > "}, "text/plain", "x@y", BOUNCE, id="null-with-spaces"),
        pytest.param({"Return-Path": "<bob@x>"}, "text/plain", "bob@x", None, id="return-path"),
        pytest.param({}, "multipart/report", "x@y", BOUNCE, id="delivery-report"),
        pytest.param({}, "text/plain", "mailer-daemon@mx.x", BOUNCE, id="mailer-daemon"),
        pytest.param({}, "text/plain", "postmaster@x", BOUNCE, id="postmaster"),
        pytest.param(
            {"Auto-Submitted": "auto-replied"}, "text/plain", "a@b", SUBMITTED, id="auto-replied"
        ),
        pytest.param(
            {"Auto-Submitted": "auto-generated"},
            "text/plain",
            "a@b",
            SUBMITTED,
            id="auto-generated",
        ),
        pytest.param(
            {"Auto-Submitted": "Auto-Notified; owner-email=x@y"},
            "text/plain",
            "a@b",
            SUBMITTED,
            id="with-parameter",
        ),
        pytest.param({"Auto-Submitted": "no"}, "text/plain", "a@b", None, id="auto-submitted-no"),
        pytest.param(
            {"Auto-Submitted": " No "}, "text/plain", "a@b", None, id="auto-submitted-no-any-case"
        ),
        pytest.param({"X-Autoreply": "yes"}, "text/plain", "a@b", RESPONDER, id="x-autoreply"),
        pytest.param(
            {"X-Autorespond": "Vacation"}, "text/plain", "a@b", RESPONDER, id="x-autorespond"
        ),
        pytest.param({"X-Autoreply": "no"}, "text/plain", "a@b", None, id="x-autoreply-no"),
        pytest.param({"Precedence": "bulk"}, "text/plain", "a@b", PRECEDENCE, id="bulk"),
        pytest.param(
            {"Precedence": "auto_reply"}, "text/plain", "a@b", PRECEDENCE, id="auto-reply"
        ),
        pytest.param({"Precedence": "List"}, "text/plain", "a@b", PRECEDENCE, id="list"),
        pytest.param({"Precedence": "junk"}, "text/plain", "a@b", PRECEDENCE, id="junk"),
        pytest.param({"Precedence": "first-class"}, "text/plain", "a@b", None, id="first-class"),
        pytest.param(
            {"X-Auto-Response-Suppress": "All"}, "text/plain", "a@b", SUPPRESS, id="suppress-all"
        ),
        pytest.param(
            {"X-Auto-Response-Suppress": "DR, OOF"},
            "text/plain",
            "a@b",
            SUPPRESS,
            id="suppress-oof",
        ),
        pytest.param(
            {"X-Auto-Response-Suppress": "AutoReply"},
            "text/plain",
            "a@b",
            SUPPRESS,
            id="suppress-autoreply",
        ),
        pytest.param(
            {"X-Auto-Response-Suppress": "DR, RN, NRN"},
            "text/plain",
            "a@b",
            None,
            id="suppress-receipts-only",
        ),
        pytest.param({"List-Id": "<users.lists.x>"}, "text/plain", "a@b", LIST, id="list-id"),
        pytest.param(
            {"List-Unsubscribe": "<mailto:leave@x>"},
            "text/plain",
            "a@b",
            LIST,
            id="list-unsubscribe",
        ),
        pytest.param(
            {"List-Id": "<l.x>", "Auto-Submitted": "auto-generated"},
            "text/plain",
            "a@b",
            SUBMITTED,
            id="auto-submitted-before-list",
        ),
        pytest.param(
            {"Return-Path": "<>", "Auto-Submitted": "auto-replied"},
            "multipart/report",
            "a@b",
            BOUNCE,
            id="bounce-first",
        ),
    ],
)
def test_an_automatic_message_is_recognised(fields, content_type, sender, kind):
    found = automatic(Headers(fields.items()), content_type, sender)
    assert (found.kind if found else None) is kind


def test_the_reason_names_the_header_on_one_line():
    found = automatic(
        Headers([("Auto-Submitted", "auto-replied\r\n (vacation)")]), "text/plain", None
    )
    assert found is not None
    assert found.reason == "Auto-Submitted: auto-replied (vacation)"
