"""The read API: people, rotas, who is on call and shifts; the same answers as the CLI."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def team_api(api, example_team):
    """The API client (a responder) with the example team applied."""
    return api


def test_people_are_listed_in_the_team_file_order(team_api):
    answer = team_api.get("/api/v1/people")
    assert answer.status_code == 200
    people = answer.json()
    assert [p["id"] for p in people] == ["alice", "bob", "carol", "dan", "erin"]
    assert people[0] == {
        "id": "alice",
        "name": "Alice Archer",
        "email": "alice@example.org",
        "slack": "U01ALICE",
        "phone": None,
        "notify": [],
    }


def test_one_person(team_api):
    answer = team_api.get("/api/v1/people/bob")
    assert answer.status_code == 200
    assert answer.json() == {
        "id": "bob",
        "name": "Bob Brown",
        "email": "bob@example.org",
        "slack": None,
        "phone": None,
        "notify": [],
    }


def test_rotas_are_listed_with_their_layers(team_api):
    answer = team_api.get("/api/v1/rotas")
    assert answer.status_code == 200
    assert [r["id"] for r in answer.json()] == ["engineering", "comms", "escalation"]


def test_one_rota(team_api):
    answer = team_api.get("/api/v1/rotas/engineering")
    assert answer.status_code == 200
    assert answer.json() == {
        "id": "engineering",
        "name": "In hours engineering support",
        "hours": ["Mon-Fri 09:30-17:30"],
        "skip_holidays": True,
        "layers": [
            {
                "members": ["alice", "bob", "carol"],
                "shift": "1w",
                "handoff": "Mon 09:30",
                "start": "2026-01-05",
                "end": None,
                "hours": [],
            }
        ],
        "external": None,
    }


def test_who_is_on_call_now_on_every_rota(team_api):
    answer = team_api.get("/api/v1/oncall")
    assert answer.status_code == 200
    assert [(r["rota"], r["person"], r["source"]) for r in answer.json()] == [
        ("engineering", "bob", "layer"),
        ("comms", "erin", "layer"),
        ("escalation", "carol", "layer"),
    ]


def test_who_is_on_call_on_chosen_rotas_at_a_summer_time(team_api):
    answer = team_api.get(
        "/api/v1/oncall", params=[("at", "2026-06-10T12:00"), ("rota", "escalation")]
    )
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "rota": "escalation",
            "person": "bob",
            "from": "2026-06-10T10:00:00+01:00",
            "until": "2026-06-17T10:00:00+01:00",
            "source": "layer",
        }
    ]


def test_who_is_on_one_rota_on_a_bank_holiday(team_api):
    answer = team_api.get("/api/v1/rotas/engineering/oncall", params={"at": "2026-05-25T12:00"})
    assert answer.status_code == 200
    assert answer.json() == {
        "rota": "engineering",
        "person": None,
        "from": "2026-05-22T17:30:00+01:00",
        "until": "2026-05-26T09:30:00+01:00",
        "source": None,
    }


def test_an_offset_in_the_query_is_honoured(team_api):
    # "+" must be escaped in a query string; httpx does that for params.
    answer = team_api.get(
        "/api/v1/rotas/escalation/oncall", params={"at": "2026-06-10T10:00+01:00"}
    )
    assert answer.json()["person"] == "bob"
    answer = team_api.get("/api/v1/rotas/escalation/oncall", params={"at": "2026-06-10T08:59Z"})
    assert answer.json()["person"] == "carol"


def test_shifts_between_two_times(team_api):
    answer = team_api.get(
        "/api/v1/rotas/engineering/shifts", params={"from": "2026-04-02", "to": "2026-04-08"}
    )
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "person": "alice",
            "from": "2026-04-02T09:30:00+01:00",
            "until": "2026-04-02T17:30:00+01:00",
            "source": "layer",
        },
        {
            "person": "bob",
            "from": "2026-04-07T09:30:00+01:00",
            "until": "2026-04-07T17:30:00+01:00",
            "source": "layer",
        },
    ]


WHO_INSTANTS = [
    "2026-01-14T10:00",
    "2026-01-17T12:00",
    "2026-03-29T01:30Z",  # the hour the clocks go forward, as an instant
    "2026-05-25T12:00",
    "2026-06-10T09:00Z",
    "2026-10-25T01:30",  # the repeated hour when the clocks go back
    "2026-12-25T10:00",
]


def test_the_api_and_the_cli_refuse_a_skipped_local_time_alike(team_api, cli):
    skipped = "2026-03-29T01:30"  # 01:00-02:00 never happens in Europe/London that day
    from_cli = cli("who", "--at", skipped, "--json")
    from_api = team_api.get("/api/v1/oncall", params={"at": skipped})
    assert from_cli.code == 2
    assert from_api.status_code == 422
    assert (
        from_cli.err.strip()
        == f"dutydesk: error: {from_api.json()['message'].replace('at:', '--at:', 1)}"
    )


@pytest.mark.parametrize("at", WHO_INSTANTS)
def test_the_api_and_the_cli_give_the_same_who_answer(team_api, cli, at):
    from_cli = cli("who", "--at", at, "--json")
    assert from_cli.code == 0, from_cli.err
    from_api = team_api.get("/api/v1/oncall", params={"at": at})
    assert from_api.status_code == 200
    assert from_api.json() == json.loads(from_cli.out)
    one = team_api.get("/api/v1/rotas/comms/oncall", params={"at": at}).json()
    assert one == next(r for r in json.loads(from_cli.out) if r["rota"] == "comms")


@pytest.mark.parametrize(
    ("rota", "start", "end"),
    [
        ("engineering", "2026-01-01", "2026-02-01"),
        ("engineering", "2026-03-23T12:00", "2026-04-08T12:00"),
        ("escalation", "2026-03-20", "2026-04-10"),
        ("escalation", "2026-10-20T00:00Z", "2026-11-01T00:00Z"),
        ("comms", "2026-12-20", "2027-01-05"),
    ],
)
def test_the_api_and_the_cli_give_the_same_schedule(team_api, cli, rota, start, end):
    from_cli = cli("schedule", rota, "--from", start, "--to", end, "--json")
    assert from_cli.code == 0, from_cli.err
    from_api = team_api.get(f"/api/v1/rotas/{rota}/shifts", params={"from": start, "to": end})
    assert from_api.status_code == 200
    assert from_api.json() == json.loads(from_cli.out)
    assert from_api.json(), "the window should not be empty"


def test_an_override_made_through_the_api_matches_the_cli_schedule(team_api, cli):
    made = team_api.post(
        "/api/v1/rotas/escalation/overrides",
        json={"person": "alice", "from": "2026-01-20T18:00", "until": "2026-01-21T10:00"},
    )
    assert made.status_code == 201, made.text
    window = {"from": "2026-01-19", "to": "2026-01-23"}
    from_api = team_api.get("/api/v1/rotas/escalation/shifts", params=window).json()
    from_cli = cli(
        "schedule", "escalation", "--from", window["from"], "--to", window["to"], "--json"
    )
    assert from_api == json.loads(from_cli.out)
    assert [(s["person"], s["source"]) for s in from_api] == [
        ("carol", "layer"),
        ("alice", "override"),
        ("bob", "layer"),
    ]


def test_the_openapi_document_lists_every_route(team_api):
    answer = team_api.get("/openapi.json")
    assert answer.status_code == 200
    paths = answer.json()["paths"]
    for path in [
        "/api/v1/people",
        "/api/v1/people/{person}",
        "/api/v1/people/{person}/feed",
        "/api/v1/rotas",
        "/api/v1/rotas/{rota}",
        "/api/v1/rotas/{rota}/feed",
        "/api/v1/oncall",
        "/api/v1/rotas/{rota}/oncall",
        "/api/v1/rotas/{rota}/shifts",
        "/api/v1/rotas/{rota}/overrides",
        "/api/v1/rotas/{rota}/overrides/{override_id}",
        "/ical/rotas/{rota}/{token}.ics",
        "/ical/people/{person}/{token}.ics",
    ]:
        assert path in paths
