"""People acting on alerts through the API: list, show, acknowledge, resolve, add notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from dutydesk.alerts import service as alerts
from dutydesk.app import create_app
from dutydesk.db import unit_of_work

ALERTS = "/api/v1/alerts"


@pytest.fixture
def raise_alert(runtime, services):
    """Trigger an alert on a service with a key; returns its id."""

    def make(key: str, service: str = "platform-api", summary: str = "Disk full") -> int:
        fields = alerts.AlertFields(summary=summary, source="db-1", severity="critical")
        with unit_of_work(runtime.sessions) as session:
            alert, _ = alerts.trigger(
                session, service, key, fields, runtime.clock.now(), actor="integration:1"
            )
            session.commit()
        return alert.id

    return make


@pytest.fixture
def viewer(runtime, token_for):
    with TestClient(create_app(runtime)) as client:
        client.headers["Authorization"] = f"Bearer {token_for('vic', 'viewer')}"
        yield client


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [alert["id"] for alert in answer.json()]


def test_the_list_is_the_open_alerts_newest_first(api, raise_alert, clock):
    first = raise_alert("disk")
    clock.advance(timedelta(minutes=1))
    second = raise_alert("cpu", service="router")
    clock.advance(timedelta(minutes=1))
    third = raise_alert("mem")
    api.post(f"{ALERTS}/{third}/resolve").raise_for_status()
    assert ids(api.get(ALERTS)) == [second, first]
    assert ids(api.get(ALERTS, params={"status": "resolved"})) == [third]
    assert ids(api.get(ALERTS, params={"service": "router"})) == [second]
    assert ids(api.get(ALERTS, params={"limit": 1})) == [second]


def test_an_alert_reads_back_with_times_in_the_team_offset_and_its_log(api, raise_alert):
    alert_id = raise_alert("disk")
    answer = api.get(f"{ALERTS}/{alert_id}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["service"], body["dedup_key"], body["status"], body["summary"]) == (
        "platform-api",
        "disk",
        "triggered",
        "Disk full",
    )
    assert body["created_at"] == "2026-01-14T10:00:00Z"
    assert [(e["kind"], e["actor"]) for e in body["log"]] == [("trigger", "integration:1")]


def test_acknowledge_note_and_resolve_are_logged_with_the_user(api, raise_alert, clock):
    alert_id = raise_alert("disk")
    acked = api.post(f"{ALERTS}/{alert_id}/acknowledge")
    assert acked.status_code == 200, acked.text
    assert (acked.json()["status"], acked.json()["acknowledged_by"]) == (
        "acknowledged",
        "user:rhea",
    )
    clock.advance(timedelta(minutes=5))
    noted = api.post(f"{ALERTS}/{alert_id}/notes", json={"text": "Failing over to db-2"})
    assert noted.status_code == 200, noted.text
    resolved = api.post(f"{ALERTS}/{alert_id}/resolve")
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert (body["status"], body["resolved_by"], body["resolved_at"]) == (
        "resolved",
        "user:rhea",
        "2026-01-14T10:05:00Z",
    )
    assert [(e["kind"], e["actor"], e["details"]) for e in body["log"]] == [
        ("trigger", "integration:1", {"summary": "Disk full", "severity": "critical"}),
        ("acknowledge", "user:rhea", {}),
        ("note", "user:rhea", {"text": "Failing over to db-2"}),
        ("resolve", "user:rhea", {}),
    ]
    # The key is free again: a new trigger with it opens a new alert.
    assert raise_alert("disk") != alert_id


def test_acknowledging_twice_changes_nothing_the_second_time(api, raise_alert):
    alert_id = raise_alert("disk")
    api.post(f"{ALERTS}/{alert_id}/acknowledge").raise_for_status()
    again = api.post(f"{ALERTS}/{alert_id}/acknowledge")
    assert again.status_code == 200
    assert [e["kind"] for e in again.json()["log"]] == ["trigger", "acknowledge"]


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_acting_on_a_resolved_alert_is_a_conflict(api, raise_alert, action):
    alert_id = raise_alert("disk")
    api.post(f"{ALERTS}/{alert_id}/resolve").raise_for_status()
    answer = api.post(f"{ALERTS}/{alert_id}/{action}")
    assert answer.status_code == 409
    assert answer.json()["error"] == "conflict"
    assert "is resolved by user:rhea" in answer.json()["message"]
    log = api.get(f"{ALERTS}/{alert_id}").json()["log"]
    assert [e["kind"] for e in log] == ["trigger", "resolve"]


def test_a_resolved_alert_still_takes_notes(api, raise_alert):
    alert_id = raise_alert("disk")
    api.post(f"{ALERTS}/{alert_id}/resolve").raise_for_status()
    noted = api.post(f"{ALERTS}/{alert_id}/notes", json={"text": "root cause: a log file"})
    assert noted.status_code == 200
    assert noted.json()["log"][-1]["kind"] == "note"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/999"),
        ("post", "/999/acknowledge"),
        ("post", "/999/resolve"),
        ("post", "/4294967296/resolve"),
    ],
)
def test_an_unknown_alert_is_404_json(api, services, method, path):
    answer = getattr(api, method)(ALERTS + path)
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"
    assert "no alert" in answer.json()["message"]


def test_a_note_for_an_unknown_alert_is_404(api, services):
    answer = api.post(f"{ALERTS}/999/notes", json={"text": "hello"})
    assert (answer.status_code, answer.json()["message"]) == (404, "no alert 999")


@pytest.mark.parametrize("action", ["acknowledge", "resolve", "notes"])
def test_a_viewer_may_read_but_not_act_and_nothing_changes(viewer, api, raise_alert, action):
    alert_id = raise_alert("disk")
    assert ids(viewer.get(ALERTS)) == [alert_id]
    answer = viewer.post(f"{ALERTS}/{alert_id}/{action}", json={"text": "mine"})
    assert answer.status_code == 403
    assert answer.json()["error"] == "forbidden"
    body = api.get(f"{ALERTS}/{alert_id}").json()
    assert body["status"] == "triggered"
    assert [e["kind"] for e in body["log"]] == ["trigger"]


def test_reading_needs_a_token(runtime, raise_alert):
    raise_alert("disk")
    with TestClient(create_app(runtime)) as anonymous:
        assert anonymous.get(ALERTS).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open"}, "status"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_a_bad_filter_is_422_naming_it(api, services, params, field):
    answer = api.get(ALERTS, params=params)
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(f"{field}:")


def test_an_unknown_service_filter_is_404_listing_the_services(api, services):
    answer = api.get(ALERTS, params={"service": "nope"})
    assert answer.status_code == 404
    assert "platform-api, router" in answer.json()["message"]


@pytest.mark.parametrize(
    "body", [{"text": "x" * 2001}, {"text": ""}, {"text": "   "}, {}, {"text": "a", "x": 1}]
)
def test_a_bad_note_is_422_naming_the_field_and_not_stored(api, raise_alert, body):
    alert_id = raise_alert("disk")
    answer = api.post(f"{ALERTS}/{alert_id}/notes", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid"
    assert answer.json()["message"].split(":")[0] in ("text", "x")
    assert [e["kind"] for e in api.get(f"{ALERTS}/{alert_id}").json()["log"]] == ["trigger"]


def test_a_note_of_exactly_2000_characters_is_kept(api, raise_alert):
    alert_id = raise_alert("disk")
    answer = api.post(f"{ALERTS}/{alert_id}/notes", json={"text": "x" * 2000})
    assert answer.status_code == 200


def test_a_bad_alert_id_is_422(api, services):
    answer = api.get(f"{ALERTS}/abc")
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("alert_id:")


def test_reassigning_to_a_person_id_with_a_nul_is_422_not_a_database_error(api, raise_alert):
    # PostgreSQL cannot even compare text holding NUL; the id must be refused before the lookup.
    alert_id = raise_alert("disk")
    answer = api.post(f"{ALERTS}/{alert_id}/reassign", json={"person": "ali\x00ce"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"].startswith("person: ")
