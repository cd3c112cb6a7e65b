"""POST /hooks/zendesk through the real application: only what Zendesk signed in the last five
minutes is taken, and once; bad input is a 4xx JSON answer that changes nothing."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from dutydesk.app import create_app
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.tickets.support import support_policy
from dutydesk.tickets.zendesk import Ignored
from dutydesk.tickets.zendesk_mirror import mirror
from dutydesk.tickets.zendesk_payloads import read_update
from dutydesk.tickets.zendesk_signing import Signed, remember_delivery
from tests.tickets.zendesk.webhooks import (
    OTHER_SECRET,
    PATH,
    SECRET,
    comment_event,
    counts,
    ticket_event,
    trigger_body,
    zendesk_settings,
    zendesk_signature,
    zendesk_time,
)


@pytest.fixture
def created(clock):
    """Zendesk ticket 35436, just created."""
    return ticket_event("created", 35436, clock.now())


def test_a_signed_ticket_event_is_taken(zendesk, runtime, created):
    answer = zendesk.send(created)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "status": "created",
        "ticket": 1,
        "reason": "mirrors Zendesk ticket 35436",
    }
    assert counts(runtime) == (1, 1)


def test_either_configured_secret_signs(zendesk, runtime, created):
    assert zendesk.send(created, secret=OTHER_SECRET).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda headers: headers.pop("X-Zendesk-Webhook-Signature"),
            "X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required",
        ),
        (
            lambda headers: headers.pop("X-Zendesk-Webhook-Signature-Timestamp"),
            "X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required",
        ),
        (
            lambda headers: headers.update({"X-Zendesk-Webhook-Signature": "bm90IGl0"}),
            "X-Zendesk-Webhook-Signature does not match the body: is"
            " DUTYDESK_ZENDESK_SIGNING_SECRET the webhook's signing secret?",
        ),
        (
            # Signed, but the timestamp header was changed after: the signature covers it.
            lambda headers: headers.update(
                {"X-Zendesk-Webhook-Signature-Timestamp": "2026-01-14T10:00:01Z"}
            ),
            "X-Zendesk-Webhook-Signature does not match the body: is"
            " DUTYDESK_ZENDESK_SIGNING_SECRET the webhook's signing secret?",
        ),
    ],
    ids=["no signature", "no timestamp", "wrong signature", "timestamp changed"],
)
def test_an_unsigned_or_wrongly_signed_request_is_refused(
    zendesk, runtime, clock, created, change, message
):
    body = json.dumps(created).encode()
    timestamp = zendesk_time(clock.now())
    headers = {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "X-Zendesk-Webhook-Signature": zendesk_signature(zendesk.secret, timestamp, body),
    }
    change(headers)
    answer = zendesk.client.post(PATH, content=body, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized", "message": message}
    assert counts(runtime) == (0, 0)


def test_a_body_changed_after_signing_is_refused(zendesk, runtime, clock, created):
    timestamp = zendesk_time(clock.now())
    signature = zendesk_signature(zendesk.secret, timestamp, json.dumps(created).encode())
    created["detail"]["subject"] = "Something else"
    answer = zendesk.client.post(
        PATH,
        content=json.dumps(created).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
            "X-Zendesk-Webhook-Signature": signature,
        },
    )
    assert answer.status_code == 401 and counts(runtime) == (0, 0)


def test_another_secret_does_not_sign(zendesk, runtime, created):
    answer = zendesk.send(created, secret="c29tZW9uZSBlbHNlJ3Mgc2VjcmV0")
    assert answer.status_code == 401 and counts(runtime) == (0, 0)


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_signature_more_than_five_minutes_from_now_is_refused(
    zendesk, runtime, clock, created, minutes
):
    answer = zendesk.send(created, signed_at=clock.now() + timedelta(minutes=minutes))
    assert answer.status_code == 401
    assert answer.json()["message"] == (
        "X-Zendesk-Webhook-Signature-Timestamp is more than 5 minutes from now: an old request"
        " is not taken again (are both clocks right?)"
    )
    assert counts(runtime) == (0, 0)


def test_a_signature_within_five_minutes_is_taken(zendesk, clock, created):
    assert zendesk.send(created, signed_at=clock.now() - timedelta(minutes=4)).status_code == 200


def test_a_timestamp_that_is_no_time_is_refused_even_when_signed(zendesk, runtime, clock, created):
    body = json.dumps(created).encode()
    answer = zendesk.client.post(
        PATH,
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature-Timestamp": "yesterday",
            "X-Zendesk-Webhook-Signature": zendesk_signature(zendesk.secret, "yesterday", body),
        },
    )
    assert answer.status_code == 401
    assert answer.json()["message"] == "X-Zendesk-Webhook-Signature-Timestamp is not a time"
    assert counts(runtime) == (0, 0)


def test_a_replayed_request_is_refused_and_changes_nothing(zendesk, runtime, clock, created):
    body = json.dumps(created).encode()
    timestamp = zendesk_time(clock.now())
    headers = {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "X-Zendesk-Webhook-Signature": zendesk_signature(zendesk.secret, timestamp, body),
    }
    assert zendesk.client.post(PATH, content=body, headers=headers).status_code == 200
    clock.advance(timedelta(minutes=2))
    replayed = zendesk.client.post(PATH, content=body, headers=headers)
    assert replayed.status_code == 409
    assert replayed.json() == {
        "error": "conflict",
        "message": "this delivery was taken already: a replay, or a retry of a stored one",
    }
    # Later still, the same request is refused by its timestamp.
    clock.advance(timedelta(minutes=4))
    assert zendesk.client.post(PATH, content=body, headers=headers).status_code == 401
    assert counts(runtime) == (1, 1)


def test_a_retry_of_a_stored_invocation_is_refused_though_signed_anew(zendesk, clock, created):
    assert zendesk.send(created, invocation="8350205582").status_code == 200
    clock.advance(timedelta(seconds=30))
    again = zendesk.send(created, invocation="8350205582")
    assert again.status_code == 409


def test_deliveries_are_forgotten_a_day_later(zendesk, runtime, clock, created):
    assert zendesk.send(created, invocation="8350205582").status_code == 200
    clock.advance(timedelta(days=1, seconds=1))
    later = ticket_event("status_changed", 35436, clock.now(), status="OPEN")
    # The invocation id is free again (Zendesk's ids do not come back; the table stays small).
    assert zendesk.send(later, invocation="8350205582").status_code == 200


def test_a_refused_body_leaves_its_delivery_free_to_be_sent_again(zendesk, runtime, clock):
    bad = ticket_event("created", 35436, clock.now(), status="SHELVED")
    assert zendesk.send(bad, invocation="8350205582").status_code == 400
    good = ticket_event("created", 35436, clock.now())
    assert zendesk.send(good, invocation="8350205582").status_code == 200


def test_before_a_team_is_set_up_nothing_is_stored_and_zendesk_tries_again(runtime, clock, created):
    with TestClient(create_app(runtime)) as client:
        timestamp = zendesk_time(clock.now())
        body = json.dumps(created).encode()
        answer = client.post(
            PATH,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
                "X-Zendesk-Webhook-Signature": zendesk_signature(SECRET, timestamp, body),
            },
        )
    assert answer.status_code == 503
    assert answer.json() == {
        "error": "unavailable",
        "message": "no team is set up yet: run `dutydesk apply TEAM.yaml` first",
    }
    assert counts(runtime) == (0, 0)


def test_without_a_signing_secret_the_receiver_is_off(database_url, clock, created):
    runtime = bootstrap(zendesk_settings(database_url, zendesk_signing_secret=None), clock)
    try:
        with TestClient(create_app(runtime)) as client:
            answer = client.post(PATH, json=created)
        assert answer.status_code == 404
        assert answer.json() == {
            "error": "not_found",
            "message": "the Zendesk receiver is off here: DUTYDESK_ZENDESK_SIGNING_SECRET is"
            " not set",
        }
    finally:
        runtime.close()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "the body is not valid JSON"),
        (b"[1, 2]", "the body must be a JSON object"),
        (
            b'{"hello": "world"}',
            "the body is neither a Zendesk event (with `type` and"
            " `detail`) nor a trigger body (with `ticket`)",
        ),
        (b'{"type": 7}', "type: must be a string"),
        (b'{"type": "zen:event-type:ticket.created"}', "detail: Field required"),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": []}',
            "detail: Input should be a valid dictionary or instance of EventDetail",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": "12"}}',
            "detail.updated_at: Field required",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": "12x",'
            b' "updated_at": "2026-01-14T10:00:00Z"}}',
            "detail.id: must be a Zendesk id: a whole number above 0, or a string of its digits",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": true,'
            b' "updated_at": "2026-01-14T10:00:00Z"}}',
            "detail.id: must be a Zendesk id: a whole number above 0, or a string of its digits",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": 12,'
            b' "updated_at": "soon"}}',
            "detail.updated_at: must be a time such as 2026-01-14T10:00:00Z",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": 12,'
            b' "updated_at": "2026-02-30T10:00:00Z"}}',
            "detail.updated_at: must be a time such as 2026-01-14T10:00:00Z",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": 12,'
            b' "updated_at": "2026-01-14T10:00:00Z", "status": "SHELVED"}}',
            "detail.status: must be one of new, open, pending, hold, solved, closed, deleted,"
            " archived, scrubbed",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": 12,'
            b' "updated_at": "2026-01-14T10:00:00Z", "priority": "BLOCKER"}}',
            "detail.priority: must be one of urgent, high, normal, low, or none",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": 12,'
            b' "updated_at": "2026-01-14T10:00:00Z", "subject": ["a"]}}',
            "detail.subject: must be a string",
        ),
        (
            b'{"type": "zen:event-type:ticket.comment_added", "detail": {"id": 12,'
            b' "updated_at": "2026-01-14T10:00:00Z"}, "event": {}}',
            "event.comment: Field required",
        ),
        (
            b'{"type": "zen:event-type:ticket.comment_added", "detail": {"id": 12,'
            b' "updated_at": "2026-01-14T10:00:00Z"}, "event": {"comment": {"id": 5,'
            b' "body": "hi", "is_public": "yes", "author": {"is_staff": false}}}}',
            "event.comment.is_public: Input should be a valid boolean",
        ),
        (
            b'{"type": "zen:event-type:ticket.comment_added", "detail": {"id": 12,'
            b' "updated_at": "2026-01-14T10:00:00Z"}, "event": {"comment": {"id": 5,'
            b' "body": "hi", "is_public": true, "author": {}}}}',
            "event.comment.author.is_staff: Field required",
        ),
        (b'{"ticket": {"id": 12}}', "ticket.updated_at: Field required"),
        (
            b'{"ticket": {"id": 12, "updated_at": "2026-01-14T10:00:00Z",'
            b' "requester": {"email": "not an address"}}}',
            "ticket.requester.email: 'not an address' is not an e-mail address like"
            " ops@example.org",
        ),
        (
            b'{"ticket": {"id": 12, "updated_at": "2026-01-14T10:00:00Z",'
            b' "requester": {"email": "' + b"a" * 400 + b'@acme.com"}}}',
            "ticket.requester.email: must be an e-mail address of at most 320 characters",
        ),
        (
            b'{"ticket": {"id": "99999999999999999999999", "updated_at": "2026-01-14T10:00:00Z"}}',
            "ticket.id: must be a Zendesk id: a whole number above 0, or a string of its digits",
        ),
        (
            b'{"type": "zen:event-type:ticket.created", "detail": {"id": 12, "updated_at": NaN}}',
            "the body is not valid JSON",
        ),
    ],
)
def test_a_signed_body_that_is_not_what_zendesk_sends_is_refused(
    zendesk, runtime, payload, message
):
    answer = zendesk.send(payload)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "invalid", "message": message}
    assert counts(runtime) == (0, 0)


def test_a_body_that_is_not_json_by_its_type_is_refused(zendesk, runtime, created):
    answer = zendesk.send(created, headers={"Content-Type": "text/plain"})
    assert answer.status_code == 400
    assert answer.json()["message"] == "Content-Type must be application/json"


def test_a_body_over_512_kib_is_refused_before_it_is_read(zendesk, runtime, clock):
    huge = ticket_event("created", 35436, clock.now(), description="x" * (600 * 1024))
    answer = zendesk.send(huge)
    assert answer.status_code == 400
    assert answer.json()["message"] == "the body is larger than 512 KB"
    assert counts(runtime) == (0, 0)


def test_a_body_over_the_service_wide_limit_is_a_413(database_url, clock):
    runtime = bootstrap(zendesk_settings(database_url, max_body_bytes=2048), clock)
    try:
        with TestClient(create_app(runtime)) as client:
            answer = client.post(
                PATH,
                content=b"{" + b" " * 4096 + b"}",
                headers={"Content-Type": "application/json"},
            )
        assert answer.status_code == 413
        assert answer.json()["error"] == "too_large"
    finally:
        runtime.close()


def test_nul_characters_never_reach_the_database(zendesk, runtime, clock):
    event = ticket_event(
        "created", 35436, clock.now(), subject="Deploys\x00 fail", description="a\x00b"
    )
    assert zendesk.send(event).status_code == 200
    comment = comment_event(35436, 7, "c\x00d", clock.now(), author="Ann\x00")
    assert zendesk.send(comment).status_code == 200
    trigger = trigger_body(35436, clock.now(), subject="x\x00y", requester={"name": "O\x00"})
    assert zendesk.send(trigger).status_code == 200
    assert counts(runtime) == (1, 2)


def test_events_about_anything_but_tickets_are_acknowledged_and_ignored(zendesk, runtime, clock):
    user_event = {
        "type": "zen:event-type:user.active_changed",
        "account_id": 22129848,
        "id": "2b24ef10-19d4-4740-93cf-8f98ec4776c0",
        "time": "2026-01-14T10:00:00Z",
        "subject": "zen:user:6596848315901",
        "detail": {"id": "6596848315901", "email": "ann@acme.com"},
        "event": {"current": False, "previous": True},
    }
    answer = zendesk.send(user_event)
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ignored",
        "ticket": None,
        "reason": "zen:event-type:user.active_changed is not about a ticket",
    }
    assert counts(runtime) == (0, 0)


def test_a_gone_ticket_never_mirrored_is_ignored(zendesk, runtime, clock):
    deleted = {"type": "zen:event-type:ticket.soft_deleted", "detail": {"id": "35436"}}
    answer = zendesk.send(deleted)
    assert answer.json() == {
        "status": "ignored",
        "ticket": None,
        "reason": "Zendesk ticket 35436 is not mirrored",
    }
    assert counts(runtime) == (0, 0)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = (
    "type",
    "detail",
    "detail.id",
    "detail.updated_at",
    "detail.status",
    "detail.priority",
    "detail.subject",
    "detail.description",
    "event",
    "event.comment",
    "event.comment.id",
    "event.comment.body",
    "event.comment.is_public",
    "event.comment.author",
    "event.comment.author.is_staff",
    "time",
)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(_FIELDS), value=_JSON)
def test_any_value_in_any_field_of_a_signed_event_gets_an_answer_never_a_server_error(
    zendesk, clock, field, value
):
    payload = comment_event(35436, 7, "Still broken", clock.now(), staff=True)
    *parents, last = field.split(".")
    place = payload
    for name in parents:
        place = place[name]
    place[last] = value
    answer = zendesk.send(payload)
    assert answer.status_code in (200, 400, 409), answer.text
    assert set(answer.json()) in ({"status", "ticket", "reason"}, {"error", "message"})


def _waiting_on_a_lock(runtime) -> bool:
    """Whether another PostgreSQL session is waiting for a lock (SQLite: never asked)."""
    with runtime.engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        ).scalar()
    return bool(waiting)


def test_two_deliveries_about_one_new_ticket_at_once_make_one_mirror(zendesk, runtime, clock):
    """The first delivery holds its new mirror uncommitted while the second arrives: on
    PostgreSQL the second waits on the mirror's unique index, fails when the first commits, and
    tries again, finding the mirror (on SQLite it waits for the write lock and finds it)."""
    opened, release = threading.Event(), threading.Event()

    def first_delivery() -> None:
        with unit_of_work(runtime.sessions) as session:
            signed = Signed("first-delivery-signature", zendesk_time(clock.now()), "1")
            remember_delivery(session, signed, clock.now())
            update = read_update(ticket_event("created", 35436, clock.now()))
            assert not isinstance(update, Ignored)
            mirror(session, support_policy(session), update, zendesk_url=None, now=clock.now())
            session.flush()
            opened.set()
            release.wait(timeout=30)
            session.commit()

    answers: list[object] = []
    holder = threading.Thread(target=first_delivery)
    holder.start()
    assert opened.wait(timeout=30)
    comment = comment_event(35436, 7, "Every deploy fails since 09:00", clock.now())
    sender = threading.Thread(target=lambda: answers.append(zendesk.send(comment)))
    sender.start()
    if runtime.engine.dialect.name == "postgresql":
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(runtime):
            assert time.monotonic() < deadline, "the second delivery never waited"
    release.set()
    holder.join(timeout=30)
    sender.join(timeout=30)
    [answer] = answers
    assert answer.status_code == 200, answer.text
    assert answer.json()["ticket"] == 1
    assert counts(runtime) == (1, 1)
