"""What a webhook receiver's answer does to the message: 2xx sent, 408/409/425/429/5xx retried
(after Retry-After when given), any other answer dead at once, no answer retried; and a busy
cycle's webhooks share a few kept-alive connections."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.delivery import SEND_THREADS, deliver_due, retry_delay
from dutydesk.notify.models import OutboxMessage
from dutydesk.notify.signing import webhook_secret
from dutydesk.runtime import Runtime
from tests.notify.servers import RecordingServer, Reply, recording_server, webhooks


@pytest.fixture
def receiver() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


def enqueue(runtime: Runtime, url: str, key: str) -> None:
    with unit_of_work(runtime.sessions) as session:
        service.enqueue(
            session,
            channel="webhook",
            destination=url,
            subject="",
            text="",
            payload={"key": key},
            idempotency_key=key,
            now=runtime.clock.now(),
        )
        session.commit()


def message(runtime: Runtime, key: str) -> OutboxMessage:
    with unit_of_work(runtime.read_sessions) as session:
        found = service.find_message_by_key(session, key)
        assert found is not None
        return found


def test_a_503_with_retry_after_is_retried_after_that_long(runtime, receiver):
    receiver.script = [Reply(503, headers={"Retry-After": "90"})]
    enqueue(runtime, receiver.url + "/hook", "hook-1")

    assert deliver_due(runtime, "w") == 1
    waiting = message(runtime, "hook-1")
    assert (waiting.status, waiting.attempts) == ("failed", 0)
    assert waiting.due_at == runtime.clock.now() + timedelta(seconds=90)
    assert waiting.last_error == f"{receiver.url}/hook answered HTTP 503"

    runtime.clock.advance(timedelta(seconds=90))
    assert deliver_due(runtime, "w") == 1
    assert message(runtime, "hook-1").status == "sent"


@pytest.mark.parametrize("status", [400, 404, 302])
def test_a_refusal_or_a_redirect_is_dead_at_once(runtime, receiver, status):
    receiver.script = [Reply(status, headers={"Location": receiver.url + "/elsewhere"})]
    enqueue(runtime, receiver.url + "/hook", "hook-1")

    deliver_due(runtime, "w")

    dead = message(runtime, "hook-1")
    assert (dead.status, dead.last_error) == ("dead", f"{receiver.url}/hook answered HTTP {status}")
    assert [r.path for r in receiver.requests] == ["/hook"]  # the redirect is not followed


def test_a_receiver_that_is_down_is_retried_on_schedule(runtime):
    with recording_server() as stopped:
        url = stopped.url + "/hook?token=secret-token"
    enqueue(runtime, url, "hook-1")

    deliver_due(runtime, "w")

    failed = message(runtime, "hook-1")
    assert failed.status == "failed"
    assert failed.due_at == runtime.clock.now() + retry_delay(1)
    # The query (which may hold a token) is not in the log.
    assert failed.last_error == f"{stopped.url}/hook?…: ConnectionRefusedError"


def test_a_cycles_webhooks_share_kept_alive_connections_and_each_is_signed(runtime, receiver):
    count = 4 * SEND_THREADS
    for n in range(count):
        enqueue(runtime, f"{receiver.url}/hook/{n % 2}", f"hook-{n}")

    assert deliver_due(runtime, "w") == count

    assert len(receiver.requests) == count
    # At most one connection per sending thread and receiver URL's host, however many messages.
    assert len(receiver.connections()) <= SEND_THREADS
    now = int(runtime.clock.now().timestamp())
    checked = webhooks(receiver, lambda url: webhook_secret(runtime.secret_key(), url), now)
    assert all(hook.signature_ok for hook in checked)
    assert sorted(hook.key for hook in checked) == sorted(f"hook-{n}" for n in range(count))
