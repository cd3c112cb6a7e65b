"""The Zendesk mirror's pure rules: the signature check, the mapping of statuses and
priorities, and what a payload says (both shapes), in tables of cases."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.errors import Invalid
from dutydesk.tickets.zendesk import (
    Ignored,
    ZendeskComment,
    ZendeskTicket,
    dutydesk_priority,
    dutydesk_status,
    same_text,
    ticket_url,
)
from dutydesk.tickets.zendesk_payloads import read_update
from dutydesk.tickets.zendesk_signing import (
    NotFromZendesk,
    Signed,
    check_signed,
    signature_for,
    signing_headers,
)

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
BODY = b'{"type": "zen:event-type:ticket.created"}'


def _signed(timestamp: str = "2026-01-14T10:00:00Z", body: bytes = BODY, secret: str = SECRET):
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return Signed(base64.b64encode(digest).decode(), timestamp, None)


def test_the_signature_is_zendesks_base64_hmac_of_timestamp_and_body():
    assert signature_for(SECRET, "2026-01-14T10:00:00Z", BODY) == _signed().signature


@pytest.mark.parametrize(
    ("headers", "body", "secrets", "signed_at"),
    [
        (_signed(), BODY, [SECRET], NOW),
        (_signed(), BODY, ["other", SECRET], NOW),
        (_signed("2026-01-14T09:55:00Z"), BODY, [SECRET], NOW - timedelta(minutes=5)),
        (_signed("2026-01-14T10:05:00Z"), BODY, [SECRET], NOW + timedelta(minutes=5)),
        (_signed("2026-01-14T11:00:00+01:00"), BODY, [SECRET], NOW),
    ],
    ids=["one secret", "the second of two", "5 min before", "5 min after", "an offset"],
)
def test_a_request_zendesk_signed_just_now_is_taken(headers, body, secrets, signed_at):
    assert check_signed(secrets, headers, body, NOW) == signed_at


@pytest.mark.parametrize(
    ("headers", "body", "secrets", "reason"),
    [
        (None, BODY, [SECRET], "are required"),
        (_signed(), BODY + b" ", [SECRET], "does not match the body"),
        (_signed(), BODY, ["another secret"], "does not match the body"),
        (_signed(), BODY, [], "does not match the body"),
        (_signed(secret=""), BODY, [SECRET], "does not match the body"),
        (_signed("2026-01-14T09:54:59Z"), BODY, [SECRET], "more than 5 minutes from now"),
        (_signed("2026-01-14T10:05:01Z"), BODY, [SECRET], "more than 5 minutes from now"),
        (_signed("2026-01-14T10:00:00"), BODY, [SECRET], "has no offset from UTC"),
        (_signed("now"), BODY, [SECRET], "is not a time"),
        (_signed("9999-12-31T23:59:59-14:00"), BODY, [SECRET], "is not a time"),
    ],
    ids=[
        "unsigned",
        "body changed",
        "wrong secret",
        "no secret",
        "empty secret",
        "too old",
        "too new",
        "no offset",
        "not a time",
        "past the year 9999",
    ],
)
def test_anything_else_is_not_from_zendesk(headers, body, secrets, reason):
    with pytest.raises(NotFromZendesk, match=reason) as refused:
        check_signed(secrets, headers, body, NOW)
    assert SECRET not in str(refused.value)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Zendesk-Webhook-Signature": "abc"},
        {"X-Zendesk-Webhook-Signature-Timestamp": "2026-01-14T10:00:00Z"},
        {"X-Zendesk-Webhook-Signature": "a" * 201, "X-Zendesk-Webhook-Signature-Timestamp": "t"},
        {"X-Zendesk-Webhook-Signature": "ab\u00e9", "X-Zendesk-Webhook-Signature-Timestamp": "t"},
        {"X-Zendesk-Webhook-Signature": "", "X-Zendesk-Webhook-Signature-Timestamp": "t"},
    ],
    ids=["no timestamp", "no signature", "too long", "not ASCII", "empty"],
)
def test_signing_headers_that_cannot_be_zendesks_are_none(headers):
    assert signing_headers(headers) is None


@pytest.mark.parametrize(
    ("zendesk", "ours"),
    [
        ("new", "new"),
        ("open", "open"),
        ("pending", "pending"),
        ("hold", "open"),
        ("solved", "solved"),
        ("closed", "closed"),
        ("deleted", "closed"),
        ("archived", "closed"),
        ("scrubbed", "closed"),
    ],
)
def test_statuses(zendesk, ours):
    assert dutydesk_status(zendesk) == ours


@pytest.mark.parametrize(
    ("zendesk", "ours"),
    [("urgent", "P1"), ("high", "P2"), ("normal", "P3"), ("low", "P4"), (None, None)],
)
def test_priorities(zendesk, ours):
    assert dutydesk_priority(zendesk) == ours


def test_the_link_is_the_agents_page_of_the_ticket_when_zendesk_is_configured():
    assert (
        ticket_url("https://acme.zendesk.com", "12") == "https://acme.zendesk.com/agent/tickets/12"
    )
    assert ticket_url(None, "12") is None


def test_texts_are_the_same_whatever_their_spacing():
    assert same_text("Deploys  fail\nsince 09:00 ", "Deploys fail since 09:00")
    assert not same_text("Deploys fail", "Deploys failed")


def _event(kind: str, **fields):
    detail = {"id": 35436, "updated_at": "2026-01-14T10:00:00.123456789Z"} | fields
    return {"type": f"zen:event-type:ticket.{kind}", "detail": detail}


def test_a_ticket_event_says_the_ticket_as_it_is_now():
    update = read_update(
        _event("status_changed", status="ON-HOLD", priority="URGENT", subject="Down")
    )
    assert not isinstance(update, Ignored)
    assert update.event == "status_changed" and not update.gone
    assert update.ticket == ZendeskTicket(
        id="35436",
        updated_at=datetime(2026, 1, 14, 10, 0, 0, 123456, tzinfo=UTC),
        subject="Down",
        status="hold",
        priority="urgent",
        priority_given=True,
    )


def test_a_comment_event_says_the_comment():
    payload = _event("comment_added") | {
        "event": {
            "comment": {
                "id": "9876543210",
                "body": "We are looking",
                "is_public": True,
                "author": {"id": 8447388090495, "is_staff": True, "name": "Support Agent"},
            }
        }
    }
    update = read_update(payload)
    assert not isinstance(update, Ignored)
    assert update.comment == ZendeskComment(
        id="9876543210",
        body="We are looking",
        public=True,
        by_staff=True,
        author_name="Support Agent",
    )


def test_a_ticket_that_is_gone_needs_no_time():
    update = read_update({"type": "zen:event-type:ticket.permanently_deleted", "detail": {"id": 5}})
    assert not isinstance(update, Ignored) and update.gone


def test_the_trigger_body_says_the_requester():
    update = read_update(
        {
            "ticket": {
                "id": "12",
                "updated_at": "2026-01-14 10:00:00 +0000",
                "status": "Open",
                "priority": "-",
                "requester": {"email": " Ops@ACME.com ", "name": "Olive"},
            }
        }
    )
    assert not isinstance(update, Ignored) and update.event == "trigger"
    assert (update.ticket.requester_email, update.ticket.requester_name) == (
        "ops@acme.com",
        "Olive",
    )
    assert (update.ticket.status, update.ticket.priority) == ("open", None)
    assert update.ticket.updated_at == NOW


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("2026-01-14T10:00Z", NOW),
        ("2026-01-14T10:00:00Z", NOW),
        ("2026-01-14T10:00:00.999999999Z", NOW + timedelta(microseconds=999999)),
        ("2026-01-14T11:00:00+01:00", NOW),
        ("2026-01-14 10:00:00 +0000", NOW),
    ],
)
def test_zendesks_ways_of_writing_a_time(text, at):
    update = read_update({"ticket": {"id": 1, "updated_at": text}})
    assert not isinstance(update, Ignored) and update.ticket.updated_at == at


def test_a_trigger_body_that_leaves_out_the_priority_leaves_it_alone():
    update = read_update({"ticket": {"id": 12, "updated_at": "2026-01-14T10:00:00Z"}})
    assert not isinstance(update, Ignored) and update.ticket.priority_given is False


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "the body is neither a Zendesk event"),
        (_event("created", id=0), "detail.id: must be a Zendesk id"),
        (_event("created", id=-3), "detail.id: must be a Zendesk id"),
        (_event("created", id=1.5), "detail.id: must be a Zendesk id"),
        (_event("created", updated_at=1768384800), "detail.updated_at: must be a time"),
        (_event("created", updated_at="2026-01-14T10:00:00"), "detail.updated_at: must be a time"),
        (
            _event("created", updated_at="9999-12-31T23:59:59-14:00"),
            "detail.updated_at: must be a time",
        ),
        (_event("created", status=5), "detail.status: must be a string"),
        (_event("created", description={"a": 1}), "detail.description: must be a string"),
        (_event("comment_added") | {"event": []}, "event: Input should be a valid dictionary"),
        (_event("comment_added") | {"event": {"comment": "hi"}}, "event.comment: Field required"),
    ],
)
def test_a_payload_with_a_wrong_field_is_invalid_naming_it(payload, message):
    with pytest.raises(Invalid, match=message):
        read_update(payload)


@pytest.mark.parametrize(
    "kind", ["zen:event-type:user.created", "zen:event-type:organization.created", ""]
)
def test_other_events_are_ignored(kind):
    assert isinstance(read_update({"type": kind}), Ignored)
