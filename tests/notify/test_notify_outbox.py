"""The outbox: enqueue is idempotent and checks its input; admins read the delivery log."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.notify import service
from dutydesk.notify.delivery import deliver_due
from dutydesk.notify.signing import webhook_secret


def enqueue(runtime, key="k1", **overrides):
    fields = {
        "channel": "email",
        "destination": "alice@example.org",
        "subject": "Hello",
        "text": "Body",
        "idempotency_key": key,
    } | overrides
    with unit_of_work(runtime.sessions) as session:
        message = service.enqueue(session, now=runtime.clock.now(), **fields)
        session.commit()
    return message


def test_a_second_enqueue_with_the_same_key_returns_the_first_message(runtime):
    first = enqueue(runtime, subject="First")
    second = enqueue(runtime, subject="Second")

    assert second.id == first.id
    assert second.subject == "First"
    with unit_of_work(runtime.read_sessions) as session:
        assert len(service.list_deliveries(session)) == 1


def test_enqueue_leaves_committing_to_the_caller(runtime):
    with unit_of_work(runtime.sessions) as session:
        service.enqueue(
            session,
            channel="slack",
            destination="C1",
            subject="",
            text="t",
            idempotency_key="never-committed",
            now=runtime.clock.now(),
        )
    with unit_of_work(runtime.read_sessions) as session:
        assert service.find_message_by_key(session, "never-committed") is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"channel": "pager"}, "channel: 'pager' is not one of email, slack, slack_topic"),
        ({"destination": "not an address"}, "is not an e-mail address"),
        ({"destination": "a@b.org\r\nBcc: x@y.org"}, "is not an e-mail address"),
        ({"channel": "webhook", "destination": "ftp://example.org/x"}, "is not an http(s) URL"),
        ({"channel": "slack", "destination": "#no spaces"}, "is not a Slack channel"),
        ({"channel": "slack_usergroup", "destination": "S1"}, "payload: a Slack user group"),
        ({"channel": "apprise", "destination": "nosuchservice://x"}, "is not an Apprise URL"),
        ({"idempotency_key": "has space"}, "idempotency_key: 1 to 200 printable ASCII"),
        ({"subject": "two\nlines"}, "subject: one line"),
    ],
)
def test_enqueue_refuses_what_cannot_be_sent(runtime, overrides, message):
    with pytest.raises(Invalid, match=message.replace("(", r"\(").replace(")", r"\)")):
        enqueue(runtime, **overrides)


def test_people_channels_are_rate_limited_per_contact_and_webhooks_are_not(runtime):
    mail = enqueue(runtime, "m", destination="Alice@Example.org")
    hook = enqueue(runtime, "h", channel="webhook", destination="http://127.0.0.1:9/x")
    keyed = enqueue(
        runtime, "k", channel="webhook", destination="http://127.0.0.1:9/y", rate_key="person:alice"
    )
    assert mail.rate_key == "email:alice@example.org"
    assert hook.rate_key is None
    assert keyed.rate_key == "person:alice"


def test_the_cli_lists_deliveries_with_their_state_and_log(runtime, cli):
    enqueue(runtime, "mail-1")  # no SMTP configured: not sent, and not retried
    enqueue(
        runtime, "hook-1", channel="webhook", destination="http://user:pw@127.0.0.1:9/x?token=abc"
    )
    deliver_due(runtime, "worker-a")

    listed = cli("deliveries", "--json")

    assert listed.code == 0, listed.err
    rows = {row["idempotency_key"]: row for row in json.loads(listed.out)}
    assert rows["mail-1"]["status"] == "dead"
    assert rows["mail-1"]["log"][0]["error"] == "not configured: DUTYDESK_SMTP_URL is not set"
    assert rows["mail-1"]["log"][0]["worker"] == "worker-a"
    assert rows["hook-1"]["destination"] == "http://127.0.0.1:9/x?…"
    assert "pw" not in listed.out and "abc" not in listed.out

    table = cli("deliveries", "--status", "sent")
    assert table.code == 0
    assert "Deliveries" in table.out
    assert "email" not in table.out


def test_the_cli_says_which_statuses_exist(cli):
    result = cli("deliveries", "--status", "lost")
    assert result.code == 2
    assert (
        result.err.strip()
        == "dutydesk: error: status: 'lost' is not one of pending, failed, sent, dead"
    )


def test_the_cli_shows_a_webhooks_secret(runtime, cli):
    result = cli("webhook", "secret", "https://hooks.example.org/dutydesk")
    assert result.code == 0
    assert result.out.strip() == webhook_secret(
        runtime.secret_key(), "https://hooks.example.org/dutydesk"
    )
    assert cli("webhook", "secret", "not-a-url").code == 2


def test_only_admins_read_the_delivery_log_over_the_api(runtime, api, token_for):
    enqueue(runtime, "mail-1")

    assert api.get("/api/v1/deliveries").status_code == 403

    with TestClient(create_app(runtime)) as admin:
        admin.headers["Authorization"] = f"Bearer {token_for('ada', 'admin')}"
        answer = admin.get("/api/v1/deliveries", params={"status": "pending"})
        assert answer.status_code == 200
        assert [d["idempotency_key"] for d in answer.json()] == ["mail-1"]
        assert admin.get("/api/v1/deliveries", params={"status": "sent"}).json() == []
        bad = admin.get("/api/v1/deliveries", params={"limit": 0})
        assert bad.status_code == 422
        assert bad.json()["error"] == "invalid"


def outgoing(key, **overrides):
    fields = {
        "channel": "email",
        "destination": "alice@example.org",
        "subject": "Reminder",
        "text": "Body",
        "idempotency_key": key,
    } | overrides
    return service.Outgoing(**fields)


def test_enqueue_many_adds_new_keys_and_skips_taken_ones_like_enqueue(runtime):
    enqueue(runtime, "taken", subject="First")
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        added = service.enqueue_many(
            session,
            [
                outgoing("a"),
                outgoing("taken", subject="Second"),
                outgoing("b", channel="webhook", destination="http://127.0.0.1:9/x"),
                outgoing("a", subject="Again"),
            ],
            now,
        )
        session.commit()

    assert added == 2
    with unit_of_work(runtime.read_sessions) as session:
        rows = {m.idempotency_key: m for m in service.list_deliveries(session)}
    assert sorted(rows) == ["a", "b", "taken"]
    assert (rows["a"].subject, rows["a"].status, rows["a"].due_at) == ("Reminder", "pending", now)
    assert rows["a"].rate_key == "email:alice@example.org"  # people's channels, as enqueue
    assert rows["b"].rate_key is None
    assert rows["taken"].subject == "First"
    assert runtime.metrics.outbox_queued.labels("email")._value.get() == 2  # "taken" and "a"
    assert runtime.metrics.outbox_queued.labels("webhook")._value.get() == 1


def test_enqueue_many_checks_every_message_before_adding_any(runtime):
    with unit_of_work(runtime.sessions) as session:
        with pytest.raises(Invalid, match="is not an e-mail address"):
            service.enqueue_many(
                session,
                [outgoing("good"), outgoing("bad", destination="a@b.org\r\nBcc: x@y.org")],
                runtime.clock.now(),
            )
        with pytest.raises(Invalid, match="slack_topic messages are queued one at a time"):
            service.enqueue_many(
                session,
                [outgoing("topic", channel="slack_topic", destination="C1")],
                runtime.clock.now(),
            )
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        assert service.list_deliveries(session) == []


def test_enqueue_many_leaves_committing_to_the_caller(runtime):
    with unit_of_work(runtime.sessions) as session:
        assert service.enqueue_many(session, [outgoing("never")], runtime.clock.now()) == 1
    with unit_of_work(runtime.read_sessions) as session:
        assert service.find_message_by_key(session, "never") is None
    assert runtime.metrics.outbox_queued.labels("email")._value.get() == 0
