"""A failing channel is retried on a fixed schedule, logged, never dropped, and blocks no other."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.delivery import (
    LEASE,
    MAX_ATTEMPTS,
    RATE_LIMIT_PER_MINUTE,
    SEND_THREADS,
    deliver_due,
    retry_delay,
)
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage
from dutydesk.runtime import Runtime
from tests.notify.servers import (
    RecordingServer,
    Reply,
    SmtpServer,
    reconfigure,
)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()  # not started: the SMTP server is down until a test starts it
    yield server
    server.stop()


@pytest.fixture
def configured(runtime: Runtime, smtp: SmtpServer, slack: RecordingServer) -> Runtime:
    return reconfigure(
        runtime, smtp_url=smtp.url, slack_token="xoxb-t", slack_api_url=slack.url + "/api/"
    )


def enqueue(runtime: Runtime, key: str, channel: str = "slack", destination: str = "C1") -> None:
    with unit_of_work(runtime.sessions) as session:
        service.enqueue(
            session,
            channel=channel,
            destination=destination,
            subject="s",
            text="t",
            idempotency_key=key,
            now=runtime.clock.now(),
        )
        session.commit()


def message(runtime: Runtime, key: str) -> OutboxMessage:
    with unit_of_work(runtime.read_sessions) as session:
        found = service.find_message_by_key(session, key)
        assert found is not None
        return found


def log_of(runtime: Runtime, key: str) -> list[DeliveryAttempt]:
    found = message(runtime, key)
    with unit_of_work(runtime.read_sessions) as session:
        return service.attempts_of(session, [found.id])[found.id]


def test_the_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    delays = [retry_delay(n).total_seconds() for n in range(1, MAX_ATTEMPTS)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_smtp_down_is_retried_on_schedule_and_delivered_once_it_is_up(configured, smtp):
    enqueue(configured, "mail-1", "email", "alice@example.org")

    deliver_due(configured, "w")
    assert message(configured, "mail-1").status == "failed"
    [first] = log_of(configured, "mail-1")
    assert first.outcome == "failed"
    assert "SMTP server 127.0.0.1" in (first.error or "")

    configured.clock.advance(timedelta(seconds=29))
    assert deliver_due(configured, "w") == 0  # not due before the 30 s backoff

    smtp.start()
    configured.clock.advance(timedelta(seconds=1))
    assert deliver_due(configured, "w") == 1
    assert smtp.mailbox.wait_for(1)
    assert message(configured, "mail-1").status == "sent"
    assert [a.outcome for a in log_of(configured, "mail-1")] == ["failed", "sent"]


def test_smtp_down_does_not_hold_up_slack_messages(configured, slack):
    enqueue(configured, "mail-1", "email", "alice@example.org")
    enqueue(configured, "slack-1")
    enqueue(configured, "slack-2", destination="C2")

    assert deliver_due(configured, "w") == 3

    assert len(slack.requests) == 2
    assert message(configured, "slack-1").status == "sent"
    assert message(configured, "mail-1").status == "failed"


def test_an_smtp_server_that_never_answers_holds_up_no_slack_message(runtime, slack):
    # It accepts connections (the kernel's backlog) and never says a word: each e-mail waits
    # for the SMTP timeout. There are more e-mails than a worker has threads for one kind; the
    # Slack messages, in lanes and on threads of their own, must not wait with them.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        configured = reconfigure(
            runtime,
            smtp_url=f"smtp://127.0.0.1:{silent.getsockname()[1]}",
            slack_token="xoxb-t",
            slack_api_url=slack.url + "/api/",
        )
        for n in range(SEND_THREADS + 24):
            enqueue(configured, f"mail-{n}", "email", f"person{n}@example.org")
        for n in range(40):
            enqueue(configured, f"slack-{n}", destination=f"C{n}")
        cycle = threading.Thread(target=deliver_due, args=(configured, "w"))
        cycle.start()

        # Well inside the 20 seconds the e-mails are waiting for.
        assert slack.wait_for(40, timeout=8)
    # Closing the silent server resets the waiting connections, which ends the cycle.
    cycle.join(timeout=30)
    assert not cycle.is_alive()
    assert {message(configured, f"slack-{n}").status for n in range(40)} == {"sent"}
    assert {message(configured, f"mail-{n}").status for n in range(SEND_THREADS)} == {"failed"}


def test_a_slack_500_is_retried(configured, slack):
    slack.script = [Reply(500, {"ok": False, "error": "internal_error"})]
    enqueue(configured, "slack-1")

    deliver_due(configured, "w")
    failed = message(configured, "slack-1")
    assert failed.status == "failed"
    assert failed.last_error == "Slack API error: internal_error (HTTP 500)"

    configured.clock.advance(retry_delay(1))
    deliver_due(configured, "w")
    assert message(configured, "slack-1").status == "sent"
    assert len(slack.requests) == 2


def test_a_slack_429_waits_for_its_retry_after(configured, slack):
    slack.script = [Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})]
    enqueue(configured, "slack-1")

    deliver_due(configured, "w")
    limited = message(configured, "slack-1")
    assert limited.status == "failed"
    assert limited.due_at == configured.clock.now() + timedelta(seconds=7)

    configured.clock.advance(timedelta(seconds=6))
    assert deliver_due(configured, "w") == 0
    configured.clock.advance(timedelta(seconds=1))
    assert deliver_due(configured, "w") == 1
    assert message(configured, "slack-1").status == "sent"


def test_a_message_is_dead_after_the_last_attempt_and_says_why(configured, slack):
    slack.default = Reply(503, {"ok": False, "error": "service_unavailable"})
    enqueue(configured, "slack-1")

    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_due(configured, "w") == 1, attempt
        configured.clock.advance(retry_delay(attempt))

    dead = message(configured, "slack-1")
    assert dead.status == "dead"
    assert dead.attempts == MAX_ATTEMPTS
    outcomes = [a.outcome for a in log_of(configured, "slack-1")]
    assert outcomes == ["failed"] * (MAX_ATTEMPTS - 1) + ["dead"]
    configured.clock.advance(timedelta(days=1))
    assert deliver_due(configured, "w") == 0


def test_a_permanent_refusal_is_dead_at_once(configured, slack):
    slack.default = Reply(200, {"ok": False, "error": "channel_not_found"})
    enqueue(configured, "slack-1")

    deliver_due(configured, "w")

    dead = message(configured, "slack-1")
    assert (dead.status, dead.last_error) == ("dead", "Slack refused the call: channel_not_found")


def test_errors_in_the_log_do_not_show_the_smtp_password(runtime):
    server = SmtpServer(username="dutydesk", password="hunter2-secret")
    reconfigure(runtime, smtp_url=server.url)  # never started: connection refused
    enqueue(runtime, "mail-1", "email", "alice@example.org")

    deliver_due(runtime, "w")

    assert "hunter2" not in (log_of(runtime, "mail-1")[0].error or "")


def test_the_rate_limit_defers_messages_beyond_it_to_the_next_minute(configured, slack):
    for n in range(RATE_LIMIT_PER_MINUTE + 3):
        enqueue(configured, f"dm-{n}", destination="U060RNRCZ")
    enqueue(configured, "other-contact", destination="U0OTHER")

    deliver_due(configured, "w")

    assert len(slack.requests) == RATE_LIMIT_PER_MINUTE + 1
    deferred = [
        message(configured, f"dm-{n}")
        for n in range(RATE_LIMIT_PER_MINUTE, RATE_LIMIT_PER_MINUTE + 3)
    ]
    assert {m.status for m in deferred} == {"pending"}
    assert {m.due_at for m in deferred} == {configured.clock.now() + timedelta(minutes=1)}
    assert all("rate limit" in (m.last_error or "") for m in deferred)

    configured.clock.advance(timedelta(minutes=1))
    deliver_due(configured, "w")
    assert len(slack.requests) == RATE_LIMIT_PER_MINUTE + 4
    assert {m.status for m in (message(configured, f"dm-{n}") for n in range(13))} == {"sent"}


def test_a_message_whose_worker_died_holding_its_lease_is_sent_after_the_lease(
    configured, slack, database_url
):
    enqueue(configured, "slack-1")
    with unit_of_work(configured.sessions) as session:
        held = session.get(OutboxMessage, message(configured, "slack-1").id)
        assert held is not None
        held.lease_owner = "a-worker-killed-mid-send"
        held.lease_until = configured.clock.now() + LEASE
        session.commit()

    assert deliver_due(configured, "w") == 0
    configured.clock.advance(LEASE)
    assert deliver_due(configured, "w") == 1
    assert message(configured, "slack-1").status == "sent"


def test_rate_limited_waits_do_not_use_up_attempts(configured, slack):
    slack.default = Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    enqueue(configured, "slack-1")
    for _ in range(MAX_ATTEMPTS * 2):
        assert deliver_due(configured, "w") == 1
        configured.clock.advance(timedelta(seconds=2))
    limited = message(configured, "slack-1")
    assert (limited.status, limited.attempts) == ("failed", 0)

    slack.default = Reply(200, {"ok": True})
    assert deliver_due(configured, "w") == 1
    assert message(configured, "slack-1").status == "sent"


def test_a_message_still_rate_limited_after_a_day_is_given_up_and_logged(configured, slack):
    slack.default = Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3600"})
    enqueue(configured, "slack-1")
    for _ in range(26):  # tried hourly; the attempt after 24 hours gives up
        deliver_due(configured, "w")
        configured.clock.advance(timedelta(hours=1))
    dead = message(configured, "slack-1")
    assert dead.status == "dead"
    assert "rate limited" in (dead.last_error or "")


def test_a_newer_topic_supersedes_an_older_one_still_waiting(configured, slack):
    enqueue(configured, "topic-1", channel="slack_topic", destination="C0ENG0001")
    enqueue(configured, "topic-2", channel="slack_topic", destination="C0ENG0001")
    enqueue(configured, "topic-3", channel="slack_topic", destination="C0OTHER01")
    older = message(configured, "topic-1")
    assert older.status == "dead"
    assert "superseded" in (older.last_error or "")
    assert message(configured, "topic-2").status == "pending"
    assert message(configured, "topic-3").status == "pending"
