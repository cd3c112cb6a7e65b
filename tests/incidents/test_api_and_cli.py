"""Incidents through the API (every signed-in user reads, responders change) and the CLI
(bad input is one line and exit 2, and changes nothing)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app


@pytest.fixture
def declared(api, example_team):
    made = api.post(
        "/api/v1/incidents", json={"title": "Deploys fail for every tenant", "priority": "P2"}
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_an_incident_declared_through_the_api_has_its_roles_document_and_reminders(declared):
    assert (declared["id"], declared["status"], declared["source"], declared["declared_by"]) == (
        1,
        "active",
        "api",
        "rhea",
    )
    # 14 January 2026 10:00: bob on support, erin on comms, carol on escalation from 10:00.
    current = {r["role"]: r["person"] for r in declared["roles"] if r["ended_at"] is None}
    assert current == {"lead": "bob", "comms": "erin", "escalation": "carol"}
    assert declared["document"].startswith("# Deploys fail for every tenant\n")
    assert "<h2>Summary</h2>" in declared["document_html"]
    assert declared["reminders"]["update"] == "2026-01-14T12:00:00Z"
    assert declared["reminders"]["check"] == "2026-01-14T10:30:00Z"
    assert declared["url"] == "http://dutydesk.test/incidents/1"


def test_text_with_nul_characters_is_kept_without_them(api, declared):
    entry = api.post("/api/v1/incidents/1/timeline", json={"text": "Rolled\x00 back"})
    assert entry.status_code == 201 and entry.json()["text"] == "Rolled back"
    saved = api.put("/api/v1/incidents/1/document", json={"text": "# A\x00B", "base_version": 1})
    assert saved.json()["text"] == "# AB"
    assert api.post("/api/v1/incidents/1/updates", json={"text": "On\x00 it"}).status_code == 201


def test_the_timeline_document_status_and_links_through_the_api(api, declared):
    entry = api.post(
        "/api/v1/incidents/1/timeline",
        json={"text": "LB health checks failing", "occurred_at": "2026-01-14T09:50"},
    )
    assert entry.status_code == 201 and entry.json()["occurred_at"] == "2026-01-14T09:50:00Z"
    changed = api.patch(
        f"/api/v1/incidents/1/timeline/{entry.json()['id']}",
        json={"text": "LB health checks failing in eu-west", "pinned": True},
    )
    assert changed.json()["pinned"] is True and changed.json()["edited_at"] is not None
    saved = api.put(
        "/api/v1/incidents/1/document", json={"text": "# Deploys\n\nAll good.", "base_version": 1}
    )
    assert saved.json()["version"] == 2
    stale = api.put("/api/v1/incidents/1/document", json={"text": "# Mine", "base_version": 1})
    assert stale.status_code == 409 and "saved version 2" in stale.json()["message"]
    assert (
        api.post("/api/v1/incidents/1/updates", json={"text": "Investigating"}).status_code == 201
    )
    assert (
        api.post("/api/v1/incidents/1/checks", json={"all_ok": False, "note": "tired"}).status_code
        == 201
    )
    assert api.put("/api/v1/incidents/1/roles/comms", json={"person": "dan"}).status_code == 200
    assert (
        api.post("/api/v1/incidents/1/priority", json={"priority": "P1"}).json()["priority"] == "P1"
    )
    assert (
        api.post("/api/v1/incidents/1/status", json={"status": "mitigated"}).json()["status"]
        == "mitigated"
    )
    detail = api.get("/api/v1/incidents/1").json()
    assert detail["timeline"][0]["text"] == "LB health checks failing in eu-west"
    kinds = [e["kind"] for e in detail["timeline"]]
    assert {"note", "declared", "role", "update", "check", "priority", "status"} <= set(kinds)
    assert [i["id"] for i in api.get("/api/v1/incidents").json()] == [1]
    assert api.get("/api/v1/incidents", params={"status": "resolved"}).json() == []


def test_exports_are_in_time_order_in_each_format(api, declared):
    api.post(
        "/api/v1/incidents/1/timeline",
        json={"text": "first | sign", "occurred_at": "2026-01-14T09:00"},
    )
    api.post("/api/v1/incidents/1/timeline", json={"text": '=HYPERLINK("x")'})
    as_json = api.get("/api/v1/incidents/1/export", params={"format": "json"})
    timeline = as_json.json()["timeline"]
    assert [e["occurred_at"] for e in timeline] == sorted(e["occurred_at"] for e in timeline)
    assert timeline[0]["text"] == "first | sign"
    as_csv = api.get("/api/v1/incidents/1/export", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows[0]["occurred_at_utc"] == "2026-01-14T09:00:00Z"
    assert rows[-1]["text"] == '\'=HYPERLINK("x")'  # never a formula in a spreadsheet
    markdown = api.get("/api/v1/incidents/1/export").text
    assert (
        "| 2026-01-14T09:00:00Z | Wed 14 Jan 2026 09:00 | note | rhea | first \\| sign |"
        in markdown
    )
    assert api.get("/api/v1/incidents/1/export", params={"format": "pdf"}).status_code == 422


def test_a_viewer_reads_and_may_not_change_anything(runtime, api, declared, token_for):
    token = token_for("vera", "viewer")
    with TestClient(create_app(runtime)) as viewer:
        viewer.headers["Authorization"] = f"Bearer {token}"
        assert viewer.get("/api/v1/incidents/1").status_code == 200
        assert viewer.get("/api/v1/incidents/1/document").status_code == 200
        for method, url, body in (
            ("post", "/api/v1/incidents", {"title": "x", "priority": "P1"}),
            ("post", "/api/v1/incidents/1/timeline", {"text": "x"}),
            ("put", "/api/v1/incidents/1/document", {"text": "x", "base_version": 1}),
            ("post", "/api/v1/incidents/1/status", {"status": "resolved"}),
            ("post", "/api/v1/incidents/1/participants", {"person": "dan"}),
            ("post", "/api/v1/incidents/1/escalate", None),
        ):
            answer = getattr(viewer, method)(url, json=body)
            assert answer.status_code == 403, (url, answer.text)
    assert api.get("/api/v1/incidents/1").json()["document_version"] == 1


def test_bad_input_is_a_4xx_with_a_message_and_changes_nothing(api, example_team):
    for body, message in (
        ({"title": "", "priority": "P1"}, "title: say in a few words"),
        ({"title": "x", "priority": "P1", "lead": "zed"}, "lead: there is no person 'zed'"),
        ({"title": "x", "priority": "P1", "alerts": [999]}, "no alert 999"),
    ):
        answer = api.post("/api/v1/incidents", json=body)
        assert 400 <= answer.status_code < 500 and message in answer.json()["message"], answer.text
    assert api.post("/api/v1/incidents", json={"title": "x", "priority": "P9"}).status_code == 422
    for body in (
        {"title": "x\x00y", "priority": "P1"},
        {"title": "x", "priority": "P1", "lead": "bob\x00"},
    ):
        assert api.post("/api/v1/incidents", json=body).status_code == 422, body
    assert api.get("/api/v1/incidents").json() == []
    assert api.get("/api/v1/incidents/99").status_code == 404
    assert api.get("/api/v1/incidents/99999999999").status_code == 422


def test_the_cli_declares_writes_and_exports_and_refuses_bad_input_in_one_line(cli, example_team):
    declared = cli("incident", "declare", "Router flapping", "--priority", "P1", "--as", "alice")
    assert declared.code == 0, declared.err
    assert "Comms lead: Erin Evans (comms rota (comms))" in declared.out
    assert (
        cli("incident", "note", "1", "Swapped the line card", "--at", "2026-01-14T09:58").code == 0
    )
    assert cli("incident", "update", "1", "Investigating").code == 0
    assert cli("incident", "check", "1", "ok").code == 0
    assert cli("incident", "role", "1", "lead", "carol").code == 0
    assert cli("incident", "escalate", "1").code == 0
    assert cli("incident", "status", "1", "resolved").code == 0
    exported = json.loads(cli("incident", "export", "1", "--format", "json").out)
    assert exported["timeline"][0]["text"] == "Swapped the line card"
    shown = json.loads(cli("incident", "show", "1", "--json").out)
    assert shown["status"] == "resolved" and shown["review_due_at"] == "2026-01-28T10:00:00Z"
    for args, message in (
        (
            ("incident", "status", "1", "reviewed"),
            "status: an incident is reviewed by holding its review",
        ),
        (("incident", "declare", "x", "--priority", "P7"), "priority: one of P1, P2, P3, P4"),
        (("incident", "check", "1", "maybe"), "answer: ok, or help"),
        (("incident", "export", "1", "--format", "doc"), "--format: one of markdown, csv, json"),
        (("incident", "show", "7"), "no incident 7"),
    ):
        refused = cli(*args)
        assert refused.code == 2, (args, refused)
        assert refused.err.count("\n") == 1 and message in refused.err, refused.err
    assert len(json.loads(cli("incident", "list", "--status", "resolved", "--json").out)) == 1
