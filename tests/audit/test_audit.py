"""The audit log: team changes, overrides and swaps are recorded (who, what, when) and listed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from dutydesk.terminal import cli_actor

AUDIT = "/api/v1/audit"
EXAMPLE_TEAM = Path(__file__).parents[2] / "examples" / "team.yaml"
DENTIST = {"person": "alice", "from": "2026-01-15T12:00", "until": "2026-01-15T15:00"}


@pytest.fixture
def audit_json(cli):
    """`dutydesk audit ARGS… --json`, parsed."""

    def run(*args: str) -> list[dict[str, object]]:
        result = cli("audit", *args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


def test_applying_the_team_records_each_change(audit_json, example_team):
    entries = audit_json()
    assert {e["actor"] for e in entries} == {"cli"}
    assert sorted(e["summary"] for e in entries) == sorted(
        ["create team paas"]
        + [f"create person {p}" for p in ("alice", "bob", "carol", "dan", "erin")]
        + [f"create rota {r}" for r in ("engineering", "comms", "escalation")]
        + [f"create policy {p}" for p in ("in-hours", "24x7")]
        + [f"create service {s}" for s in ("platform-api", "status-checks")]
        + ["create support settings", "create incidents settings", "create status_page settings"]
        + ["create handover settings"]
    )
    rota = audit_json("--rota", "engineering")
    assert [(e["action"], e["rota"], e["at"]) for e in rota] == [
        ("rota.create", "engineering", "2026-01-14T10:00:00Z")
    ]
    person = audit_json("--person", "dan")
    assert [(e["action"], e["people"], e["details"]) for e in person] == [
        ("person.create", ["dan"], {"kind": "person", "id": "dan", "fields": []})
    ]


def test_an_override_added_and_removed_on_the_command_line(cli, audit_json, example_team, clock):
    added = cli(
        "override",
        "add",
        "engineering",
        "-p",
        "alice",
        "--from",
        "2026-01-15T12:00",
        "--until",
        "2026-01-15T15:00",
        "--note",
        "dentist",
    )
    assert added.code == 0, added.err
    clock.advance(timedelta(minutes=5))
    assert cli("override", "remove", "engineering", "1").code == 0
    newest = audit_json("--limit", "2")
    details = {
        "override": 1,
        "person": "alice",
        "from": "2026-01-15T12:00:00+00:00",
        "until": "2026-01-15T15:00:00+00:00",
        "note": "dentist",
    }
    assert newest == [
        {
            "id": newest[0]["id"],
            "at": "2026-01-14T10:05:00Z",
            "actor": cli_actor(),
            "action": "override.remove",
            "rota": "engineering",
            "people": ["alice"],
            "summary": "override 1 removed: alice on engineering"
            " from 2026-01-15T12:00:00+00:00 until 2026-01-15T15:00:00+00:00",
            "details": details,
        },
        {
            "id": newest[1]["id"],
            "at": "2026-01-14T10:00:00Z",
            "actor": cli_actor(),
            "action": "override.add",
            "rota": "engineering",
            "people": ["alice"],
            "summary": "override 1: alice on engineering"
            " from 2026-01-15T12:00:00+00:00 until 2026-01-15T15:00:00+00:00",
            "details": details,
        },
    ]


def test_api_changes_name_the_user(api, example_team):
    made = api.post("/api/v1/rotas/engineering/overrides", json=DENTIST).json()
    assert api.delete(f"/api/v1/rotas/engineering/overrides/{made['id']}").status_code == 204
    entries = api.get(AUDIT, params={"rota": "engineering", "limit": 2}).json()
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("user:rhea", "override.remove"),
        ("user:rhea", "override.add"),
    ]


def test_swaps_are_recorded_from_request_to_answer(cli, audit_json, example_team):
    cli(
        "swap",
        "request",
        "engineering",
        "--as",
        "bob",
        "--from",
        "2026-01-15T12:00",
        "--until",
        "2026-01-15T15:00",
    )
    cli("swap", "decline", "1", "--as", "alice")
    cli("swap", "take", "1", "--as", "carol")
    entries = audit_json("--person", "bob")
    assert [(e["action"], e["people"], e["summary"]) for e in entries] == [
        ("swap.take", ["bob", "carol"], "carol took swap 1 from bob"),
        ("swap.decline", ["alice", "bob"], "alice declined swap 1"),
        (
            "swap.request",
            ["alice", "bob", "carol"],
            "bob asks for cover on engineering, offered to alice, carol",
        ),
        ("person.create", ["bob"], "create person bob"),
    ]
    taken = entries[0]["details"]
    assert (
        taken["swap"],
        taken["status"],
        taken["kind"],
        taken["taker"],
        len(taken["overrides"]),
    ) == (
        1,
        "accepted",
        "take",
        "carol",
        1,
    )


def test_a_refused_change_leaves_no_entry(cli, audit_json, example_team):
    before = audit_json()
    assert (
        cli(
            "override",
            "add",
            "engineering",
            "-p",
            "zed",
            "--from",
            "2026-01-15T12:00",
            "--until",
            "2026-01-15T15:00",
        ).code
        == 2
    )
    assert (
        cli(
            "swap",
            "request",
            "engineering",
            "--as",
            "alice",
            "--from",
            "2026-01-15T12:00",
            "--until",
            "2026-01-15T15:00",
        ).code
        == 2
    )
    assert audit_json() == before


def test_a_second_apply_with_no_changes_records_nothing(cli, audit_json, example_team):
    before = audit_json()
    assert cli("apply", str(EXAMPLE_TEAM)).code == 0
    assert audit_json() == before


def test_since_and_until_pick_a_stretch_of_time(cli, audit_json, example_team, clock):
    clock.advance(timedelta(hours=1))
    cli(
        "override",
        "add",
        "engineering",
        "-p",
        "carol",
        "--from",
        "2026-01-15T12:00",
        "--until",
        "2026-01-15T13:00",
    )
    assert [e["action"] for e in audit_json("--since", "2026-01-14T10:30")] == ["override.add"]
    # Applying the example team: the team, 5 people, 3 rotas, 2 policies, 2 services and
    # the support, incidents, status page and handover settings.
    assert len(audit_json("--until", "2026-01-14T10:30")) == 17
    assert audit_json("--since", "2026-01-14T10:30", "--rota", "comms") == []


def test_the_table_lists_entries(cli, example_team):
    shown = cli("audit", "--limit", "3")
    assert shown.code == 0, shown.err
    assert "Audit log (Europe/London)" in shown.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--limit", "0"), "limit: must be between 1 and 1000"),
        (
            ("--since", "yesterday"),
            "--since: 'yesterday' is not a time; use ISO 8601 like 2026-03-29T09:30 (team local time) or 2026-03-29T08:30Z",
        ),
        (
            ("--since", "2026-01-15", "--until", "2026-01-14"),
            "'since' (2026-01-15T00:00:00+00:00) must be before 'until' (2026-01-14T00:00:00+00:00)",
        ),
    ],
)
def test_bad_filters_are_one_line_errors(cli, example_team, args, message):
    result = cli("audit", *args)
    assert (result.code, result.err.strip()) == (2, f"dutydesk: error: {message}")


def test_any_signed_in_user_may_read_the_log_through_the_api(api, cli, example_team, token_for):
    viewer = token_for("vera", "viewer")
    answer = api.get(
        AUDIT, params={"person": "erin"}, headers={"Authorization": f"Bearer {viewer}"}
    )
    assert answer.status_code == 200
    assert [e["summary"] for e in answer.json()] == ["create person erin"]
    assert api.get(AUDIT, headers={"Authorization": ""}).status_code == 401


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 0}, "limit: Input should be greater than or equal to 1"),
        (
            {"since": "later"},
            "since: 'later' is not a time; use ISO 8601 like 2026-03-29T09:30 (team local time) or 2026-03-29T08:30Z",
        ),
    ],
)
def test_bad_api_filters_are_422(api, example_team, params, message):
    answer = api.get(AUDIT, params=params)
    assert (answer.status_code, answer.json()["message"]) == (422, message)
