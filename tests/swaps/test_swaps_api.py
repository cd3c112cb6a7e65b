"""Swaps through the API: who may act as whom, the JSON shapes, and errors as 4xx JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app

SWAPS = "/api/v1/swaps"
THURSDAY = {"rota": "engineering", "from": "2026-01-15T12:00", "until": "2026-01-15T15:00"}


@pytest.fixture
def client_for(runtime, cli, example_team):
    """An API client signed in as a new user with a role, linked to a person (or to nobody)."""
    clients: list[TestClient] = []

    def make(username: str, role: str, person: str | None) -> TestClient:
        linked = ("--person", person) if person else ()
        assert cli("user", "add", username, "--role", role, *linked).code == 0
        token = cli("token", "create", username).out.strip()
        client = TestClient(create_app(runtime))
        client.headers["Authorization"] = f"Bearer {token}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def bob(client_for):
    return client_for("bob", "responder", "bob")


@pytest.fixture
def carol(client_for):
    return client_for("carol", "responder", "carol")


def test_a_request_is_made_as_the_signed_in_users_person_and_read_back(bob):
    made = bob.post(SWAPS, json={**THURSDAY, "note": "dentist"})
    assert made.status_code == 201, made.text
    assert made.json() == {
        "id": 1,
        "rota": "engineering",
        "requester": "bob",
        "from": "2026-01-15T12:00:00Z",
        "until": "2026-01-15T15:00:00Z",
        "offered_to": ["alice", "carol"],
        "offered_to_rota": True,
        "declined_by": [],
        "note": "dentist",
        "status": "open",
        "kind": None,
        "taker": None,
        "give_back_from": None,
        "give_back_until": None,
        "overrides": [],
        "created_at": "2026-01-14T10:00:00Z",
        "created_by": "user:bob",
        "resolved_at": None,
        "resolved_by": None,
    }
    assert bob.get(f"{SWAPS}/1").json() == made.json()
    assert bob.get(SWAPS, params={"rota": "engineering", "open": "true"}).json() == [made.json()]


def test_taking_through_the_api_changes_who_is_on_call(bob, carol):
    bob.post(SWAPS, json={**THURSDAY, "to": ["carol"]})
    taken = carol.post(f"{SWAPS}/1/take")
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert (body["status"], body["taker"], body["resolved_by"]) == (
        "accepted",
        "carol",
        "user:carol",
    )
    override = bob.get(f"/api/v1/rotas/engineering/overrides/{body['overrides'][0]}").json()
    assert (override["person"], override["from"], override["until"], override["note"]) == (
        "carol",
        "2026-01-15T12:00:00Z",
        "2026-01-15T15:00:00Z",
        "swap 1",
    )
    who = bob.get("/api/v1/rotas/engineering/oncall", params={"at": "2026-01-15T13:00"}).json()
    assert (who["person"], who["source"]) == ("carol", "override")


def test_an_exchange_through_the_api(bob, carol):
    bob.post(SWAPS, json={**THURSDAY, "to": ["carol"]})
    done = carol.post(
        f"{SWAPS}/1/exchange", json={"from": "2026-01-20T12:00", "until": "2026-01-20T15:00"}
    )
    assert done.status_code == 200, done.text
    assert (done.json()["kind"], done.json()["give_back_from"]) == (
        "exchange",
        "2026-01-20T12:00:00Z",
    )
    who = bob.get("/api/v1/rotas/engineering/oncall", params={"at": "2026-01-20T13:00"}).json()
    assert who["person"] == "bob"


def test_decline_and_cancel_through_the_api(bob, carol):
    bob.post(SWAPS, json={**THURSDAY, "to": ["carol"]})
    declined = carol.post(f"{SWAPS}/1/decline")
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    bob.post(SWAPS, json={**THURSDAY, "from": "2026-01-16T09:30", "until": "2026-01-16T10:30"})
    cancelled = bob.post(f"{SWAPS}/2/cancel", json={})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")


def test_a_user_without_a_person_is_told_so(api, example_team):
    answer = api.post(SWAPS, json=THURSDAY)
    assert (answer.status_code, answer.json()) == (
        403,
        {
            "error": "forbidden",
            "message": "user rhea is not linked to a person on the team, so cannot swap shifts"
            " (an admin can link one with `dutydesk user add --person`)",
        },
    )
    assert api.get(SWAPS).json() == []


def test_only_an_admin_may_act_for_someone_else(client_for, bob):
    carol_user = client_for("carol", "responder", "carol")
    refused = carol_user.post(SWAPS, json={**THURSDAY, "as": "bob"})
    assert (refused.status_code, refused.json()["message"]) == (
        403,
        "only an admin may act for someone else; carol is not one",
    )
    assert bob.get(SWAPS).json() == []
    admin = client_for("boss", "admin", None)
    made = admin.post(SWAPS, json={**THURSDAY, "as": "bob", "to": ["carol"]})
    assert (made.status_code, made.json()["requester"], made.json()["created_by"]) == (
        201,
        "bob",
        "user:boss",
    )
    taken = admin.post(f"{SWAPS}/1/take", json={"as": "carol"})
    assert (taken.status_code, taken.json()["taker"]) == (200, "carol")
    unknown = admin.post(SWAPS, json={**THURSDAY, "as": "zed"})
    assert (unknown.status_code, unknown.json()["message"]) == (
        422,
        "as: no person 'zed' in the team",
    )


def test_acting_as_yourself_explicitly_is_fine(bob):
    assert bob.post(SWAPS, json={**THURSDAY, "as": "bob"}).status_code == 201


def test_viewers_read_but_do_not_write(client_for, bob):
    bob.post(SWAPS, json=THURSDAY)
    viewer = client_for("vera", "viewer", "alice")
    assert viewer.get(SWAPS).status_code == 200
    for path, body in ((SWAPS, THURSDAY), (f"{SWAPS}/1/take", {}), (f"{SWAPS}/1/decline", {})):
        answer = viewer.post(path, json=body)
        assert (answer.status_code, answer.json()["error"]) == (403, "forbidden")
    assert bob.get(f"{SWAPS}/1").json()["status"] == "open"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("get", f"{SWAPS}/7", None, 404, "no swap request 7"),
        ("get", f"{SWAPS}/99999999999", None, 404, "no swap request 99999999999"),
        ("post", f"{SWAPS}/7/take", {}, 404, "no swap request 7"),
        (
            "post",
            SWAPS,
            {**THURSDAY, "from": "soon"},
            422,
            "from: 'soon' is not a time; use ISO 8601 like 2026-03-29T09:30 (team local time) or 2026-03-29T08:30Z",
        ),
        (
            "post",
            SWAPS,
            {"rota": "engineering", "until": "2026-01-15T15:00"},
            422,
            "from: Field required",
        ),
        (
            "post",
            SWAPS,
            {**THURSDAY, "colour": "red"},
            422,
            "colour: Extra inputs are not permitted",
        ),
        (
            "post",
            SWAPS,
            {**THURSDAY, "rota": "nope"},
            404,
            "no rota 'nope' (rotas: engineering, comms, escalation)",
        ),
        (
            "post",
            SWAPS,
            {**THURSDAY, "from": "2026-01-15T09:00"},
            409,
            "bob is not on call on engineering for all of that window: nobody is on call Thu 15 Jan 2026 09:00 – Thu 15 Jan 2026 09:30 (Europe/London)",
        ),
        (
            "get",
            SWAPS + "?rota=nope",
            None,
            404,
            "no rota 'nope' (rotas: engineering, comms, escalation)",
        ),
    ],
    ids=[
        "unknown id",
        "huge id",
        "take unknown",
        "bad time",
        "missing field",
        "extra field",
        "unknown rota",
        "not held",
        "list unknown rota",
    ],
)
def test_errors_are_json_and_change_nothing(bob, method, path, body, status, message):
    answer = bob.request(method.upper(), path, json=body)
    assert (answer.status_code, answer.json()["message"]) == (status, message)
    assert bob.get(SWAPS).json() == []
