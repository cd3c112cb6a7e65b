"""A channel this instance has not set up (no SMTP server, no Slack token) is not an outage:
its messages are given up at once, with the setting to set, instead of retried for a day.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.delivery import deliver_due


def deliveries(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return {
            m.idempotency_key: (m.status, m.attempts, m.last_error)
            for m in service.list_deliveries(session)
        }


@pytest.mark.parametrize(
    ("channel", "destination", "setting"),
    [
        ("email", "alice@example.org", "DUTYDESK_SMTP_URL"),
        ("slack", "#support", "DUTYDESK_SLACK_TOKEN"),
        ("slack_topic", "C0SUPPORT", "DUTYDESK_SLACK_TOKEN"),
        ("slack_usergroup", "S0ONCALL", "DUTYDESK_SLACK_TOKEN"),
    ],
)
def test_a_message_on_a_channel_not_set_up_is_given_up_at_once(
    runtime, channel, destination, setting
):
    payload_channel = channel == "slack_usergroup"
    with unit_of_work(runtime.sessions) as session:
        service.enqueue(
            session,
            channel=channel,
            destination=destination,
            subject="Hello",
            text="Body",
            payload={"users": ["U1"]} if payload_channel else None,
            idempotency_key="m1",
            now=runtime.clock.now(),
        )
        session.commit()

    deliver_due(runtime, "test-worker")

    assert deliveries(runtime) == {"m1": ("dead", 1, f"not configured: {setting} is not set")}
    # Nothing is left to try again later.
    runtime.clock.advance(timedelta(hours=2))
    assert deliver_due(runtime, "test-worker") == 0
