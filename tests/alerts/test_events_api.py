"""POST /v2/enqueue and /v2/change/enqueue answer as PagerDuty's Events API v2 does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from dutydesk.alerts.models import Alert, AlertLogEntry, ChangeEvent
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime

PAYLOAD = {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"}


def event(key: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"routing_key": key, "event_action": "trigger", "payload": PAYLOAD}
    body.update(fields)
    return body


def stored(runtime: Runtime) -> tuple[int, int, int]:
    """How many alerts, log entries and change events are stored."""
    with unit_of_work(runtime.read_sessions) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Alert, AlertLogEntry, ChangeEvent)
        )


def test_a_trigger_is_accepted_and_its_dedup_key_returned(events, routing_key, runtime):
    answer = events.post("/v2/enqueue", json=event(routing_key, dedup_key="db-1/disk"))
    assert answer.status_code == 202
    assert answer.json() == {
        "status": "success",
        "message": "Event processed",
        "dedup_key": "db-1/disk",
    }
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.scalars(select(Alert)).one()
    assert (alert.service_id, alert.summary, alert.source, alert.status) == (
        "platform-api",
        "Disk full on db-1",
        "db-1",
        "triggered",
    )


def test_a_trigger_without_a_dedup_key_gets_one_made_up(events, routing_key):
    first = events.post("/v2/enqueue", json=event(routing_key)).json()["dedup_key"]
    second = events.post("/v2/enqueue", json=event(routing_key)).json()["dedup_key"]
    assert len(first) == 32
    assert first != second


def test_all_the_optional_fields_are_kept(events, routing_key, runtime):
    payload = {
        **PAYLOAD,
        "timestamp": "2026-01-14T09:59:00Z",
        "component": "postgres",
        "group": "prod-datapipe",
        "class": "disk",
        "custom_details": {"free": "0%", "mount": "/var"},
    }
    body = event(
        routing_key,
        payload=payload,
        links=[{"href": "https://grafana.example/d/1", "text": "Dashboard"}],
        images=[{"src": "https://grafana.example/g.png", "alt": "graph"}],
        client="Alertmanager",
        client_url="https://am.example",
        unknown_field="ignored",
    )
    assert events.post("/v2/enqueue", json=body).status_code == 202
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.scalars(select(Alert)).one()
    assert (alert.component, alert.alert_group, alert.alert_class) == (
        "postgres",
        "prod-datapipe",
        "disk",
    )
    assert alert.custom_details == {"free": "0%", "mount": "/var"}
    assert alert.links == [{"href": "https://grafana.example/d/1", "text": "Dashboard"}]
    assert alert.images == [{"src": "https://grafana.example/g.png", "alt": "graph"}]
    assert (alert.client, alert.client_url) == ("Alertmanager", "https://am.example")


def test_trigger_twice_ack_resolve_and_trigger_again(events, routing_key, runtime):
    def send(action: str) -> int:
        body = event(routing_key, event_action=action, dedup_key="k1")
        if action != "trigger":
            del body["payload"]
        return int(events.post("/v2/enqueue", json=body).status_code)

    assert send("trigger") == send("trigger") == 202
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.scalars(select(Alert)).one()
    assert (alert.event_count, alert.status) == (2, "triggered")
    assert send("acknowledge") == 202
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.scalars(select(Alert)).one()
        assert alert.status == "acknowledged"
        assert alert.acknowledged_by is not None
        assert alert.acknowledged_by.startswith("integration:")
    assert send("resolve") == 202
    assert send("resolve") == 202  # a repeated resolve is accepted and changes nothing
    assert send("trigger") == 202
    with unit_of_work(runtime.read_sessions) as session:
        statuses = session.execute(select(Alert.status, Alert.event_count).order_by(Alert.id))
        assert statuses.all() == [("resolved", 2), ("triggered", 1)]
    assert stored(runtime)[:2] == (2, 5)


def test_acknowledge_of_an_unknown_key_is_accepted_and_stores_nothing(events, routing_key, runtime):
    body = {"routing_key": routing_key, "event_action": "acknowledge", "dedup_key": "never"}
    answer = events.post("/v2/enqueue", json=body)
    assert answer.status_code == 202
    assert answer.json()["dedup_key"] == "never"
    assert stored(runtime) == (0, 0, 0)


@pytest.mark.parametrize("action", ["trigger", "acknowledge", "resolve"])
def test_a_key_never_issued_is_404_without_saying_more(events, services, runtime, action):
    body = event("0123456789abcdef0123456789abcdef", event_action=action, dedup_key="x")
    answer = events.post("/v2/enqueue", json=body)
    assert answer.status_code == 404
    assert answer.json() == {
        "status": "invalid event",
        "message": "Invalid routing key",
        "errors": ["'routing_key' is not a valid integration key"],
    }
    assert stored(runtime) == (0, 0, 0)


def test_a_revoked_key_gets_the_same_404_as_an_unknown_one(events, routing_key, cli, runtime):
    assert cli("integration", "revoke", "1").code == 0
    answer = events.post("/v2/enqueue", json=event(routing_key))
    assert answer.status_code == 404
    assert answer.json()["message"] == "Invalid routing key"
    assert stored(runtime) == (0, 0, 0)


def _bad(key: str) -> list[Any]:
    without_summary = {k: v for k, v in PAYLOAD.items() if k != "summary"}
    return [
        pytest.param(
            {"event_action": "trigger", "payload": PAYLOAD},
            ["'routing_key' is missing"],
            id="no-routing-key",
        ),
        pytest.param(
            event("short"),
            ["Length of 'routing_key' is incorrect (should be 32 characters)"],
            id="short-routing-key",
        ),
        pytest.param(
            event(key, payload=without_summary),
            ["'payload.summary' is missing"],
            id="no-summary",
        ),
        pytest.param(
            event(key, payload=None), ["'payload' is missing or not an object"], id="no-payload"
        ),
        pytest.param(
            event(key, event_action="explode"),
            ["'event_action': Input should be 'trigger', 'acknowledge' or 'resolve'"],
            id="unknown-action",
        ),
        pytest.param(
            {"routing_key": key, "payload": PAYLOAD},
            ["'event_action' is missing"],
            id="no-action",
        ),
        pytest.param(
            event(key, payload={**PAYLOAD, "summary": "x" * 1025}),
            ["'payload.summary': String should have at most 1024 characters"],
            id="long-summary",
        ),
        pytest.param(
            event(key, payload={**PAYLOAD, "severity": "fatal"}),
            ["'payload.severity': Input should be 'critical', 'error', 'warning' or 'info'"],
            id="bad-severity",
        ),
        pytest.param(
            event(key, dedup_key="k" * 256),
            ["'dedup_key': String should have at most 255 characters"],
            id="long-dedup-key",
        ),
        pytest.param(
            {"routing_key": key, "event_action": "resolve"},
            ["'dedup_key' is required to resolve"],
            id="resolve-without-key",
        ),
        pytest.param(
            {"routing_key": key, "event_action": "acknowledge"},
            ["'dedup_key' is required to acknowledge"],
            id="acknowledge-without-key",
        ),
        pytest.param(
            event(key, payload={**PAYLOAD, "timestamp": "yesterday"}),
            ["'payload.timestamp': is not an ISO 8601 time like 2026-01-14T10:00:00Z"],
            id="bad-timestamp",
        ),
        pytest.param(
            event(key, payload={**PAYLOAD, "source": "db\x001"}),
            ["'payload.source': must not contain NUL characters"],
            id="nul-character",
        ),
        pytest.param(
            event(key, links=[{"text": "no href"}]),
            ["'links[0].href' is missing"],
            id="link-without-href",
        ),
        pytest.param(
            {"routing_key": 5, "event_action": "trigger", "payload": {"severity": "x"}},
            [
                "'routing_key': Input should be a valid string",
                "'payload.summary' is missing",
                "'payload.source' is missing",
                "'payload.severity': Input should be 'critical', 'error', 'warning' or 'info'",
            ],
            id="every-problem-named",
        ),
    ]


KEY_PLACEHOLDER = "@key@"


@pytest.mark.parametrize(("body", "errors"), _bad(KEY_PLACEHOLDER))
def test_a_bad_event_is_400_naming_each_problem_and_stores_nothing(
    events, routing_key, runtime, body, errors
):
    text = json.dumps(body).replace(KEY_PLACEHOLDER, routing_key)
    answer = events.post("/v2/enqueue", content=text, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json() == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": errors,
    }
    assert stored(runtime) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "content_type", "error"),
    [
        pytest.param(
            b'{"routing_key": ', "application/json", "the body is not valid JSON", id="malformed"
        ),
        pytest.param(b"\xff\xfe", "application/json", "the body is not valid JSON", id="not-utf8"),
        pytest.param(b'{"a": NaN}', "application/json", "the body is not valid JSON", id="nan"),
        pytest.param(b"[" * 100_000, "application/json", "the body is not valid JSON", id="deep"),
        pytest.param(b"[1, 2]", "application/json", "the body must be a JSON object", id="list"),
        pytest.param(b"{}", "text/plain", "Content-Type must be application/json", id="text-plain"),
        pytest.param(
            b"routing_key=x",
            "application/x-www-form-urlencoded",
            "Content-Type must be application/json",
            id="form",
        ),
        pytest.param(
            b'{"pad": "' + b"x" * (512 * 1024) + b'"}',
            "application/json",
            "the body is larger than 512 KB",
            id="too-large",
        ),
    ],
)
@pytest.mark.parametrize("path", ["/v2/enqueue", "/v2/change/enqueue"])
def test_a_body_that_is_not_a_json_event_is_400(
    events, routing_key, runtime, content, content_type, error, path
):
    answer = events.post(path, content=content, headers={"Content-Type": content_type})
    assert answer.status_code == 400
    assert answer.json()["errors"] == [error]
    assert stored(runtime) == (0, 0, 0)


def test_a_change_event_is_stored_for_the_service(events, routing_key, runtime):
    body = {
        "routing_key": routing_key,
        "payload": {
            "summary": "Deployed cf-deployment v40",
            "timestamp": "2026-01-14T09:30:00+01:00",
            "source": "concourse",
            "custom_details": {"build": 1234},
        },
        "links": [{"href": "https://ci.example/builds/1234"}],
    }
    answer = events.post("/v2/change/enqueue", json=body)
    assert answer.status_code == 202
    assert answer.json() == {"status": "success", "message": "Change event processed"}
    with unit_of_work(runtime.read_sessions) as session:
        change = session.scalars(select(ChangeEvent)).one()
    assert (change.service_id, change.summary, change.source) == (
        "platform-api",
        "Deployed cf-deployment v40",
        "concourse",
    )
    assert change.happened_at is not None
    assert change.happened_at.isoformat() == "2026-01-14T08:30:00+00:00"
    assert change.links == [{"href": "https://ci.example/builds/1234"}]


def test_a_change_event_with_a_wrong_key_or_no_summary_is_refused(events, routing_key, runtime):
    wrong = {"routing_key": "f" * 32, "payload": {"summary": "deploy"}}
    assert events.post("/v2/change/enqueue", json=wrong).status_code == 404
    missing = {"routing_key": routing_key, "payload": {"source": "ci"}}
    answer = events.post("/v2/change/enqueue", json=missing)
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["'payload.summary' is missing"]
    assert stored(runtime) == (0, 0, 0)


def test_other_routes_keep_dutydesks_error_shape(events):
    assert events.get("/api/v1/rotas").json()["error"] == "unauthorized"
