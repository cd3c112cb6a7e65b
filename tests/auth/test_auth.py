"""Bearer tokens and roles: who may read, who may write, and how tokens are kept."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from dutydesk.app import create_app
from dutydesk.auth.models import ApiToken
from dutydesk.db import unit_of_work
from dutydesk.overrides.models import Override

OVERRIDES = "/api/v1/rotas/engineering/overrides"
GOOD = {"person": "alice", "from": "2026-01-16T09:00", "until": "2026-01-16T12:00"}
READS = [
    "/api/v1/people",
    "/api/v1/people/alice",
    "/api/v1/people/alice/feed",
    "/api/v1/rotas",
    "/api/v1/rotas/engineering",
    "/api/v1/rotas/engineering/feed",
    "/api/v1/oncall",
    "/api/v1/rotas/engineering/oncall",
    "/api/v1/rotas/engineering/shifts?from=2026-01-12&to=2026-01-19",
    OVERRIDES,
]


@pytest.fixture
def client(runtime, example_team):
    """An HTTP client with no credentials."""
    with TestClient(create_app(runtime)) as anonymous:
        yield anonymous


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorized(answer) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"] == "unauthorized"
    assert answer.headers["www-authenticate"] == "Bearer"


def test_token_create_prints_only_the_token_on_stdout(cli, example_team):
    assert cli("user", "add", "ops", "--role", "viewer").code == 0
    created = cli("token", "create", "ops", "--name", "grafana")
    assert created.code == 0, created.err
    assert re.fullmatch(r"ddk_[A-Za-z0-9_-]{40,}\n", created.out)
    assert "shown once" in created.err


def test_tokens_are_stored_hashed_never_in_plain(cli, runtime, token_for, example_team):
    token = token_for("ops", "viewer")
    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_tokens")).mappings().all()
    assert len(rows) == 1
    assert rows[0]["token_digest"] == hashlib.sha256(token.encode()).hexdigest()
    secret = token.removeprefix("ddk_")
    for row in rows:
        for value in row.values():
            assert secret not in str(value)


def test_two_tokens_are_different(token_for, cli, example_team):
    first = token_for("ops", "viewer")
    second = cli("token", "create", "ops").out.strip()
    assert first != second


@pytest.mark.parametrize("path", READS)
def test_reading_needs_a_token(client, path):
    assert_unauthorized(client.get(path))


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"Authorization": "Bearer"}, id="empty"),
        pytest.param({"Authorization": "Bearer ddk_not-a-real-token"}, id="unknown"),
        pytest.param({"Authorization": "Basic b3BzOnBhc3N3b3Jk"}, id="basic"),
        pytest.param({"Authorization": "ddk_abc"}, id="no-scheme"),
    ],
)
def test_a_missing_or_wrong_token_is_401_json(client, headers):
    assert_unauthorized(client.get("/api/v1/oncall", headers=headers))


def test_without_a_valid_token_nothing_can_be_written(client, runtime):
    assert_unauthorized(client.post(OVERRIDES, json=GOOD, headers=bearer("ddk_wrong")))
    assert_unauthorized(client.post(OVERRIDES, json=GOOD))
    assert_unauthorized(client.delete(f"{OVERRIDES}/1"))
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(Override)).all() == []


def test_the_scheme_is_case_insensitive(client, token_for):
    token = token_for("ops", "viewer")
    answer = client.get("/api/v1/oncall", headers={"Authorization": f"bearer {token}"})
    assert answer.status_code == 200


def test_a_revoked_token_stops_working(client, cli, token_for):
    token = token_for("ops", "viewer")
    assert client.get("/api/v1/oncall", headers=bearer(token)).status_code == 200
    created = cli("token", "create", "ops")
    token_id = re.search(r"Token (\d+) for ops", created.err)
    assert token_id is not None
    kept = created.out.strip()
    assert cli("token", "revoke", token_id.group(1)).code == 0
    assert_unauthorized(client.get("/api/v1/oncall", headers=bearer(kept)))
    # The other token of the same user still works.
    assert client.get("/api/v1/oncall", headers=bearer(token)).status_code == 200


def test_revoking_an_unknown_token_is_a_clear_error(cli, example_team):
    for token_id in ("999", "99999999999"):
        result = cli("token", "revoke", token_id)
        assert result.code == 2
        assert result.err.startswith("dutydesk: error: no token")


@pytest.mark.parametrize("path", READS)
def test_a_viewer_may_read(client, token_for, path):
    answer = client.get(path, headers=bearer(token_for("vera", "viewer")))
    assert answer.status_code == 200, answer.text


def test_a_viewer_may_not_write_and_nothing_is_written(client, token_for, api):
    override_id = api.post(OVERRIDES, json=GOOD).json()["id"]
    viewer = bearer(token_for("vera", "viewer"))
    for answer in [
        client.post(OVERRIDES, json={**GOOD, "person": "carol"}, headers=viewer),
        client.post(OVERRIDES, json={"bad": "body"}, headers=viewer),
        client.delete(f"{OVERRIDES}/{override_id}", headers=viewer),
        client.delete(f"{OVERRIDES}/999", headers=viewer),
    ]:
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"] == "forbidden"
        assert "responder" in answer.json()["message"]
    listed = client.get(OVERRIDES, headers=viewer).json()
    assert [(o["id"], o["person"]) for o in listed] == [(override_id, "alice")]


@pytest.mark.parametrize("role", ["responder", "admin"])
def test_responders_and_admins_may_write(client, token_for, role):
    writer = bearer(token_for("wendy", role))
    made = client.post(OVERRIDES, json=GOOD, headers=writer)
    assert made.status_code == 201, made.text
    assert made.json()["created_by"] == "user:wendy"
    assert client.delete(f"{OVERRIDES}/{made.json()['id']}", headers=writer).status_code == 204
    assert client.get(OVERRIDES, headers=writer).json() == []


def test_a_token_records_when_it_was_last_used(client, runtime, token_for, clock):
    token = token_for("ops", "viewer")
    assert last_used(runtime) is None
    client.get("/api/v1/oncall", headers=bearer(token))
    assert last_used(runtime) == datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
    clock.advance(timedelta(hours=1))
    client.get("/api/v1/oncall", headers=bearer(token))
    assert last_used(runtime) == datetime(2026, 1, 14, 11, 0, tzinfo=UTC)


def last_used(runtime) -> datetime | None:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalars(select(ApiToken.last_used_at)).one()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["user", "add", "ops", "--role", "superuser"], "'superuser' is not a role"),
        (["user", "add", "Ops Team", "--role", "viewer"], "is not a username"),
        (["user", "add", "ops", "--person", "zed"], "no person 'zed'"),
        (["token", "create", "nobody"], "no user 'nobody'"),
        (["token", "create", "rhea", "--name", "x" * 200], "token name"),
    ],
)
def test_bad_user_and_token_commands_are_one_line_errors(cli, api, args, fragment):
    result = cli(*args)
    assert result.code == 2, result.err
    assert result.err.startswith("dutydesk: error: ")
    assert len(result.err.strip().splitlines()) == 1
    assert fragment in result.err


def test_a_user_name_is_taken_once(cli, example_team):
    assert cli("user", "add", "ops").code == 0
    again = cli("user", "add", "ops", "--role", "admin")
    assert again.code == 2
    assert "already exists" in again.err


def test_token_list_shows_tokens_without_their_secrets(cli, token_for):
    token = token_for("lister", "viewer")
    listed = cli("token", "list", "lister")
    assert listed.code == 0, listed.err
    assert "cli" in listed.out
    assert token not in listed.out


def test_replace_revokes_earlier_tokens_of_the_same_name_only(client, cli, example_team):
    assert cli("user", "add", "demo", "--role", "admin").code == 0
    first = cli("token", "create", "demo", "--name", "demo").out.strip()
    other = cli("token", "create", "demo", "--name", "grafana").out.strip()

    again = cli("token", "create", "demo", "--name", "demo", "--replace")

    assert again.code == 0, again.err
    assert "Revoked 1 earlier token(s) named 'demo'." in again.err
    assert_unauthorized(client.get("/api/v1/oncall", headers=bearer(first)))
    assert client.get("/api/v1/oncall", headers=bearer(again.out.strip())).status_code == 200
    assert client.get("/api/v1/oncall", headers=bearer(other)).status_code == 200


def test_repeated_replacing_leaves_one_live_token_of_that_name(cli, example_team):
    assert cli("user", "add", "demo", "--role", "admin").code == 0
    for _ in range(3):
        assert cli("token", "create", "demo", "--name", "demo", "--replace").code == 0

    live = cli("token", "list", "demo").out
    everything = cli("token", "list", "demo", "--all").out

    def rows(table: str) -> list[str]:
        return re.findall(r"^\d+ +demo ", table, re.M)

    assert len(rows(live)) == 1, live
    assert len(rows(everything)) == 3, everything


def test_replace_for_an_unknown_user_changes_nothing(cli, example_team):
    result = cli("token", "create", "nobody", "--replace")
    assert result.code == 2
    assert "no user 'nobody'" in result.err
