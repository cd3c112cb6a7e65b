"""Events nested deeper than the limit are refused, and alerts stored with such values before
the limit existed still read back through the API and the CLI (cut, with a marker)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from dutydesk.alerts import service as alerts
from dutydesk.alerts.models import Alert
from dutydesk.alerts.untrusted import MAX_DEPTH, TOO_DEEP
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime

ALERTS = "/api/v1/alerts"


def nested(levels: int) -> Any:
    """`{"a": {"a": … 1}}`, `levels` objects deep (built from text: no recursion)."""
    return json.loads('{"a": ' * levels + "1" + "}" * levels)


def count_alerts(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).select_from(Alert)) or 0


def post_json(events, url: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    # json.dumps on its own would refuse nothing here, but the text is what a sender sends.
    return events.post(url, content=json.dumps(body), headers={"Content-Type": "application/json"})


def pd_trigger(key: str, details: Any) -> dict[str, Any]:
    payload = {"summary": "Deep", "source": "db-1", "severity": "critical"}
    return {"routing_key": key, "event_action": "trigger", "payload": payload | details}


def test_a_trigger_at_the_limit_is_accepted(events, routing_key, runtime):
    body = pd_trigger(routing_key, {"custom_details": nested(MAX_DEPTH)})
    answer = post_json(events, "/v2/enqueue", body)
    assert answer.status_code == 202, answer.text
    assert count_alerts(runtime) == 1


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 900])
def test_a_trigger_nested_deeper_than_the_limit_is_400_naming_the_field(
    events, routing_key, runtime, levels
):
    body = pd_trigger(routing_key, {"custom_details": nested(levels)})
    answer = post_json(events, "/v2/enqueue", body)
    assert answer.status_code == 400
    assert answer.json() == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": [
            f"'payload.custom_details': is nested deeper than {MAX_DEPTH} levels"
            " of objects and arrays"
        ],
    }
    assert count_alerts(runtime) == 0


def test_a_change_event_nested_too_deep_is_400(events, routing_key):
    body = {
        "routing_key": routing_key,
        "payload": {"summary": "Deployed", "custom_details": [nested(MAX_DEPTH)]},
    }
    answer = post_json(events, "/v2/change/enqueue", body)
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        f"'payload.custom_details': is nested deeper than {MAX_DEPTH} levels of objects and arrays"
    ]


def test_a_generic_trigger_nested_too_deep_is_400_naming_the_field(events, routing_key, runtime):
    body = {"action": "trigger", "summary": "Deep", "details": nested(900)}
    answer = post_json(events, f"/hooks/generic/{routing_key}", body)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid",
        "message": f"details: is nested deeper than {MAX_DEPTH} levels of objects and arrays",
    }
    assert count_alerts(runtime) == 0


@pytest.mark.parametrize(("hook", "version"), [("alertmanager", "4"), ("grafana", "1")])
def test_monitoring_hooks_take_only_flat_labels_and_annotations(
    events, routing_key, runtime, hook, version
):
    # Their custom_details are the labels and annotations, which are strings: nothing nests.
    alert = {"status": "firing", "fingerprint": "f1", "labels": {"deep": nested(900)}}
    answer = post_json(
        events, f"/hooks/{hook}/{routing_key}", {"version": version, "alerts": [alert]}
    )
    assert answer.status_code == 400
    assert answer.json()["message"] == "alerts[0].labels.deep: Input should be a valid string"
    assert count_alerts(runtime) == 0


@pytest.fixture
def deep_alert(runtime: Runtime, services: None) -> int:
    """An alert stored with 900-level custom_details, as the intake allowed before its limit."""
    fields = alerts.AlertFields(
        summary="Deep", source="db-1", severity="critical", custom_details=nested(900)
    )
    with unit_of_work(runtime.sessions) as session:
        alert, _ = alerts.trigger(
            session, "platform-api", "deep", fields, runtime.clock.now(), actor="integration:1"
        )
        session.commit()
        return alert.id


def depth_of(value: Any) -> int:
    depth = 0
    while isinstance(value, dict):
        value, depth = value["a"], depth + 1
    assert value == TOO_DEEP
    return depth


def test_a_stored_deep_alert_reads_back_cut_through_the_api(api, deep_alert):
    for params in ({}, {"status": "triggered"}):
        listed = api.get(ALERTS, params=params)
        assert listed.status_code == 200, listed.text
        assert depth_of(listed.json()[0]["custom_details"]) == MAX_DEPTH
    shown = api.get(f"{ALERTS}/{deep_alert}")
    assert shown.status_code == 200, shown.text
    assert depth_of(shown.json()["custom_details"]) == MAX_DEPTH
    # The trigger's log entry holds the same details, one level down.
    assert depth_of(shown.json()["log"][0]["details"]["custom_details"]) == MAX_DEPTH - 1


def test_a_stored_deep_alert_reads_back_cut_through_the_cli(cli, deep_alert):
    listed = cli("alert", "list", "--json")
    assert listed.code == 0, listed.err
    assert depth_of(json.loads(listed.out)[0]["custom_details"]) == MAX_DEPTH
    shown = cli("alert", "show", str(deep_alert), "--json")
    assert shown.code == 0, shown.err
    assert depth_of(json.loads(shown.out)["custom_details"]) == MAX_DEPTH
    assert cli("alert", "list").code == 0
    assert cli("alert", "show", str(deep_alert)).code == 0


def test_the_cli_shows_a_summary_on_one_line_without_terminal_escapes(cli, runtime, services):
    fields = alerts.AlertFields(
        summary="Disk\r\nfull \x1b[2J now", source="db-1", severity="critical"
    )
    with unit_of_work(runtime.sessions) as session:
        alert, _ = alerts.trigger(
            session, "platform-api", "k", fields, runtime.clock.now(), actor="integration:1"
        )
        session.commit()
        alert_id = alert.id
    shown = cli("alert", "show", str(alert_id))
    assert shown.code == 0, shown.err
    assert f"Alert {alert_id} on platform-api: triggered, critical: Disk full [2J now" in shown.out
    listed = cli("alert", "list")
    assert "\x1b" not in listed.out and "Disk full" in listed.out
