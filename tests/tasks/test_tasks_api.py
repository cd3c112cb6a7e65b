"""/api/v1/tasks on SQLite and PostgreSQL: viewers read, responders change; picking up needs an
account linked to a person; bad input is a 4xx JSON answer that names the field."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from tests.conftest import CliResult


@pytest.fixture
def as_user(runtime, example_team, cli: Callable[..., CliResult]):
    """`as_user(username, role, person=None)`: an API client with that user's token."""
    clients: list[TestClient] = []

    def make(username: str, role: str, person: str | None = None) -> TestClient:
        extra = ("--person", person) if person else ()
        assert cli("user", "add", username, "--role", role, *extra).code == 0
        created = cli("token", "create", username)
        assert created.code == 0, created.err
        client = TestClient(create_app(runtime))
        client.headers["Authorization"] = f"Bearer {created.out.strip()}"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def alice(as_user) -> TestClient:
    return as_user("alice", "responder", "alice")


@pytest.fixture
def bob(as_user) -> TestClient:
    return as_user("bob", "responder", "bob")


def create(client: TestClient, **body) -> dict:
    answer = client.post("/api/v1/tasks", json={"title": "Rotate the deploy key"} | body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_responder_adds_a_task_and_a_viewer_reads_it(alice, as_user):
    made = create(
        alice,
        description="Steps in *the runbook*.",
        labels=["ci", "Security"],
        size="S",
        link="https://ci.example.org/keys",
    )
    assert made["labels"] == ["ci", "security"]
    assert (made["status"], made["owner"], made["created_by"]) == ("open", None, "user:alice")
    assert made["created_at"] == "2026-01-14T10:00:00Z"
    viewer = as_user("vera", "viewer")
    assert viewer.get(f"/api/v1/tasks/{made['id']}").json() == made
    assert [t["id"] for t in viewer.get("/api/v1/tasks", params={"label": "ci"}).json()] == [
        made["id"]
    ]


def test_a_viewer_changes_nothing(alice, as_user):
    number = create(alice)["id"]
    viewer = as_user("vera", "viewer")
    for method, path, body in (
        ("POST", "/api/v1/tasks", {"title": "x"}),
        ("PATCH", f"/api/v1/tasks/{number}", {"title": "y"}),
        ("POST", f"/api/v1/tasks/{number}/pick-up", None),
        ("POST", f"/api/v1/tasks/{number}/release", None),
        ("POST", f"/api/v1/tasks/{number}/complete", None),
        ("POST", f"/api/v1/tasks/{number}/reopen", None),
    ):
        answer = viewer.request(method, path, json=body)
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.json()["error"] == "forbidden"
    assert viewer.get(f"/api/v1/tasks/{number}").json()["title"] == "Rotate the deploy key"


def test_the_api_needs_a_token(runtime, example_team):
    with TestClient(create_app(runtime)) as anonymous:
        assert anonymous.get("/api/v1/tasks").status_code == 401
        assert anonymous.post("/api/v1/tasks", json={"title": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"title": ""}, 422, "title: say what is to be done"),
        ({"title": "x", "link": "javascript:alert(1)"}, 422, "link: only http:// and https://"),
        ({"title": "x", "link": "https://"}, 422, "link: an address needs a host"),
        ({"title": "x", "labels": ["two words"]}, 422, "labels: 'two words' is not a label"),
        ({"title": "x", "size": "XL"}, 422, "size"),
        ({"title": "x", "owner": "alice"}, 422, "owner"),
        ({"title": "a\nb"}, 422, "title: must be one line"),
        ({}, 422, "title"),
    ],
)
def test_a_bad_task_is_refused_naming_the_field(alice, body, status, message):
    answer = alice.post("/api/v1/tasks", json=body)
    assert answer.status_code == status, answer.text
    assert message in answer.json()["message"]
    assert alice.get("/api/v1/tasks").json() == []


def test_pick_up_take_over_release_and_complete(alice, bob):
    number = create(alice)["id"]
    picked = alice.post(f"/api/v1/tasks/{number}/pick-up")
    assert picked.status_code == 200 and picked.json()["owner"] == "alice"

    refused = bob.post(f"/api/v1/tasks/{number}/pick-up")
    assert refused.status_code == 409
    assert refused.json()["message"].startswith(f"task {number} is alice's: take it over")
    assert bob.post(f"/api/v1/tasks/{number}/release").status_code == 409

    taken = bob.post(f"/api/v1/tasks/{number}/pick-up", json={"take_over": True})
    assert taken.status_code == 200 and taken.json()["owner"] == "bob"

    released = bob.post(f"/api/v1/tasks/{number}/release")
    assert released.json()["owner"] is None
    done = alice.post(f"/api/v1/tasks/{number}/complete").json()
    assert (done["status"], done["owner"], done["completed_by"]) == ("done", "alice", "alice")
    assert alice.post(f"/api/v1/tasks/{number}/complete").status_code == 409
    reopened = bob.post(f"/api/v1/tasks/{number}/reopen").json()
    assert (reopened["status"], reopened["owner"], reopened["completed_at"]) == (
        "open",
        "alice",
        None,
    )
    listed = alice.get("/api/v1/tasks", params={"owner": "alice"}).json()
    assert [t["id"] for t in listed] == [number]


def test_picking_up_needs_an_account_linked_to_a_person(alice, as_user):
    number = create(alice)["id"]
    unlinked = as_user("ops", "responder")
    answer = unlinked.post(f"/api/v1/tasks/{number}/pick-up")
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("person: your account is not linked")
    # Completing needs no person: the task stays nobody's, completed by the account.
    done = unlinked.post(f"/api/v1/tasks/{number}/complete").json()
    assert (done["owner"], done["completed_by"]) == (None, "user:ops")


def test_patch_changes_only_the_fields_given(alice):
    number = create(alice, size="S", link="https://a.example/", labels=["ci"])["id"]
    changed = alice.patch(f"/api/v1/tasks/{number}", json={"title": "New", "link": None})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["title"], body["size"], body["link"], body["labels"]) == ("New", "S", None, ["ci"])
    for bad, message in (
        ({"title": None}, "title: cannot be null"),
        ({"link": "ftp://x.example/"}, "link: only http"),
        ({"colour": "red"}, "colour"),
    ):
        answer = alice.patch(f"/api/v1/tasks/{number}", json=bad)
        assert answer.status_code == 422
        assert message in answer.json()["message"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/tasks/99", 404),
        ("/api/v1/tasks/0", 422),
        ("/api/v1/tasks/abc", 422),
        ("/api/v1/tasks?status=closed", 422),
        ("/api/v1/tasks?owner=zed", 422),
        ("/api/v1/tasks?size=XL", 422),
        ("/api/v1/tasks?limit=0", 422),
    ],
)
def test_bad_reads_are_4xx_with_a_message(alice, path, status):
    answer = alice.get(path)
    assert answer.status_code == status, answer.text
    assert answer.json()["message"]


def test_the_actions_on_an_unknown_task_are_404(alice):
    for action in ("pick-up", "release", "complete", "reopen"):
        answer = alice.post(f"/api/v1/tasks/42/{action}")
        assert answer.status_code == 404
        assert answer.json()["message"] == "no task 42"
