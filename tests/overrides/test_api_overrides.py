"""Overrides through the API: create, list, read, delete, and their effect on who is on call."""

from __future__ import annotations

from datetime import timedelta

import pytest

OVERRIDES = "/api/v1/rotas/engineering/overrides"
DENTIST = {
    "person": "alice",
    "from": "2026-01-15T12:00",
    "until": "2026-01-15T15:00",
    "note": "bob at the dentist",
}


@pytest.fixture
def team_api(api, example_team):
    """The API client (a responder) with the example team applied."""
    return api


def test_an_override_is_created_and_read_back(team_api):
    made = team_api.post(OVERRIDES, json=DENTIST)
    assert made.status_code == 201, made.text
    created = made.json()
    assert created == {
        "id": created["id"],
        "rota": "engineering",
        "person": "alice",
        "from": "2026-01-15T12:00:00Z",
        "until": "2026-01-15T15:00:00Z",
        "note": "bob at the dentist",
        "created_at": "2026-01-14T10:00:00Z",
        "created_by": "user:rhea",
    }
    assert team_api.get(f"{OVERRIDES}/{created['id']}").json() == created
    assert team_api.get(OVERRIDES).json() == [created]


def test_summer_times_come_back_with_the_summer_offset(team_api):
    made = team_api.post(
        OVERRIDES, json={"person": "carol", "from": "2026-07-01T09:30", "until": "2026-07-01T12:00"}
    )
    assert made.status_code == 201, made.text
    assert made.json()["from"] == "2026-07-01T09:30:00+01:00"
    assert made.json()["note"] is None


def test_an_override_wins_in_who_and_in_the_shifts(team_api):
    team_api.post(OVERRIDES, json=DENTIST)
    who = team_api.get("/api/v1/rotas/engineering/oncall", params={"at": "2026-01-15T13:00"})
    assert who.json() == {
        "rota": "engineering",
        "person": "alice",
        "from": "2026-01-15T12:00:00Z",
        "until": "2026-01-15T15:00:00Z",
        "source": "override",
    }
    everyone = team_api.get("/api/v1/oncall", params={"at": "2026-01-15T13:00"}).json()
    assert everyone[0]["source"] == "override"
    shifts = team_api.get(
        "/api/v1/rotas/engineering/shifts", params={"from": "2026-01-15", "to": "2026-01-16"}
    )
    assert [(s["person"], s["from"], s["until"], s["source"]) for s in shifts.json()] == [
        ("bob", "2026-01-15T09:30:00Z", "2026-01-15T12:00:00Z", "layer"),
        ("alice", "2026-01-15T12:00:00Z", "2026-01-15T15:00:00Z", "override"),
        ("bob", "2026-01-15T15:00:00Z", "2026-01-15T17:30:00Z", "layer"),
    ]


def test_an_override_outside_covered_hours_puts_someone_on_call(team_api):
    made = team_api.post(
        OVERRIDES, json={"person": "dan", "from": "2026-01-17T10:00", "until": "2026-01-17T14:00"}
    )
    assert made.status_code == 201
    who = team_api.get("/api/v1/rotas/engineering/oncall", params={"at": "2026-01-17T12:00"})
    assert (who.json()["person"], who.json()["source"]) == ("dan", "override")


def test_the_later_of_two_overlapping_overrides_wins(team_api):
    team_api.post(OVERRIDES, json=DENTIST)
    team_api.post(
        OVERRIDES, json={"person": "carol", "from": "2026-01-15T13:00", "until": "2026-01-15T14:00"}
    )
    shifts = team_api.get(
        "/api/v1/rotas/engineering/shifts",
        params={"from": "2026-01-15T12:00", "to": "2026-01-15T15:00"},
    )
    assert [(s["person"], s["from"], s["until"]) for s in shifts.json()] == [
        ("alice", "2026-01-15T12:00:00Z", "2026-01-15T13:00:00Z"),
        ("carol", "2026-01-15T13:00:00Z", "2026-01-15T14:00:00Z"),
        ("alice", "2026-01-15T14:00:00Z", "2026-01-15T15:00:00Z"),
    ]


def test_deleting_an_override_restores_the_layer(team_api):
    override_id = team_api.post(OVERRIDES, json=DENTIST).json()["id"]
    removed = team_api.delete(f"{OVERRIDES}/{override_id}")
    assert removed.status_code == 204
    assert removed.content == b""
    assert team_api.get(OVERRIDES).json() == []
    gone = team_api.get(f"{OVERRIDES}/{override_id}")
    assert gone.status_code == 404
    assert gone.json()["error"] == "not_found"
    assert team_api.delete(f"{OVERRIDES}/{override_id}").status_code == 404
    who = team_api.get("/api/v1/rotas/engineering/oncall", params={"at": "2026-01-15T13:00"})
    assert (who.json()["person"], who.json()["source"]) == ("bob", "layer")


def test_an_override_belongs_to_its_rota(team_api):
    override_id = team_api.post(OVERRIDES, json=DENTIST).json()["id"]
    elsewhere = f"/api/v1/rotas/comms/overrides/{override_id}"
    assert team_api.get(elsewhere).status_code == 404
    assert team_api.delete(elsewhere).status_code == 404
    assert team_api.get("/api/v1/rotas/comms/overrides").json() == []
    assert len(team_api.get(OVERRIDES).json()) == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/rotas/nope/overrides"),
        ("GET", "/api/v1/rotas/nope/overrides"),
        ("GET", "/api/v1/rotas/nope/overrides/1"),
        ("DELETE", "/api/v1/rotas/nope/overrides/1"),
    ],
)
def test_an_unknown_rota_is_named_with_the_rotas_that_exist_as_the_rota_routes_do(
    team_api, method, path
):
    """Overrides check the rota on its table, not through rotas: the answer is the same."""
    body = DENTIST if method == "POST" else None
    answer = team_api.request(method, path, json=body)
    assert answer.status_code == 404
    expected = "no rota 'nope' (rotas: engineering, comms, escalation)"
    assert answer.json()["message"] == expected
    assert team_api.get("/api/v1/rotas/nope").json()["message"] == expected


def test_the_list_can_be_limited_to_a_window_and_is_ordered_by_start(team_api):
    later = {"person": "carol", "from": "2026-02-02T09:30", "until": "2026-02-02T12:00"}
    team_api.post(OVERRIDES, json=later)
    team_api.post(OVERRIDES, json=DENTIST)
    every = team_api.get(OVERRIDES).json()
    assert [o["person"] for o in every] == ["alice", "carol"]
    february = team_api.get(OVERRIDES, params={"from": "2026-02-01", "to": "2026-03-01"}).json()
    assert [o["person"] for o in february] == ["carol"]


def test_an_override_that_has_started_may_still_be_made_if_it_has_not_ended(team_api):
    made = team_api.post(
        OVERRIDES, json={"person": "carol", "from": "2026-01-14T09:30", "until": "2026-01-14T12:00"}
    )
    assert made.status_code == 201, made.text
    who = team_api.get("/api/v1/rotas/engineering/oncall")
    assert (who.json()["person"], who.json()["source"]) == ("carol", "override")


def test_an_override_that_has_ended_stays_listed_but_no_longer_counts_for_now(team_api, clock):
    team_api.post(OVERRIDES, json=DENTIST)
    clock.advance(timedelta(days=2))  # Friday 2026-01-16 10:00Z
    assert len(team_api.get(OVERRIDES).json()) == 1
    now = team_api.get("/api/v1/rotas/engineering/oncall").json()
    assert (now["person"], now["source"]) == ("bob", "layer")
