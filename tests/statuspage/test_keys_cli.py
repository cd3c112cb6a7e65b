"""`dutydesk statuspage`: management API keys (made, listed, revoked), components' states and
the status page's incidents, for people and with --json for scripts; bad input is one line
and exit code 2."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.auth.service import token_digest
from dutydesk.db import unit_of_work
from dutydesk.errors import Unauthorized
from dutydesk.statuspage import keys, publishing, snapshot
from dutydesk.statuspage.models import StatusApiKey
from dutydesk.statuspage.publishing import UpdateDraft


@pytest.fixture
def users(cli, example_team):
    for username, role in (("rhea", "responder"), ("ada", "admin"), ("vic", "viewer")):
        assert cli("user", "add", username, "--role", role).code == 0


def _user_of(runtime, plain):
    with unit_of_work(runtime.sessions) as session:
        user = keys.authenticate_key(session, plain, runtime.clock.now())
        session.commit()
        return user.username


def _one_error_line(result) -> str:
    assert result.code == 2, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("dutydesk: error: ")
    assert "Traceback" not in result.err
    return lines[0]


def test_a_key_is_shown_once_and_only_its_digest_is_kept(cli, runtime, users):
    made = cli("statuspage", "key", "create", "--user", "rhea", "--name", "terraform")
    assert made.code == 0, made.err
    plain = made.out.strip()
    assert plain.startswith("ddsp_") and len(plain) > 40
    assert "shown once" in made.err and "rhea" in made.err
    assert _user_of(runtime, plain) == "rhea"
    with unit_of_work(runtime.read_sessions) as session:
        (key,) = session.scalars(select(StatusApiKey)).all()
    assert key.name == "terraform"
    assert plain not in key.digest
    assert key.digest == token_digest(plain)


def test_a_key_in_json(cli, runtime, users, clock):
    made = cli("statuspage", "key", "create", "--user", "ada", "--name", "scripts", "--json")
    assert made.code == 0, made.err
    answer = json.loads(made.out)
    assert answer["user"] == "ada"
    assert answer["name"] == "scripts"
    assert answer["created_at"] == "2026-01-14T10:00:00.000Z"
    assert isinstance(answer["id"], int)
    assert _user_of(runtime, answer["key"]) == "ada"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--user", "vic", "--name", "x"), "this needs the responder role; vic is a viewer"),
        (("--user", "nobody", "--name", "x"), "no user 'nobody'"),
        (("--user", "rhea", "--name", "  "), "name: say what the key is for"),
        (("--user", "rhea", "--name", "x" * 121), "name: say what the key is for"),
        (("--user", "rhea", "--name", "a\x1bb"), "name: say what the key is for"),
        (("--user", "rhea"), "Missing option '--name'"),
    ],
)
def test_a_bad_key_request_is_one_line_and_makes_no_key(cli, runtime, users, args, says):
    line = _one_error_line(cli("statuspage", "key", "create", *args))
    assert says in line
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(StatusApiKey)).all() == []


def test_keys_are_listed_and_revoked(cli, runtime, users, clock):
    first = json.loads(cli("statuspage", "key", "create", "--user", "rhea", "--name",
                           "terraform", "--json").out)  # fmt: skip
    clock.advance(timedelta(hours=1))
    second = json.loads(cli("statuspage", "key", "create", "--user", "ada", "--name",
                            "incident scripts", "--json").out)  # fmt: skip
    _user_of(runtime, first["key"])

    table = cli("statuspage", "key", "list")
    assert table.code == 0, table.err
    assert "terraform" in table.out and "incident scripts" in table.out
    assert "Europe/London" in table.out
    assert first["key"] not in table.out
    listed = json.loads(cli("statuspage", "key", "list", "--json").out)
    assert listed == [
        {"id": first["id"], "user": "rhea", "name": "terraform",
         "created_at": "2026-01-14T10:00:00.000Z", "last_used_at": "2026-01-14T11:00:00.000Z",
         "revoked_at": None},
        {"id": second["id"], "user": "ada", "name": "incident scripts",
         "created_at": "2026-01-14T11:00:00.000Z", "last_used_at": None, "revoked_at": None},
    ]  # fmt: skip

    revoked = cli("statuspage", "key", "revoke", str(first["id"]))
    assert revoked.code == 0, revoked.err
    assert f"Revoked status page API key {first['id']}." in revoked.out
    with unit_of_work(runtime.sessions) as session, pytest.raises(Unauthorized):
        keys.authenticate_key(session, first["key"], clock.now())
    assert [k["id"] for k in json.loads(cli("statuspage", "key", "list", "--json").out)] == [
        second["id"]]  # fmt: skip
    every = json.loads(cli("statuspage", "key", "list", "--all", "--json").out)
    assert [k["revoked_at"] for k in every] == ["2026-01-14T11:00:00.000Z", None]
    assert cli("statuspage", "key", "revoke", str(first["id"])).code == 0  # again: no change
    for wrong in ("999", "0", "99999999999"):
        assert "no status page API key" in _one_error_line(
            cli("statuspage", "key", "revoke", wrong)
        )
    assert "ID" in _one_error_line(cli("statuspage", "key", "revoke", "first"))


def test_components_are_listed_and_set(cli, runtime, status_page):
    table = cli("statuspage", "component", "list")
    assert table.code == 0, table.err
    assert "App routing" in table.out and "operational (group)" in table.out
    listed = json.loads(cli("statuspage", "component", "list", "--json").out)
    by_id = {c["id"]: c for c in listed}
    assert by_id["routing"]["group_id"] == "hosting"
    assert by_id["hosting"]["components"] == ["routing", "logs"]

    made = cli("statuspage", "component", "set", "routing", "partial_outage")
    assert made.code == 0, made.err
    assert "App routing (routing) is partial_outage now." in made.out
    with unit_of_work(runtime.read_sessions) as session:
        page = snapshot.stored(session)[1]
    assert page.component("routing").status == "partial_outage"
    assert page.indicator == "major"
    listed = json.loads(cli("statuspage", "component", "list", "--json").out)
    assert {c["id"]: c["status"] for c in listed}["hosting"] == "partial_outage"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("routing", "on_fire"), "status: 'on_fire' is not one of operational"),
        (("nope", "major_outage"), "no status page component 'nope'"),
        (("hosting", "major_outage"), "a group's state is its components' worst"),
        (("routing",), "Missing argument 'STATE'"),
    ],
)
def test_a_bad_component_state_is_one_line_and_changes_nothing(
    cli, runtime, status_page, args, says
):
    assert says in _one_error_line(cli("statuspage", "component", "set", *args))
    listed = json.loads(cli("statuspage", "component", "list", "--json").out)
    assert {c["status"] for c in listed} == {"operational"}


def test_incidents_are_listed_open_or_all(cli, runtime, status_page, clock, site):
    with unit_of_work(runtime.sessions) as session:
        old = publishing.create_incident(
            session, name="Logs delayed", draft=UpdateDraft("investigating", "Late logs.",
                                                            {"logs": "degraded_performance"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        publishing.publish_update(
            session, old, UpdateDraft("resolved", "On time again.", {"logs": "operational"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
    clock.advance(timedelta(minutes=5))
    with unit_of_work(runtime.sessions) as session:
        new = publishing.create_incident(
            session, name="API errors", draft=UpdateDraft("identified", "A bad deploy.",
                                                          {"api": "major_outage"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()

    table = cli("statuspage", "incident", "list")
    assert table.code == 0, table.err
    assert "API errors" in table.out and "identified" in table.out
    assert "Logs delayed" not in table.out
    listed = json.loads(cli("statuspage", "incident", "list", "--json").out)
    assert [i["id"] for i in listed] == [new.id]
    assert listed[0]["impact"] == "critical"
    assert listed[0]["incident_updates"][0]["body"] == "A bad deploy."
    assert listed[0]["components"][0]["id"] == "api"
    every = json.loads(cli("statuspage", "incident", "list", "--all", "--json").out)
    assert [(i["id"], i["status"]) for i in every] == [(new.id, "identified"),
                                                      (old.id, "resolved")]  # fmt: skip
