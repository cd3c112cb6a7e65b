"""Statuspage's management API v1 as Dutydesk serves it: every route's answer in Statuspage's
shapes, what the public page shows after each change, keys (OAuth and Bearer; 401 and 403),
unknown pages and ids, and bad bodies refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from dutydesk.app import create_app
from dutydesk.auth.models import User
from dutydesk.db import unit_of_work
from dutydesk.statuspage import fanout, snapshot
from dutydesk.statuspage.models import (
    StatusApiKey,
    StatusComponent,
    StatusIncident,
    StatusIncidentUpdate,
    StatusSubscriber,
)
from dutydesk.statuspage.page import page_info

ISO_Z = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"


@pytest.fixture
def key_for(cli):
    """Make a user with a role and a status page API key for them (through the CLI)."""

    def make(username: str, role: str) -> str:
        assert cli("user", "add", username, "--role", role).code == 0
        made = cli("statuspage", "key", "create", "--user", username, "--name", "tests")
        assert made.code == 0, made.err
        return made.out.strip()

    return make


@pytest.fixture
def page_id(runtime, status_page) -> str:
    with unit_of_work(runtime.read_sessions) as session:
        return page_info(session).id


@pytest.fixture
def v1(runtime, status_page, key_for):
    """A client with a responder's key, sent as Statuspage's clients send it."""
    with TestClient(create_app(runtime)) as client:
        client.headers["Authorization"] = f"OAuth {key_for('rhea', 'responder')}"
        yield client


@pytest.fixture
def anonymous_client(runtime):
    """A client without credentials, reading the public site."""
    with TestClient(create_app(runtime)) as client:
        yield client


def _page(runtime):
    """What the public page shows: its stored snapshot."""
    with unit_of_work(runtime.read_sessions) as session:
        found = snapshot.stored(session)
    assert found is not None
    return found[1]


def _count(runtime, model) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).select_from(model))


def _incident(v1, page_id, **fields):
    answer = v1.post(f"/v1/pages/{page_id}/incidents", json={"incident": fields})
    assert answer.status_code == 201, answer.text
    return answer.json()


# The page


def test_pages_lists_the_one_page_in_statuspages_shape(v1, page_id, runtime):
    answer = v1.get("/v1/pages", params={"page": 1, "per_page": 100})
    assert answer.status_code == 200
    (page,) = answer.json()
    assert page["id"] == page_id
    assert page["subdomain"] == page_id
    assert page["url"] == "http://dutydesk.test/status"
    assert page["time_zone"] == "Europe/London"
    assert page["name"] == _page(runtime).name
    assert page["created_at"] == "2025-12-15T11:00:00.000Z"  # its first component's
    assert page["updated_at"] is not None
    assert page["allow_webhook_subscribers"] is True
    assert page["allow_sms_subscribers"] is False
    assert v1.get(f"/v1/pages/{page_id}").json() == page
    assert v1.get("/v1/pages/someone-else").status_code == 404


# Components


def test_components_are_listed_in_page_order_and_paged(v1, page_id, runtime):
    every = v1.get(f"/v1/pages/{page_id}/components")
    assert every.status_code == 200
    ids = [c["id"] for c in every.json()]
    assert ids == [c.id for c in _page(runtime).components]
    by_id = {c["id"]: c for c in every.json()}
    assert by_id["hosting"]["group"] is True
    assert by_id["hosting"]["components"] == ["routing", "logs"]
    routing = by_id["routing"]
    assert routing["group_id"] == "hosting"
    assert routing["page_id"] == page_id
    assert routing["status"] == "operational"
    assert routing["created_at"] == "2025-12-15T11:00:00.000Z"
    assert set(routing) >= {
        "id", "name", "status", "created_at", "updated_at", "position", "description",
        "showcase", "start_date", "group_id", "page_id", "group", "only_show_if_degraded",
    }  # fmt: skip
    first = v1.get(f"/v1/pages/{page_id}/components", params={"page": 1, "per_page": 2})
    second = v1.get(f"/v1/pages/{page_id}/components", params={"page": 2, "per_page": 2})
    assert [c["id"] for c in first.json()] == ids[:2]
    assert [c["id"] for c in second.json()] == ids[2:4]
    far = v1.get(f"/v1/pages/{page_id}/components", params={"page": 99, "per_page": 100})
    assert far.json() == []
    too_many = v1.get(f"/v1/pages/{page_id}/components", params={"per_page": 101})
    assert too_many.status_code == 422
    assert too_many.json()["error"] == "invalid"
    assert v1.get(f"/v1/pages/{page_id}/components", params={"page": 0}).status_code == 422


def test_a_component_is_made_changed_and_deleted_and_the_page_follows(v1, page_id, runtime):
    made = v1.post(
        f"/v1/pages/{page_id}/components",
        json={
            "component": {
                "name": "Object storage",
                "description": "S3-compatible buckets",
                "status": "degraded_performance",
                "group_id": "hosting",
                "showcase": False,
                "automation_email": "ignored@example.org",
            }
        },
    )
    assert made.status_code == 201, made.text
    component = made.json()
    assert component["name"] == "Object storage"
    assert component["description"] == "S3-compatible buckets"
    assert component["status"] == "degraded_performance"
    assert component["group_id"] == "hosting"
    assert component["showcase"] is False
    assert component["group"] is False
    assert component["created_at"] == "2026-01-14T11:00:00.000Z"
    shown = _page(runtime).component(component["id"])
    assert shown is not None and shown.status == "degraded_performance"
    assert _page(runtime).component("hosting").status == "degraded_performance"

    path = f"/v1/pages/{page_id}/components/{component['id']}"
    assert v1.get(path).json() == component
    changed = v1.patch(path, json={"component": {"status": "major_outage", "group_id": None}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "major_outage"
    assert changed.json()["group_id"] is None
    assert changed.json()["name"] == "Object storage"  # left out: left as it is
    assert _page(runtime).component(component["id"]).status == "major_outage"
    assert _page(runtime).component("hosting").status == "operational"

    deleted = v1.delete(path)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert v1.get(path).status_code == 404
    assert _page(runtime).component(component["id"]) is None


@pytest.mark.parametrize(
    "body",
    [
        {"component": {"name": 5}},
        {"component": {"name": "Queues", "status": "on fire"}},
        {"component": {"name": ""}},
        {"component": {"name": "Queues", "group_id": "routing"}},  # not a group
        {"component": {"name": "Queues", "start_date": "yesterday"}},
        {"component": {"name": "Queues", "showcase": "perhaps"}},
        {"component": {"name": "Queues", "showcase": 0}},
        {"name": "Queues"},
        {"component": "Queues"},
    ],
)
def test_a_bad_component_is_refused_and_nothing_is_made(v1, page_id, runtime, body):
    before = _count(runtime, StatusComponent)
    answer = v1.post(f"/v1/pages/{page_id}/components", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid"
    assert answer.json()["message"]
    assert _count(runtime, StatusComponent) == before


def test_a_bad_component_change_changes_nothing(v1, page_id, runtime):
    path = f"/v1/pages/{page_id}/components/routing"
    for body in (
        {"component": {"name": "Renamed", "status": "sideways"}},
        {"component": {"name": "Renamed", "group_id": "nope"}},
        {"component": {"status": "major_outage", "description": "x" * 3000}},
    ):
        assert v1.patch(path, json=body).status_code == 422
    group = v1.patch(f"/v1/pages/{page_id}/components/hosting", json={
        "component": {"status": "major_outage"}})  # fmt: skip
    assert group.status_code == 422
    assert "group" in group.json()["message"]
    routing = v1.get(path).json()
    assert routing["name"] == "App routing"
    assert routing["status"] == "operational"
    assert routing["group_id"] == "hosting"


def test_a_body_without_a_content_type_is_read_as_json(v1, page_id):
    """As Go's Statuspage SDK (the Terraform provider's) sends it."""
    made = v1.post(f"/v1/pages/{page_id}/components", content=b'{"component": {"name": "Queues"}}')
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "Queues"


def test_a_body_that_is_not_json_is_refused(v1, page_id):
    answer = v1.post(
        f"/v1/pages/{page_id}/components",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("body: not valid JSON")


# Incidents


def test_an_incident_is_published_updated_and_resolved_as_statuspage_does(v1, page_id, runtime):
    made = _incident(
        v1, page_id,
        name="Apps slow to respond",
        status="investigating",
        body="We are looking into **slow** responses.",
        components={"routing": "degraded_performance"},
        component_ids=["routing", "logs"],
        deliver_notifications=True,
        metadata={"jira": {"issue": "OPS-1"}},
    )  # fmt: skip
    assert made["name"] == "Apps slow to respond"
    assert made["status"] == "investigating"
    assert made["impact"] == "minor"
    assert made["impact_override"] is None
    assert made["page_id"] == page_id
    assert made["shortlink"] == f"http://dutydesk.test/status/incidents/{made['id']}/"
    assert made["created_at"] == made["started_at"] == "2026-01-14T11:00:00.000Z"
    assert made["resolved_at"] is None
    assert made["scheduled_for"] is None
    assert sorted(c["id"] for c in made["components"]) == ["logs", "routing"]
    (first,) = made["incident_updates"]
    assert first["status"] == "investigating"
    assert first["body"] == "We are looking into **slow** responses."
    assert first["incident_id"] == made["id"]
    assert first["deliver_notifications"] is True
    assert first["affected_components"] == [
        {"code": "routing", "name": "App routing", "old_status": "operational",
         "new_status": "degraded_performance"},
        {"code": "logs", "name": "Logs", "old_status": "operational", "new_status": "operational"},
    ]  # fmt: skip
    page = _page(runtime)
    assert [i.id for i in page.incidents] == [made["id"]]
    assert page.component("routing").status == "degraded_performance"

    path = f"/v1/pages/{page_id}/incidents/{made['id']}"
    identified = v1.patch(path, json={"incident": {"status": "identified"}})
    assert identified.status_code == 200, identified.text
    newest = identified.json()["incident_updates"][0]
    assert newest["status"] == "identified"
    assert newest["body"] == "The issue has been identified and a fix is being worked on."
    assert _page(runtime).incidents[0].status == "identified"

    resolved = v1.patch(path, json={"incident": {
        "status": "resolved", "body": "Fixed by rolling back.",
        "components": {"routing": "operational"}}})  # fmt: skip
    assert resolved.status_code == 200, resolved.text
    answer = resolved.json()
    assert answer["status"] == "resolved"
    assert answer["resolved_at"] == "2026-01-14T11:00:00.000Z"
    assert answer["impact"] == "minor"  # its worst, kept in the history
    assert [u["status"] for u in answer["incident_updates"]] == [
        "resolved", "identified", "investigating"]  # fmt: skip
    page = _page(runtime)
    assert page.incidents == ()
    assert page.history[0].id == made["id"]
    assert page.component("routing").status == "operational"
    assert v1.get(path).json() == answer


def test_the_incident_lists(v1, page_id, runtime, clock):
    first = _incident(v1, page_id, name="Logs delayed", components={"logs": "partial_outage"})
    clock.advance(timedelta(minutes=1))
    second = _incident(v1, page_id, name="API errors", components={"api": "major_outage"})
    clock.advance(timedelta(minutes=1))
    window = _incident(
        v1, page_id, name="Database upgrade", component_ids=["api"],
        scheduled_for="2026-01-20T20:00:00Z", scheduled_until="2026-01-20T22:00:00Z",
    )  # fmt: skip
    v1.patch(f"/v1/pages/{page_id}/incidents/{first['id']}",
             json={"incident": {"status": "resolved"}})  # fmt: skip

    def ids(name="", **params):
        path = f"/v1/pages/{page_id}/incidents" + (f"/{name}" if name else "")
        answer = v1.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return [i["id"] for i in answer.json()]

    assert ids() == [window["id"], second["id"], first["id"]]
    assert ids(page=2, per_page=1) == [second["id"]]
    assert ids(page=4, per_page=1) == []
    assert ids(q="database") == [window["id"]]
    assert ids(q="resolved") == [first["id"]]
    assert ids("unresolved") == [second["id"]]
    assert ids("upcoming") == [window["id"]]
    assert ids("scheduled") == [window["id"]]
    assert ids("active_maintenance") == []
    assert v1.get(f"/v1/pages/{page_id}/incidents/unresolved",
                  params={"per_page": 500}).status_code == 422  # fmt: skip


def test_name_and_impact_change_without_an_update_and_components_alone_set_states(
    v1, page_id, runtime
):
    made = _incident(v1, page_id, name="Slow", components={"routing": "degraded_performance"})
    path = f"/v1/pages/{page_id}/incidents/{made['id']}"
    renamed = v1.patch(
        path, json={"incident": {"name": "Slow apps", "impact_override": "critical"}}
    )
    assert renamed.json()["name"] == "Slow apps"
    assert renamed.json()["impact"] == "critical"
    assert renamed.json()["impact_override"] == "critical"
    assert len(renamed.json()["incident_updates"]) == 1
    assert _page(runtime).incidents[0].name == "Slow apps"
    assert _page(runtime).indicator == "critical"

    cleared = v1.patch(path, json={"incident": {"impact_override": None}})
    assert cleared.json()["impact"] == "minor"
    assert cleared.json()["impact_override"] is None

    states = v1.patch(path, json={"incident": {"components": {"logs": "partial_outage"}}})
    assert states.status_code == 200, states.text
    assert len(states.json()["incident_updates"]) == 1
    assert sorted(c["id"] for c in states.json()["components"]) == ["logs", "routing"]
    assert states.json()["impact"] == "major"
    assert _page(runtime).component("logs").status == "partial_outage"

    same_status = v1.patch(path, json={"incident": {"status": "investigating"}})
    assert len(same_status.json()["incident_updates"]) == 1


def test_an_update_is_corrected_on_either_path_the_clients_use(v1, page_id, runtime, outbox):
    made = _incident(v1, page_id, name="Slow", body="Typo hree.",
                     components={"routing": "degraded_performance"})  # fmt: skip
    update_id = made["incident_updates"][0]["id"]
    base = f"/v1/pages/{page_id}/incidents/{made['id']}"
    told = len(outbox())
    fixed = v1.patch(f"{base}/incident_updates/{update_id}",
                     json={"incident_update": {"body": "Typo here.", "tweet_id": 1}})  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["id"] == update_id
    assert fixed.json()["body"] == "Typo here."
    assert fixed.json()["incident_id"] == made["id"]
    assert _page(runtime).incidents[0].updates[0].body == "Typo here."
    again = v1.patch(f"{base}/incidents_update/{update_id}", json={"incident_update": {
        "display_at": "2026-01-14T10:55:00Z", "deliver_notifications": False}})  # fmt: skip
    assert again.status_code == 200, again.text
    assert again.json()["display_at"] == "2026-01-14T10:55:00.000Z"
    assert again.json()["deliver_notifications"] is False
    assert len(outbox()) == told  # nobody is told again
    assert v1.patch(f"{base}/incident_updates/nope",
                    json={"incident_update": {"body": "x"}}).status_code == 404  # fmt: skip
    empty = v1.patch(f"{base}/incident_updates/{update_id}",
                     json={"incident_update": {"body": "  "}})  # fmt: skip
    assert empty.status_code == 422
    assert _page(runtime).incidents[0].updates[0].body == "Typo here."


def test_deleting_an_incident_answers_with_it_and_takes_it_off_the_page(v1, page_id, runtime):
    made = _incident(v1, page_id, name="False alarm", components={"api": "major_outage"})
    path = f"/v1/pages/{page_id}/incidents/{made['id']}"
    deleted = v1.delete(path)
    assert deleted.status_code == 200
    assert deleted.json()["id"] == made["id"]
    assert deleted.json()["name"] == "False alarm"
    assert v1.get(path).status_code == 404
    assert v1.delete(path).status_code == 404
    assert _page(runtime).incidents == ()


def test_maintenance_is_scheduled_started_and_completed(v1, page_id, runtime, clock):
    made = _incident(
        v1, page_id,
        name="Database upgrade", body="Deploys pause for two hours.",
        component_ids=["api"],
        scheduled_for="2026-01-20T20:00", scheduled_until="2026-01-20T22:00",  # team time
        scheduled_remind_prior=False, scheduled_auto_in_progress=False,
        scheduled_auto_completed=False, impact_override="maintenance",
    )  # fmt: skip
    assert made["status"] == "scheduled"
    assert made["impact"] == "maintenance"
    assert made["scheduled_for"] == "2026-01-20T20:00:00.000Z"  # GMT in January
    assert made["scheduled_until"] == "2026-01-20T22:00:00.000Z"
    assert made["scheduled_remind_prior"] is False
    assert made["scheduled_auto_in_progress"] is False
    assert [c["id"] for c in made["components"]] == ["api"]
    assert [m.id for m in _page(runtime).maintenances] == [made["id"]]
    assert _page(runtime).component("api").status == "operational"

    path = f"/v1/pages/{page_id}/incidents/{made['id']}"
    moved = v1.patch(path, json={"incident": {"scheduled_for": "2026-01-21T20:00:00Z"}})
    assert moved.status_code == 422
    repeated = v1.patch(path, json={"incident": {
        "scheduled_for": "2026-01-20T20:00:00Z", "name": "Database upgrade (v16)"}})  # fmt: skip
    assert repeated.status_code == 200, repeated.text

    clock.set(clock.now() + timedelta(days=6, hours=9))
    started = v1.patch(path, json={"incident": {"status": "in_progress"}})
    assert started.status_code == 200, started.text
    assert started.json()["incident_updates"][0]["body"].startswith("Scheduled maintenance is")
    assert _page(runtime).component("api").status == "under_maintenance"
    active = v1.get(f"/v1/pages/{page_id}/incidents/active_maintenance").json()
    assert [m["id"] for m in active] == [made["id"]]
    completed = v1.patch(path, json={"incident": {"status": "completed"}})
    assert completed.json()["status"] == "completed"
    assert _page(runtime).component("api").status == "operational"
    assert _page(runtime).history[0].id == made["id"]


@pytest.mark.parametrize(
    ("incident", "says"),
    [
        ({"name": "X", "status": "broken"}, "incident.status"),
        ({"name": "X", "status": "in_progress"}, "status"),
        ({"name": "X", "components": {"nope": "major_outage"}}, "nope"),
        ({"name": "X", "component_ids": ["nope"]}, "nope"),
        ({"name": "X", "components": {"hosting": "major_outage"}}, "group"),
        ({"name": "X", "components": {"api": "sideways"}}, "incident.components.api"),
        ({"status": "investigating"}, "name"),
        ({"name": "X", "body": 12}, "incident.body"),
        ({"name": "X", "impact_override": "apocalyptic"}, "impact_override"),
        ({"name": "X", "scheduled_for": "2026-01-20T20:00Z", "component_ids": ["api"]},
         "scheduled_until"),
        ({"name": "X", "scheduled_for": "2026-01-20T22:00Z",
          "scheduled_until": "2026-01-20T20:00Z", "component_ids": ["api"]}, "scheduled_until"),
        ({"name": "X", "scheduled_for": "whenever", "scheduled_until": "2026-01-20T20:00Z",
          "component_ids": ["api"]}, "scheduled_for"),
        ({"name": "X", "scheduled_for": "2026-01-20T20:00Z",
          "scheduled_until": "2026-01-20T22:00Z"}, "components"),
        ({"name": "X", "scheduled_for": "2026-01-20T20:00Z", "status": "in_progress",
          "scheduled_until": "2026-01-20T22:00Z", "component_ids": ["api"]}, "status"),
    ],
)  # fmt: skip
def test_a_bad_incident_is_refused_and_nothing_is_published(v1, page_id, runtime, incident, says):
    before = _count(runtime, StatusIncident), _page(runtime)
    answer = v1.post(f"/v1/pages/{page_id}/incidents", json={"incident": incident})
    assert answer.status_code == 422, answer.text
    assert says in answer.json()["message"]
    assert (_count(runtime, StatusIncident), _page(runtime)) == before


def test_a_bad_incident_change_changes_nothing(v1, page_id, runtime):
    made = _incident(v1, page_id, name="Slow", components={"routing": "degraded_performance"})
    path = f"/v1/pages/{page_id}/incidents/{made['id']}"
    before = v1.get(path).json(), _count(runtime, StatusIncidentUpdate), _page(runtime)
    for body in (
        {"incident": {"name": "Renamed", "status": "in_progress"}},  # a maintenance status
        {"incident": {"name": "Renamed", "components": {"nope": "major_outage"}}},
        {"incident": {"name": "Renamed", "body": "x" * 20_001}},
        {"incident": {"name": "Renamed", "scheduled_for": "2026-01-20T20:00Z"}},
        {"incident": {"name": ["Renamed"]}},
        {"name": "Renamed"},
    ):
        answer = v1.patch(path, json=body)
        assert answer.status_code == 422, (body, answer.text)
    after = v1.get(path).json(), _count(runtime, StatusIncidentUpdate), _page(runtime)
    assert after == before


def test_unknown_incidents_are_not_found(v1, page_id):
    base = f"/v1/pages/{page_id}/incidents/nope"
    assert v1.get(base).status_code == 404
    assert v1.get(f"/v1/pages/{page_id}/incidents/abcdefghijkl").status_code == 404
    assert v1.patch(base, json={"incident": {"status": "resolved"}}).status_code == 404
    assert v1.delete(base).status_code == 404
    assert v1.patch(f"{base}/incident_updates/u", json={
        "incident_update": {"body": "x"}}).status_code == 404  # fmt: skip


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("incidents", {"incident": {"name": "X", "components": {"a\x00b": "major_outage"}}}),
        ("incidents", {"incident": {"name": "X", "component_ids": ["a\x00b"]}}),
        ("incidents", {"incident": {"name": "X", "component_ids": ["a" * 65]}}),
        ("incidents", {"incident": {"name": "X", "component_ids": ["api"],
                                    "scheduled_for": "2026-01-20T20:00\x00Z",
                                    "scheduled_until": "2026-01-20T22:00Z"}}),
        ("components", {"component": {"name": "X", "group_id": "host\x00ing"}}),
        ("subscribers", {"subscriber": {"email": "a\x00@example.org"}}),
        ("subscribers", {"subscriber": {"endpoint": "https://example.org/\x00"}}),
        ("subscribers", {"subscriber": {"email": "a@example.org", "component_ids": ["\x00"]}}),
    ],
)  # fmt: skip
def test_nul_characters_and_overlong_ids_in_a_body_are_refused(v1, page_id, runtime, path, body):
    before = _page(runtime)
    answer = v1.post(f"/v1/pages/{page_id}/{path}", json=body)
    assert answer.status_code == 422, answer.text
    assert _page(runtime) == before
    assert _count(runtime, StatusSubscriber) == 0


# Subscribers


def test_subscribers_by_email_and_webhook(v1, page_id, runtime, outbox, clock):
    path = f"/v1/pages/{page_id}/subscribers"
    mailed = v1.post(path, json={"subscriber": {"email": "ops@tenant.example",
                                                "component_ids": ["routing"]}})  # fmt: skip
    assert mailed.status_code == 201, mailed.text
    subscriber = mailed.json()
    assert subscriber["mode"] == "email"
    assert subscriber["email"] == "ops@tenant.example"
    assert subscriber["endpoint"] is None
    assert subscriber["components"] == ["routing"]
    assert subscriber["quarantined_at"] is None and subscriber["purge_at"] is None
    assert subscriber["created_at"] == "2026-01-14T11:00:00.000Z"
    assert "signing_secret" not in subscriber
    assert [m.destination for m in outbox("status-confirm-")] == ["ops@tenant.example"]

    clock.advance(timedelta(seconds=1))
    vouched = v1.post(path, json={"subscriber": {
        "email": "noc@tenant.example", "skip_confirmation_notification": True}})  # fmt: skip
    assert vouched.status_code == 201
    every = sorted(c.id for c in _page(runtime).components if not c.is_group)
    assert vouched.json()["components"] == every
    assert len(outbox("status-confirm-")) == 1

    clock.advance(timedelta(seconds=1))
    hooked = v1.post(path, json={"subscriber": {"endpoint": "https://hooks.tenant.example/s",
                                                "component_ids": ["api", "logs"]}})  # fmt: skip
    assert hooked.status_code == 201, hooked.text
    hook = hooked.json()
    assert hook["mode"] == "webhook"
    assert hook["endpoint"] == "https://hooks.tenant.example/s"
    assert hook["email"] is None
    assert hook["components"] == ["api", "logs"]
    assert hook["signing_secret"] == fanout.subscriber_secret(
        runtime.secret_key(), hook["id"], "https://hooks.tenant.example/s"
    )

    listed = v1.get(path, params={"sort_direction": "asc", "page": 1, "per_page": 100}).json()
    assert [s["id"] for s in listed] == [subscriber["id"], vouched.json()["id"], hook["id"]]
    assert all("signing_secret" not in s for s in listed)
    assert [s["id"] for s in v1.get(path, params={"page": 2, "per_page": 2}).json()] == [
        hook["id"]]  # fmt: skip
    one = v1.get(f"{path}/{hook['id']}")
    assert one.json() == {k: v for k, v in hook.items() if k != "signing_secret"}

    gone = v1.delete(f"{path}/{subscriber['id']}", params={
        "skip_unsubscription_notifications": False})  # fmt: skip
    assert gone.status_code == 200
    assert gone.json()["email"] == "ops@tenant.example"
    assert v1.get(f"{path}/{subscriber['id']}").status_code == 404
    assert v1.delete(f"{path}/{subscriber['id']}").status_code == 404
    assert _count(runtime, StatusSubscriber) == 2


@pytest.mark.parametrize(
    ("subscriber", "says"),
    [
        ({}, "email or an endpoint"),
        ({"email": "a@example.org", "endpoint": "https://example.org/"}, "one of them"),
        ({"phone_number": "07700900000"}, "SMS"),
        ({"email": "not an address"}, "email"),
        ({"endpoint": "ftp://example.org/"}, "endpoint"),
        ({"email": "a@example.org", "component_ids": ["nope"]}, "nope"),
        ({"email": "a@example.org", "component_ids": "routing"}, "component_ids"),
        ({"email": "a@example.org", "skip_confirmation_notification": "sometimes"}, "skip"),
    ],
)
def test_a_bad_subscriber_is_refused_and_nothing_is_kept(v1, page_id, runtime, outbox,
                                                         subscriber, says):  # fmt: skip
    answer = v1.post(f"/v1/pages/{page_id}/subscribers", json={"subscriber": subscriber})
    assert answer.status_code == 422, answer.text
    assert says in answer.json()["message"]
    assert _count(runtime, StatusSubscriber) == 0
    assert outbox() == []


# What the public site serves follows each change


def test_the_public_json_shows_what_the_api_published(v1, page_id, anonymous_client):
    made = _incident(v1, page_id, name="API errors", body="A bad deploy.",
                     components={"api": "partial_outage"})  # fmt: skip
    summary = anonymous_client.get("/status/api/v2/summary.json").json()
    assert summary["status"]["indicator"] == "major"
    assert [i["id"] for i in summary["incidents"]] == [made["id"]]
    assert summary["incidents"][0]["incident_updates"][0]["body"] == "A bad deploy."
    v1.patch(f"/v1/pages/{page_id}/incidents/{made['id']}", json={"incident": {
        "status": "resolved", "components": {"api": "operational"}}})  # fmt: skip
    summary = anonymous_client.get("/status/api/v2/summary.json").json()
    assert summary["incidents"] == []
    assert summary["status"]["indicator"] == "none"


# Keys


ROUTES = [
    ("GET", "/v1/pages", None),
    ("GET", "/v1/pages/{page}", None),
    ("GET", "/v1/pages/{page}/components", None),
    ("POST", "/v1/pages/{page}/components", {"component": {"name": "Queues"}}),
    ("GET", "/v1/pages/{page}/components/routing", None),
    ("PATCH", "/v1/pages/{page}/components/routing", {"component": {"status": "major_outage"}}),
    ("DELETE", "/v1/pages/{page}/components/routing", None),
    ("GET", "/v1/pages/{page}/incidents", None),
    ("POST", "/v1/pages/{page}/incidents", {"incident": {"name": "Slow"}}),
    ("GET", "/v1/pages/{page}/incidents/unresolved", None),
    ("GET", "/v1/pages/{page}/incidents/upcoming", None),
    ("GET", "/v1/pages/{page}/incidents/scheduled", None),
    ("GET", "/v1/pages/{page}/incidents/active_maintenance", None),
    ("GET", "/v1/pages/{page}/incidents/{incident}", None),
    ("PATCH", "/v1/pages/{page}/incidents/{incident}", {"incident": {"status": "resolved"}}),
    ("DELETE", "/v1/pages/{page}/incidents/{incident}", None),
    ("PATCH", "/v1/pages/{page}/incidents/{incident}/incident_updates/{update}",
     {"incident_update": {"body": "Corrected."}}),
    ("PATCH", "/v1/pages/{page}/incidents/{incident}/incidents_update/{update}",
     {"incident_update": {"body": "Corrected."}}),
    ("GET", "/v1/pages/{page}/subscribers", None),
    ("POST", "/v1/pages/{page}/subscribers", {"subscriber": {"email": "a@example.org"}}),
    ("GET", "/v1/pages/{page}/subscribers/{subscriber}", None),
    ("DELETE", "/v1/pages/{page}/subscribers/{subscriber}", None),
]  # fmt: skip


@pytest.fixture
def ids(v1, page_id):
    """An incident, its update and a subscriber, to name in paths."""
    made = _incident(v1, page_id, name="Slow", components={"routing": "degraded_performance"})
    subscriber = v1.post(f"/v1/pages/{page_id}/subscribers", json={"subscriber": {
        "email": "b@example.org", "skip_confirmation_notification": True}}).json()  # fmt: skip
    return {"page": page_id, "incident": made["id"], "update": made["incident_updates"][0]["id"],
            "subscriber": subscriber["id"]}  # fmt: skip


def _call(client, method, path, body, ids, **headers):
    return client.request(method, path.format(**ids), json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_needs_the_key_of_a_responder_or_an_admin(
    v1, runtime, key_for, ids, method, path, body
):
    before = _page(runtime)
    anonymous = TestClient(v1.app)
    for headers in (
        {},
        {"Authorization": "OAuth"},
        {"Authorization": "OAuth ddsp_wrong"},
        {"Authorization": "Basic cmhlYTpzZWNyZXQ="},
        {"Authorization": v1.headers["Authorization"].replace("OAuth ", "Token ")},
    ):
        refused = _call(anonymous, method, path, body, ids, **headers)
        assert refused.status_code == 401, (headers, refused.text)
        assert refused.json()["error"] == "unauthorized"
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(User).where(User.username == "rhea").values(role="viewer"))
        session.commit()
    forbidden = _call(v1, method, path, body, ids)
    assert forbidden.status_code == 403, forbidden.text
    assert forbidden.json()["error"] == "forbidden"
    assert _page(runtime) == before
    admins = key_for("ada", "admin")
    answered = _call(anonymous, method, path, body, ids, Authorization=f"Bearer {admins}")
    assert answered.status_code in (200, 201, 204), answered.text


def test_the_scheme_is_read_in_any_case(v1):
    key = v1.headers["Authorization"].removeprefix("OAuth ")
    for scheme in ("oauth", "OAUTH", "bearer", "Bearer"):
        answer = v1.get("/v1/pages", headers={"Authorization": f"{scheme} {key}"})
        assert answer.status_code == 200, scheme


@pytest.mark.parametrize(("method", "path", "body"), ROUTES[1:],
                         ids=[f"{m} {p}" for m, p, _ in ROUTES[1:]])  # fmt: skip
def test_every_route_of_another_page_is_not_found(v1, runtime, ids, method, path, body):
    before = _page(runtime)
    answer = _call(v1, method, path, body, {**ids, "page": "someone-else"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"] == "not_found"
    assert "someone-else" in answer.json()["message"]
    assert _page(runtime) == before


def test_a_revoked_key_stops_working_and_use_is_recorded(v1, page_id, runtime, cli, clock):
    assert v1.get("/v1/pages").status_code == 200
    with unit_of_work(runtime.read_sessions) as session:
        (key,) = session.scalars(select(StatusApiKey)).all()
    assert key.last_used_at == clock.now()
    assert cli("statuspage", "key", "revoke", str(key.id)).code == 0
    refused = v1.get("/v1/pages")
    assert refused.status_code == 401
    assert refused.json()["message"] == "the status page API key is not valid"


def test_a_dutydesk_api_token_is_not_a_status_page_key(v1, token_for):
    token = token_for("tom", "admin")
    assert v1.get("/v1/pages", headers={"Authorization": f"Bearer {token}"}).status_code == 401
