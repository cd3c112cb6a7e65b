"""POST /hooks/{alertmanager,grafana,generic}/{key}: monitoring's webhooks become alerts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime

PAYLOADS = Path(__file__).parent / "payloads"
# As Alertmanager 0.27 sends it, with two alerts of one group.
ALERTMANAGER = json.loads((PAYLOADS / "alertmanager_v4.json").read_text(encoding="utf-8"))
# As Grafana 11's webhook contact point sends it.
GRAFANA = json.loads((PAYLOADS / "grafana_v1.json").read_text(encoding="utf-8"))


def stored(runtime: Runtime) -> tuple[int, int]:
    """How many alerts and log entries are stored."""
    with unit_of_work(runtime.read_sessions) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Alert, AlertLogEntry)
        )


def all_alerts(runtime: Runtime) -> list[Alert]:
    with unit_of_work(runtime.read_sessions) as session:
        found = list(session.scalars(select(Alert).order_by(Alert.id)))
        session.expunge_all()
        return found


def resolved(payload: dict[str, Any]) -> dict[str, Any]:
    """The same notification, every alert resolved."""
    copied = copy.deepcopy(payload)
    copied["status"] = "resolved"
    for alert in copied["alerts"]:
        alert["status"] = "resolved"
    return copied


def test_an_alertmanager_notification_triggers_each_of_its_alerts(events, routing_key, runtime):
    answer = events.post(f"/hooks/alertmanager/{routing_key}", json=ALERTMANAGER)
    assert answer.status_code == 200
    assert answer.json() == {"status": "success", "alerts": 2}
    down, disk = all_alerts(runtime)
    assert (down.service_id, down.dedup_key, down.status) == (
        "platform-api",
        "b7a1f0c2d3e4f5a6",
        "triggered",
    )
    assert (down.summary, down.severity, down.source) == ("api-1 is down", "critical", "api-1:9100")
    assert down.custom_details == {
        "labels": ALERTMANAGER["alerts"][0]["labels"],
        "annotations": ALERTMANAGER["alerts"][0]["annotations"],
    }
    assert down.links == [
        {"href": "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0", "text": "Source"}
    ]
    assert down.client == "Alertmanager"
    # No summary annotation: the alert's name and a few labels; no severity label: error.
    assert (disk.summary, disk.severity, disk.source) == (
        "DiskFilling (job=node, mountpoint=/var)",
        "error",
        "node",
    )


def test_a_repeated_notification_adds_to_the_same_alerts(events, routing_key, runtime):
    for _ in range(2):
        assert events.post(f"/hooks/alertmanager/{routing_key}", json=ALERTMANAGER).is_success
    assert [(a.dedup_key, a.event_count) for a in all_alerts(runtime)] == [
        ("b7a1f0c2d3e4f5a6", 2),
        ("0c1d2e3f4a5b6c7d", 2),
    ]


def test_a_resolved_notification_resolves_the_alerts(events, routing_key, runtime):
    url = f"/hooks/alertmanager/{routing_key}"
    assert events.post(url, json=ALERTMANAGER).status_code == 200
    answer = events.post(url, json=resolved(ALERTMANAGER))
    assert answer.json() == {"status": "success", "alerts": 2}
    assert [(a.status, a.resolved_by) for a in all_alerts(runtime)] == [
        ("resolved", "integration:1"),
        ("resolved", "integration:1"),
    ]
    # Firing again after resolving opens a new alert for the fingerprint.
    assert events.post(url, json=ALERTMANAGER).status_code == 200
    assert [a.status for a in all_alerts(runtime)] == ["resolved"] * 2 + ["triggered"] * 2


def test_one_notification_can_fire_one_alert_and_resolve_another(events, routing_key, runtime):
    url = f"/hooks/alertmanager/{routing_key}"
    assert events.post(url, json=ALERTMANAGER).status_code == 200
    mixed = copy.deepcopy(ALERTMANAGER)
    mixed["alerts"][1]["status"] = "resolved"
    assert events.post(url, json=mixed).status_code == 200
    assert [(a.dedup_key, a.status) for a in all_alerts(runtime)] == [
        ("b7a1f0c2d3e4f5a6", "triggered"),
        ("0c1d2e3f4a5b6c7d", "resolved"),
    ]


def test_unknown_fields_anywhere_are_ignored(events, routing_key, runtime):
    extended = copy.deepcopy(ALERTMANAGER)
    extended["newTopLevelField"] = {"anything": [1, 2]}
    extended["alerts"][0]["newAlertField"] = "x"
    answer = events.post(f"/hooks/alertmanager/{routing_key}", json=extended)
    assert answer.status_code == 200
    assert stored(runtime)[0] == 2


def test_a_grafana_notification_triggers_and_resolves(events, routing_key, runtime):
    url = f"/hooks/grafana/{routing_key}"
    answer = events.post(url, json=GRAFANA)
    assert answer.json() == {"status": "success", "alerts": 1}
    assert events.post(url, json=GRAFANA).status_code == 200
    (alert,) = all_alerts(runtime)
    assert (alert.dedup_key, alert.summary, alert.severity, alert.source, alert.event_count) == (
        "57c6d9296de2ad39",
        "HighLatency (grafana_folder=API)",
        "warning",
        "grafana",
        2,
    )
    assert [link["text"] for link in alert.links] == ["Source", "Dashboard", "Panel", "Silence"]
    assert alert.client == "Grafana"
    assert events.post(url, json=resolved(GRAFANA)).status_code == 200
    assert [a.status for a in all_alerts(runtime)] == ["resolved"]


def test_a_generic_trigger_gets_a_dedup_key_and_can_be_acknowledged_and_resolved(
    events, routing_key, runtime
):
    url = f"/hooks/generic/{routing_key}"
    body = {
        "action": "trigger",
        "summary": "Backup failed",
        "severity": "warning",
        "source": "backup-cron",
        "details": {"exit": 2},
    }
    answer = events.post(url, json=body)
    assert answer.status_code == 200
    dedup_key = answer.json()["dedup_key"]
    assert len(dedup_key) == 32
    (alert,) = all_alerts(runtime)
    assert (alert.summary, alert.severity, alert.source, alert.custom_details) == (
        "Backup failed",
        "warning",
        "backup-cron",
        {"exit": 2},
    )
    ack = events.post(url, json={"action": "acknowledge", "dedup_key": dedup_key})
    assert ack.json() == {"status": "success", "dedup_key": dedup_key}
    assert all_alerts(runtime)[0].status == "acknowledged"
    assert events.post(url, json={"action": "resolve", "dedup_key": dedup_key}).is_success
    assert all_alerts(runtime)[0].status == "resolved"


def test_a_generic_trigger_needs_only_a_summary(events, routing_key, runtime):
    url = f"/hooks/generic/{routing_key}"
    body = {"action": "trigger", "summary": "Nightly job late", "dedup_key": "nightly"}
    assert events.post(url, json=body).json() == {"status": "success", "dedup_key": "nightly"}
    (alert,) = all_alerts(runtime)
    assert (alert.severity, alert.source) == ("error", "webhook")


def _without(payload: dict[str, Any], alert: int, field: str) -> dict[str, Any]:
    copied = copy.deepcopy(payload)
    del copied["alerts"][alert][field]
    return copied


def _with(payload: dict[str, Any], alert: int, field: str, value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(payload)
    copied["alerts"][alert][field] = value
    return copied


BAD_BODIES = [
    pytest.param(
        "alertmanager",
        _without(ALERTMANAGER, 1, "fingerprint"),
        "alerts[1].fingerprint: Field required",
        id="am-second-alert-without-fingerprint",
    ),
    pytest.param(
        "alertmanager",
        _with(ALERTMANAGER, 1, "status", "pending"),
        "alerts[1].status: Input should be 'firing' or 'resolved'",
        id="am-unknown-status",
    ),
    pytest.param(
        "alertmanager",
        _with(ALERTMANAGER, 0, "labels", {"severity": 5}),
        "alerts[0].labels.severity: Input should be a valid string",
        id="am-label-not-a-string",
    ),
    pytest.param(
        "alertmanager",
        _with(ALERTMANAGER, 0, "fingerprint", "f" * 256),
        "alerts[0].fingerprint: String should have at most 255 characters",
        id="am-long-fingerprint",
    ),
    pytest.param(
        "alertmanager",
        _with(ALERTMANAGER, 0, "annotations", {"summary": "a\x00b"}),
        "alerts[0].annotations.summary: must not contain NUL characters",
        id="am-nul-character",
    ),
    pytest.param(
        "alertmanager",
        {**ALERTMANAGER, "version": "3"},
        "version: Input should be '4'",
        id="am-other-version",
    ),
    pytest.param(
        "alertmanager",
        {k: v for k, v in ALERTMANAGER.items() if k != "alerts"},
        "alerts: Field required",
        id="am-no-alerts",
    ),
    pytest.param(
        "alertmanager",
        {**ALERTMANAGER, "alerts": {"not": "a list"}},
        "alerts: Input should be a valid list",
        id="am-alerts-not-a-list",
    ),
    pytest.param(
        "grafana",
        _without(GRAFANA, 0, "status"),
        "alerts[0].status: Field required",
        id="grafana-alert-without-status",
    ),
    pytest.param(
        "grafana", ALERTMANAGER, "version: Input should be '1'", id="grafana-given-alertmanager"
    ),
    pytest.param(
        "generic",
        {"action": "explode", "dedup_key": "x"},
        "action: Input should be 'trigger', 'acknowledge' or 'resolve'",
        id="generic-unknown-action",
    ),
    pytest.param(
        "generic", {"summary": "x"}, "action: Field required", id="generic-without-action"
    ),
    pytest.param(
        "generic",
        {"action": "trigger", "severity": "critical"},
        "summary: required to trigger",
        id="generic-trigger-without-summary",
    ),
    pytest.param(
        "generic",
        {"action": "resolve"},
        "dedup_key: required to resolve",
        id="generic-resolve-without-dedup-key",
    ),
    pytest.param(
        "generic",
        {"action": "acknowledge"},
        "dedup_key: required to acknowledge",
        id="generic-acknowledge-without-dedup-key",
    ),
    pytest.param(
        "generic",
        {"action": "trigger", "summary": "x", "severity": "fatal"},
        "severity: Input should be 'critical', 'error', 'warning' or 'info'",
        id="generic-bad-severity",
    ),
    pytest.param(
        "generic",
        {"action": "trigger", "summary": "x" * 1025},
        "summary: String should have at most 1024 characters",
        id="generic-long-summary",
    ),
]


@pytest.mark.parametrize(("hook", "body", "message"), BAD_BODIES)
def test_a_bad_body_is_400_naming_the_field_and_stores_nothing(
    events, routing_key, runtime, hook, body, message
):
    answer = events.post(f"/hooks/{hook}/{routing_key}", json=body)
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid", "message": message}
    assert stored(runtime) == (0, 0)


TOO_LARGE = b'{"pad": "' + b"x" * (512 * 1024) + b'"}'


# The body checks are the Events API's (dutydesk.alerts.intake); one case of each here.
@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"{not json", "application/json", "the body is not valid JSON"),
        (b"[1, 2]", "application/json", "the body must be a JSON object"),
        (b"{}", "text/plain", "Content-Type must be application/json"),
        (TOO_LARGE, "application/json", "the body is larger than 512 KB"),
    ],
    ids=["bad-json", "list", "content-type", "too-large"],
)
@pytest.mark.parametrize("hook", ["alertmanager", "grafana", "generic"])
def test_a_body_that_is_not_a_json_object_is_400(
    events, routing_key, runtime, hook, content, content_type, message
):
    answer = events.post(
        f"/hooks/{hook}/{routing_key}", content=content, headers={"Content-Type": content_type}
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid", "message": message}
    assert stored(runtime) == (0, 0)


NOT_FOUND = {"error": "not_found", "message": "no live integration key at this address"}
VALID = {
    "alertmanager": ALERTMANAGER,
    "grafana": GRAFANA,
    "generic": {"action": "resolve", "dedup_key": "x"},
}


@pytest.mark.parametrize("hook", ["alertmanager", "grafana", "generic"])
def test_a_key_never_issued_is_404_without_saying_more(events, services, runtime, hook):
    answer = events.post(f"/hooks/{hook}/0123456789abcdef0123456789abcdef", json=VALID[hook])
    assert answer.status_code == 404
    assert answer.json() == NOT_FOUND
    assert stored(runtime) == (0, 0)


@pytest.mark.parametrize("hook", ["alertmanager", "grafana", "generic"])
def test_a_revoked_key_gets_the_same_404_as_an_unknown_one(events, routing_key, cli, runtime, hook):
    assert cli("integration", "revoke", "1").code == 0
    answer = events.post(f"/hooks/{hook}/{routing_key}", json=VALID[hook])
    assert answer.status_code == 404
    assert answer.json() == NOT_FOUND
    assert stored(runtime) == (0, 0)


def test_the_webhooks_are_in_the_openapi_document(events):
    paths = events.get("/openapi.json").json()["paths"]
    for hook in ("alertmanager", "grafana", "generic"):
        assert "post" in paths[f"/hooks/{hook}/{{key}}"]
