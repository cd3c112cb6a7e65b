"""Each channel speaks its real protocol to a real local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.channels.email import message_id
from dutydesk.notify.delivery import deliver_due
from dutydesk.notify.models import OutboxMessage
from dutydesk.notify.signing import webhook_secret
from dutydesk.runtime import Runtime
from tests.notify.servers import (
    RecordingServer,
    SmtpServer,
    reconfigure,
    recording_server,
    webhooks,
)


@pytest.fixture
def receiver() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def configured(runtime: Runtime, smtp: SmtpServer, slack: RecordingServer) -> Runtime:
    """The test runtime with e-mail and Slack pointed at the local servers."""
    return reconfigure(
        runtime,
        smtp_url=smtp.url,
        smtp_from="Dutydesk <dutydesk@example.org>",
        slack_token="xoxb-test-token",
        slack_api_url=slack.url + "/api/",
    )


def send(runtime: Runtime, **fields: object) -> OutboxMessage:
    """Enqueue one message and commit, as a caller of the outbox does."""
    with unit_of_work(runtime.sessions) as session:
        message = service.enqueue(session, now=runtime.clock.now(), **fields)  # type: ignore[arg-type]
        session.commit()
    return message


def status_of(runtime: Runtime, key: str) -> OutboxMessage:
    with unit_of_work(runtime.read_sessions) as session:
        found = service.find_message_by_key(session, key)
        assert found is not None
        return found


def test_an_email_reaches_the_smtp_server_with_a_message_id_from_its_key(configured, smtp):
    send(
        configured,
        channel="email",
        destination="alice@example.org",
        subject="You are on support from Monday",
        text="Hello Alice,\nyour support week starts Monday 09:30.",
        idempotency_key="handoff:engineering:2026-01-19:alice",
    )

    assert deliver_due(configured, "worker-1") == 1

    assert smtp.mailbox.wait_for(1)
    email = smtp.mailbox.messages[0]
    assert smtp.mailbox.recipients == [["alice@example.org"]]
    assert email["Subject"] == "You are on support from Monday"
    assert email["From"] == "Dutydesk <dutydesk@example.org>"
    assert email["Message-ID"] == message_id(
        "handoff:engineering:2026-01-19:alice", "dutydesk@example.org"
    )
    assert email["Message-ID"].endswith("@example.org>")
    assert "your support week starts Monday 09:30." in email.get_payload()
    assert status_of(configured, "handoff:engineering:2026-01-19:alice").status == "sent"


def test_an_email_goes_through_an_smtp_server_that_needs_a_login(runtime):
    server = SmtpServer(username="dutydesk", password="s3cret-pass").start()
    try:
        reconfigure(runtime, smtp_url=server.url)
        send(
            runtime,
            channel="email",
            destination="bob@example.org",
            subject="Test",
            text="Hi",
            idempotency_key="login-test",
        )
        deliver_due(runtime, "worker-1")
        assert server.mailbox.wait_for(1)
        assert server.mailbox.logins == ["dutydesk"]
    finally:
        server.stop()


def test_slack_messages_topics_and_user_groups_use_the_web_api(configured, slack):
    send(
        configured,
        channel="slack",
        destination="C024BE91L",
        subject="P1 incident",
        text="Apps are not served",
        idempotency_key="incident-1:announce",
    )
    send(
        configured,
        channel="slack_topic",
        destination="C024BE91L",
        subject="",
        text="Alice is on support",
        idempotency_key="topic:2026-01-19",
    )
    send(
        configured,
        channel="slack_usergroup",
        destination="S0614TZR7",
        subject="",
        text="",
        payload={"users": ["U060RNRCZ", "U060ULRC0"]},
        idempotency_key="group:2026-01-19",
    )

    assert deliver_due(configured, "worker-1") == 3

    calls = {r.path: r for r in slack.requests}
    assert set(calls) == {
        "/api/chat.postMessage",
        "/api/conversations.setTopic",
        "/api/usergroups.enable",
        "/api/usergroups.users.update",
    }
    assert all(r.headers["authorization"] == "Bearer xoxb-test-token" for r in slack.requests)
    posted = calls["/api/chat.postMessage"].params()
    assert posted["channel"] == "C024BE91L"
    assert posted["text"] == "*P1 incident*\nApps are not served"
    assert calls["/api/conversations.setTopic"].params() == {
        "channel": "C024BE91L",
        "topic": "Alice is on support",
    }
    group = calls["/api/usergroups.users.update"].params()
    assert group["usergroup"] == "S0614TZR7"
    assert group["users"] in ("U060RNRCZ,U060ULRC0", ["U060RNRCZ", "U060ULRC0"])


def test_a_user_group_with_nobody_on_call_is_disabled_not_emptied(configured, slack):
    send(
        configured,
        channel="slack_usergroup",
        destination="S0614TZR7",
        subject="",
        text="",
        payload={"users": []},
        idempotency_key="group:evening",
    )
    assert deliver_due(configured, "worker-1") == 1
    assert [(r.path, r.params()) for r in slack.requests] == [
        ("/api/usergroups.disable", {"usergroup": "S0614TZR7"})
    ]


def test_a_webhook_is_a_signed_json_post_carrying_the_idempotency_key(configured, receiver):
    url = receiver.url + "/hooks/dutydesk"
    send(
        configured,
        channel="webhook",
        destination=url,
        subject="ignored when there is a payload",
        text="",
        payload={"event": "handoff", "rota": "engineering", "person": "alice"},
        idempotency_key="handoff:engineering:2026-01-19",
    )

    deliver_due(configured, "worker-1")

    now = int(configured.clock.now().timestamp())
    [hook] = webhooks(receiver, lambda u: webhook_secret(configured.secret_key(), u), now)
    assert hook.signature_ok
    assert hook.key == "handoff:engineering:2026-01-19"
    assert hook.body == {"event": "handoff", "rota": "engineering", "person": "alice"}
    assert receiver.requests[0].headers["content-type"] == "application/json"


def test_a_webhook_signature_does_not_verify_with_another_urls_secret(configured, receiver):
    send(
        configured,
        channel="webhook",
        destination=receiver.url + "/a",
        subject="s",
        text="t",
        idempotency_key="k1",
    )
    deliver_due(configured, "worker-1")

    now = int(configured.clock.now().timestamp())
    [hook] = webhooks(
        receiver, lambda _u: webhook_secret(configured.secret_key(), "http://x/"), now
    )
    assert not hook.signature_ok
    assert hook.body == {"subject": "s", "text": "t"}


def test_an_apprise_url_notifies_through_apprise(configured, receiver):
    # Apprise's json:// service POSTs a JSON document: any Apprise service works the same way.
    port = receiver.url.rsplit(":", 1)[1]
    send(
        configured,
        channel="apprise",
        destination=f"json://127.0.0.1:{port}/notify",
        subject="Break cover",
        text="Bob covers 12:00-13:00",
        idempotency_key="cover:1",
    )

    deliver_due(configured, "worker-1")

    assert receiver.wait_for(1)
    body = receiver.requests[0].params()
    assert body["title"] == "Break cover"
    assert body["message"] == "Bob covers 12:00-13:00"
    assert status_of(configured, "cover:1").status == "sent"
