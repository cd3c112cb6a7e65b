"""Slack's `/incident` slash command at the HTTP boundary, signed by slack_sdk's own
`SignatureVerifier` as Slack signs: a good request declares the incident and answers in
Slack's shape; a missing, wrong, stale or replayed signature is refused and creates nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from dutydesk.app import create_app
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.incidents.models import Incident
from dutydesk.incidents.views import view_incident
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
URL = "/hooks/slack/commands"


@pytest.fixture
def runtime(database_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    """The composition root with the Slack app's signing secret set."""
    built = bootstrap(
        Settings(
            database_url=database_url,
            base_url="http://dutydesk.test",
            secret_key="k" * 32,
            slack_signing_secret=SECRET,
        ),
        clock,
    )
    yield built
    built.close()


@pytest.fixture
def slack(runtime, example_team) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as client:
        yield client


def command(text: str, user: str = "U01ALICE") -> bytes:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0001",
            "channel_id": "C2147483705",
            "channel_name": "incidents",
            "user_id": user,
            "user_name": "alice",
            "command": "/incident",
            "text": text,
            "response_url": "https://hooks.slack.com/commands/1234/5678",
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    ).encode()


def send(client, clock, body: bytes, *, secret: str = SECRET, age=timedelta(0), headers=None):
    timestamp = str(int((clock.now() - age).timestamp()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    sent = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    } | (headers or {})
    return client.post(URL, content=body, headers={k: v for k, v in sent.items() if v is not None})


def incidents(runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).select_from(Incident)) or 0


def test_a_signed_command_declares_the_incident_and_answers_the_channel(runtime, clock, slack):
    answer = send(slack, clock, command("P1 Platform API <!channel> errors"))
    assert answer.status_code == 200, answer.text
    said = answer.json()
    assert said["response_type"] == "in_channel"
    assert said["text"].startswith(
        "Incident 1 (P1) declared by <@U01ALICE>: Platform API &lt;!channel&gt; errors\n"
    )
    assert "Comms lead: Erin Evans" in said["text"]
    assert "<http://dutydesk.test/incidents/1|The incident document>" in said["text"]
    with unit_of_work(runtime.read_sessions) as session:
        view = view_incident(session, 1)
    assert (view.incident.source, view.incident.declared_by, view.incident.priority) == (
        "slack",
        "alice",
        "P1",
    )
    assert [p.person_id for p in view.participants] == ["alice"]


def test_without_a_priority_it_is_a_p2_and_help_or_nothing_shows_how(runtime, clock, slack):
    assert "P2" in send(slack, clock, command("Slow builds")).json()["text"]
    for text in ("", "help", "P1"):
        said = send(slack, clock, command(text)).json()
        assert said["response_type"] == "ephemeral" and "/incident [P1|P2|P3|P4]" in said["text"]
    assert incidents(runtime) == 1


def test_someone_not_on_the_team_is_told_and_nothing_is_declared(runtime, clock, slack):
    for user in ("U09STRANGER", "U01ALICE\x00", "<@U01ALICE>"):
        said = send(slack, clock, command("P1 it is down", user=user)).json()
        assert said["response_type"] == "ephemeral" and "not a person of the team" in said["text"]
    assert incidents(runtime) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"secret": "not-the-secret"}, "does not match"),
        ({"age": timedelta(minutes=6)}, "more than 5 minutes from now"),
        ({"age": -timedelta(minutes=6)}, "more than 5 minutes from now"),
        ({"headers": {"X-Slack-Signature": None}}, "has no X-Slack-Signature"),
        ({"headers": {"X-Slack-Request-Timestamp": "yesterday"}}, "not Slack's"),
        ({"headers": {"X-Slack-Signature": "v0=" + "0" * 64}}, "does not match"),
    ],
)
def test_a_bad_or_stale_signature_is_refused_and_creates_nothing(
    runtime, clock, slack, change, message
):
    answer = send(slack, clock, command("P1 forged"), **change)
    assert answer.status_code == 401 and message in answer.json()["message"]
    assert SECRET not in answer.text
    assert incidents(runtime) == 0


def test_a_replayed_request_is_refused(runtime, clock, slack):
    body = command("P2 once only")
    timestamp = str(int(clock.now().timestamp()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
            timestamp=timestamp, body=body
        ),
    }
    assert slack.post(URL, content=body, headers=headers).status_code == 200
    replayed = slack.post(URL, content=body, headers=headers)
    assert replayed.status_code == 409
    assert incidents(runtime) == 1


def test_the_command_is_off_without_a_signing_secret(database_url, clock, slack):
    plain = bootstrap(
        Settings(database_url=database_url, base_url="http://dutydesk.test", secret_key="k" * 32),
        clock,
    )
    try:
        with TestClient(create_app(plain)) as client:
            answer = send(client, clock, command("P1 nobody set the secret"))
    finally:
        plain.close()
    assert answer.status_code == 404
    assert "DUTYDESK_SLACK_SIGNING_SECRET" in answer.json()["message"]
