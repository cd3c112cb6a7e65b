"""Tickets through the API (every signed-in user reads, responders change) and the CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def opened(api, example_team):
    made = api.post(
        "/api/v1/tickets",
        json={
            "subject": "Deploys fail",
            "body": "Since 09:00 every deploy fails.",
            "requester_email": "ops@acme.com",
        },
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_a_ticket_opened_through_the_api_owes_its_first_response(opened):
    assert (opened["id"], opened["status"], opened["priority"], opened["source"]) == (
        1,
        "new",
        None,
        "api",
    )
    # 14 January 2026 10:00 + 2 support days (untriaged), in the team's zone.
    assert opened["answer"] == {
        "owed": "first_response",
        "due_at": "2026-01-16T10:00:00Z",
        "paused": False,
        "breached_at": None,
    }
    assert [m["kind"] for m in opened["messages"]] == ["tenant"]


def test_triage_reply_pending_and_the_queue(api, opened):
    triaged = api.post(
        "/api/v1/tickets/1/priority", json={"priority": "P2", "reason": "one tenant down"}
    )
    assert triaged.json()["priority_changes"][0] == {
        "old": None,
        "new": "P2",
        "changed_by": "rhea",
        "reason": "one tenant down",
        "changed_at": "2026-01-14T10:00:00Z",
    }
    assert triaged.json()["answer"]["due_at"] == "2026-01-14T10:30:00Z"
    replied = api.post(
        "/api/v1/tickets/1/replies", json={"body": "Which region?", "status": "pending"}
    )
    assert replied.status_code == 201 and replied.json()["kind"] == "reply"
    note = api.post("/api/v1/tickets/1/notes", json={"body": "Probably the LB"})
    assert note.json()["kind"] == "note"
    ticket = api.get("/api/v1/tickets/1").json()
    assert ticket["status"] == "pending" and ticket["answer"]["paused"] is True
    assert [m["kind"] for m in ticket["messages"]] == ["tenant", "reply", "note"]
    assert [t["id"] for t in api.get("/api/v1/tickets", params={"status": "pending"}).json()] == [1]
    assert api.get("/api/v1/tickets", params={"status": "solved"}).json() == []
    assert api.post("/api/v1/tickets/1/assignee", json={"person": "carol"}).json()["assignee"] == (
        "carol"
    )
    assert api.get("/api/v1/tickets", params={"unassigned": True}).json() == []
    assert api.post("/api/v1/tickets/1/followers", json={"person": "dan"}).json()["followers"] == [
        "dan"
    ]
    solved = api.post("/api/v1/tickets/1/status", json={"status": "solved"})
    assert solved.json()["answer"]["owed"] is None


def test_a_viewer_reads_but_does_not_change(api, opened, token_for):
    viewer = {"Authorization": f"Bearer {token_for('vic', 'viewer')}"}
    assert api.get("/api/v1/tickets/1", headers=viewer).status_code == 200
    assert api.get("/api/v1/tickets", headers=viewer).status_code == 200
    for path, body in (
        ("/api/v1/tickets", {"subject": "x", "body": "y"}),
        ("/api/v1/tickets/1/replies", {"body": "hi"}),
        ("/api/v1/tickets/1/notes", {"body": "hi"}),
        ("/api/v1/tickets/1/priority", {"priority": "P1", "reason": "x"}),
        ("/api/v1/tickets/1/status", {"status": "solved"}),
        ("/api/v1/tickets/1/assignee", {"person": "carol"}),
        ("/api/v1/tickets/1/followers", {"person": "carol"}),
    ):
        refused = api.post(path, json=body, headers=viewer)
        assert refused.status_code == 403, path
    assert api.get("/api/v1/tickets/1").json()["status"] == "new"
    assert api.get("/api/v1/tickets", headers={"Authorization": "Bearer nope"}).status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/v1/tickets/9", None, 404, "no ticket #9"),
        ("/api/v1/tickets/1/priority", {"priority": "P2", "reason": ""}, 422, "reason: say why"),
        ("/api/v1/tickets/1/replies", {"body": "  "}, 422, "body: write something"),
        ("/api/v1/tickets/1/assignee", {"person": "zed"}, 404, "no person 'zed' in the team"),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(api, opened, path, body, status, message):
    answer = api.post(path, json=body) if body is not None else api.get(path)
    assert answer.status_code == status
    assert answer.json()["message"].startswith(message)


def test_the_cli_opens_answers_and_lists(cli, example_team):
    opened = cli("ticket", "open", "Deploys fail", "--body", "Help", "--from", "ops@acme.com")
    assert opened.out.strip() == "Opened ticket #1."
    assert cli("ticket", "priority", "1", "P3", "--reason", "one job").code == 0
    assert cli("ticket", "reply", "1", "On it", "--as", "carol").code == 0
    assert cli("ticket", "note", "1", "LB?", "--as", "carol").code == 0
    assert cli("ticket", "assign", "1", "carol").code == 0
    assert cli("ticket", "follow", "1", "dan").out.strip() == "dan follows ticket #1."
    [listed] = json.loads(cli("ticket", "list", "--json").out)
    assert (listed["priority"], listed["status"], listed["assignee"]) == ("P3", "open", "carol")
    shown = cli("ticket", "show", "1").out
    assert "#1 Deploys fail" in shown and "— note from carol" in shown
    assert cli("ticket", "status", "1", "solved").code == 0
    assert json.loads(cli("ticket", "list", "--json").out) == []
    refused = cli("ticket", "priority", "1", "P7", "--reason", "x")
    assert (refused.code, refused.err.strip()) == (
        2,
        "dutydesk: error: priority: must be one of P1, P2, P3, P4",
    )
    missing = cli("ticket", "show", "5")
    assert (missing.code, missing.err.strip()) == (2, "dutydesk: error: no ticket #5")


def test_a_number_larger_than_any_ticket_is_not_found_not_a_crash(api, cli, example_team):
    assert api.get("/api/v1/tickets/99999999999999999999").status_code == 422
    assert api.get("/api/v1/tickets/2147483648").status_code == 422
    huge = cli("ticket", "show", "99999999999999999999")
    assert (huge.code, huge.err.strip()) == (2, "dutydesk: error: no ticket #99999999999999999999")


def test_a_requester_address_typed_in_is_checked(api, example_team):
    refused = api.post(
        "/api/v1/tickets", json={"subject": "x", "body": "y", "requester_email": "not mail"}
    )
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("requester_email: 'not mail' is not an e-mail")
