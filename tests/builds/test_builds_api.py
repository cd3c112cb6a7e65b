"""The builds API: the red builds for anyone signed in, claiming for responders (a viewer may
not), the report as JSON and as CSV whose cells a spreadsheet never runs."""

from __future__ import annotations

import csv
import io
from datetime import timedelta


def test_anyone_signed_in_reads_the_red_builds(team, record, api, token_for):
    record("failed", build="1")
    api.headers["Authorization"] = f"Bearer {token_for('vera', 'viewer')}"
    [red] = api.get("/api/v1/builds/red").json()
    assert (red["id"], red["job"], red["claimed_by"], red["told"]) == (1, "deploy", None, "bob")
    assert red["started_at"] == "2026-01-14T10:00:00Z"
    assert api.get("/api/v1/builds/red/1").json()["failures"] == 1
    assert api.get("/api/v1/builds/red/2").status_code == 404
    [result] = api.get("/api/v1/builds/results").json()
    assert (result["status"], result["on_main"]) == ("failed", True)


def test_a_viewer_cannot_claim(team, record, api, token_for, spells):
    record("failed", build="1")
    api.headers["Authorization"] = f"Bearer {token_for('vera', 'viewer')}"
    answer = api.post("/api/v1/builds/red/1/claim", json={"person": "alice"})
    assert answer.status_code == 403
    assert spells()[0].claimed_by is None


def test_a_responder_claims_for_someone(team, record, api):
    record("failed", build="1")
    answer = api.post("/api/v1/builds/red/1/claim", json={"person": "alice"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["claimed_by"], answer.json()["task"]) == ("alice", 1)
    clash = api.post("/api/v1/builds/red/1/claim", json={"person": "bob"})
    assert (clash.status_code, clash.json()["error"]) == (409, "conflict")


def test_a_claim_without_a_person_needs_a_token_of_one(team, record, api):
    record("failed", build="1")
    answer = api.post("/api/v1/builds/red/1/claim", json={})
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("person:")
    unknown = api.post("/api/v1/builds/red/1/claim", json={"person": "zoe"})
    assert unknown.status_code == 422


def test_the_report_as_json(team, record, api, clock):
    record("failed", build="1")
    clock.advance(timedelta(hours=1))
    record("failed", build="2", job="smoke-tests")
    report = api.get("/api/v1/builds/report", params={"weeks": 2}).json()
    assert report["start"] == "2026-01-05T00:00:00Z"
    assert report["end"] == "2026-01-19T00:00:00Z"
    # deploy has been red for an hour, smoke-tests for none yet.
    assert [(r["job"], r["failures"], r["red_seconds"]) for r in report["ranking"]] == [
        ("deploy", 1, 3600.0),
        ("smoke-tests", 1, 0.0),
    ]
    assert [w["week"] for w in report["weeks"]] == ["2026-01-12", "2026-01-12"]


def test_the_csv_escapes_cells_a_spreadsheet_would_run(team, record, api):
    record("failed", build="1", pipeline='=HYPERLINK("http://evil")', job="@SUM(A1)")
    for path in ("/api/v1/builds/report.csv", "/api/v1/builds/report?format=csv"):
        answer = api.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        [_, row] = list(csv.reader(io.StringIO(answer.text)))
        assert row[2:4] == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)"]


def test_bad_report_parameters_are_refused(team, api):
    assert api.get("/api/v1/builds/report", params={"weeks": 0}).status_code == 422
    answer = api.get("/api/v1/builds/report", params={"format": "xlsx"})
    assert (answer.status_code, answer.json()["error"]) == (422, "invalid")


def test_the_report_needs_a_token(team, hooks):
    assert hooks.get("/api/v1/builds/report.csv").status_code == 401
