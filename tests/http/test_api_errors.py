"""API errors: JSON {"error", "message"}, the right status, nothing written, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dutydesk.db import unit_of_work
from dutydesk.overrides.models import Override

OVERRIDES = "/api/v1/rotas/engineering/overrides"
GOOD = {"person": "alice", "from": "2026-01-16T09:00", "until": "2026-01-16T12:00"}


@pytest.fixture
def team_api(api, example_team):
    """The API client (a responder) with the example team applied."""
    return api


def stored_overrides(runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return int(session.scalar(select(func.count()).select_from(Override)) or 0)


def assert_error(answer, status: int, code: str, *fragments: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) == {"error", "message"}
    assert body["error"] == code
    for fragment in fragments:
        assert fragment in body["message"]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/api/v1/rotas/nope", "no rota 'nope'"),
        ("/api/v1/rotas/nope/oncall", "no rota 'nope'"),
        ("/api/v1/rotas/nope/shifts?from=2026-01-12&to=2026-01-13", "no rota 'nope'"),
        ("/api/v1/rotas/nope/overrides", "no rota 'nope'"),
        ("/api/v1/rotas/nope/overrides/1", "no rota 'nope'"),
        ("/api/v1/rotas/nope/feed", "no rota 'nope'"),
        ("/api/v1/oncall?rota=engineering&rota=nope", "no rota 'nope'"),
        ("/api/v1/people/nope", "no person 'nope'"),
        ("/api/v1/people/nope/feed", "no person 'nope'"),
        ("/api/v1/rotas/engineering/overrides/12345", "no override 12345"),
        ("/api/v1/no-such-route", "Not Found"),
    ],
)
def test_unknown_things_are_404(team_api, path, fragment):
    assert_error(team_api.get(path), 404, "not_found", fragment)


def test_the_known_rotas_are_named_when_one_is_not_found(team_api):
    assert_error(
        team_api.get("/api/v1/rotas/enginering"), 404, "not_found", "engineering, comms, escalation"
    )


def test_deleting_an_unknown_override_is_404(team_api):
    assert_error(team_api.delete(f"{OVERRIDES}/777"), 404, "not_found", "no override 777")


@pytest.mark.parametrize(
    ("path", "fragments"),
    [
        ("/api/v1/oncall?at=yesterday", ["at: 'yesterday' is not a time", "ISO 8601"]),
        ("/api/v1/oncall?at=", ["at: '' is not a time"]),
        ("/api/v1/oncall?at=2026-02-30T10:00", ["at:"]),
        ("/api/v1/rotas/engineering/oncall?at=2026-01-14T10:00:00%2B25:00", ["at:"]),
        ("/api/v1/rotas/engineering/shifts?from=soon&to=2026-01-13", ["from: 'soon'"]),
        ("/api/v1/rotas/engineering/shifts?from=2026-01-12&to=later", ["to: 'later'"]),
        ("/api/v1/rotas/engineering/shifts?from=2026-01-12", ["to", "required"]),
        ("/api/v1/rotas/engineering/shifts?to=2026-01-12", ["from", "required"]),
        ("/api/v1/rotas/engineering/shifts?from=2026-01-14&to=2026-01-12", ["'from'", "before"]),
        ("/api/v1/rotas/engineering/shifts?from=2026-01-12&to=2026-01-12", ["before"]),
        ("/api/v1/rotas/engineering/shifts?from=2026-01-01&to=2029-01-01", ["longer than"]),
        ("/api/v1/rotas/engineering/overrides?from=whenever", ["from: 'whenever'"]),
        ("/api/v1/rotas/engineering/overrides/first", ["override_id"]),
        ("/api/v1/oncall?at=9999-12-31T23:59", ["at:", "out of range"]),
        ("/api/v1/oncall?at=0001-01-01T00:00Z", ["at:", "out of range"]),
        ("/api/v1/rotas/engineering/shifts?from=9999-12-01&to=9999-12-31", ["from:"]),
    ],
)
def test_malformed_queries_are_422_naming_the_field(team_api, path, fragments):
    assert_error(team_api.get(path), 422, "invalid", *fragments)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        pytest.param({**GOOD, "from": "tomorrow"}, ["from: 'tomorrow' is not a time"], id="from"),
        pytest.param({**GOOD, "until": "31/01/2026"}, ["until: '31/01/2026'"], id="until"),
        pytest.param(
            {**GOOD, "from": "2026-01-16T12:00", "until": "2026-01-16T09:00"},
            ["'from'", "must be before 'until'"],
            id="backwards",
        ),
        pytest.param({**GOOD, "until": GOOD["from"]}, ["must be before 'until'"], id="empty-range"),
        pytest.param({**GOOD, "person": "zed"}, ["person", "no person 'zed'"], id="who-is-zed"),
        pytest.param(
            {**GOOD, "from": "2026-01-13T09:00", "until": "2026-01-14T09:59"},
            ["until", "in the past"],
            id="ended",
        ),
        pytest.param(
            {**GOOD, "until": "2027-06-01T00:00"}, ["longer than the 366 days"], id="too-long"
        ),
        pytest.param({**GOOD, "until": "9999-12-31T00:00"}, ["until:", "out of range"], id="y9999"),
        pytest.param({"from": GOOD["from"], "until": GOOD["until"]}, ["person", "required"]),
        pytest.param({"person": "alice", "until": GOOD["until"]}, ["from", "required"]),
        pytest.param({"person": "alice", "from": GOOD["from"]}, ["until", "required"]),
        pytest.param({**GOOD, "from": 20260116}, ["from", "string"], id="number"),
        pytest.param({**GOOD, "person": None}, ["person"], id="null-person"),
        pytest.param({**GOOD, "note": "x" * 501}, ["note", "500"], id="long-note"),
        pytest.param({**GOOD, "note": "a\x00b"}, ["note", "NUL"], id="nul-note"),
        pytest.param({**GOOD, "person": "ali\x00ce"}, ["person", "NUL"], id="nul-person"),
        pytest.param({**GOOD, "colour": "red"}, ["colour", "Extra inputs"], id="extra-field"),
        pytest.param([GOOD], ["body"], id="a-list"),
        pytest.param("alice", ["body"], id="a-string"),
    ],
)
def test_a_bad_override_is_422_naming_the_field_and_nothing_is_written(
    team_api, runtime, body, fragments
):
    assert_error(team_api.post(OVERRIDES, json=body), 422, "invalid", *fragments)
    assert team_api.get(OVERRIDES).json() == []
    assert stored_overrides(runtime) == 0


@pytest.mark.parametrize(
    ("content", "content_type", "fragment"),
    [
        (b'{"person": "alice", "from": ', "application/json", "body: not valid JSON"),
        (b"", "application/json", "body"),
        (b"\xff\xfe", "application/json", "body"),
        (b"person=alice", "application/x-www-form-urlencoded", "body"),
        (b"", None, "body"),
    ],
)
def test_a_body_that_is_not_json_is_422_and_nothing_is_written(
    team_api, runtime, content, content_type, fragment
):
    headers = {"content-type": content_type} if content_type else {}
    answer = team_api.post(OVERRIDES, content=content, headers=headers)
    assert_error(answer, 422, "invalid", fragment)
    assert stored_overrides(runtime) == 0


def test_an_override_on_an_unknown_rota_is_404_and_nothing_is_written(team_api, runtime):
    answer = team_api.post("/api/v1/rotas/nope/overrides", json=GOOD)
    assert_error(answer, 404, "not_found", "no rota 'nope'")
    assert stored_overrides(runtime) == 0


def test_before_a_team_is_set_up_the_answers_say_so(api):
    assert_error(api.get("/api/v1/oncall"), 404, "not_found", "no team is set up yet")
    assert api.get("/api/v1/rotas").json() == []
    assert api.get("/api/v1/people").json() == []


# Odd input should be refused with a 4xx on every database; PostgreSQL is the strict one
# (no NUL characters in text, 32-bit integer ids).
ODD_REQUESTS = [
    ("GET", "/api/v1/rotas/%00"),
    ("GET", "/api/v1/rotas/%00/oncall"),
    ("GET", "/api/v1/people/%00"),
    ("GET", "/api/v1/people/%00/feed"),
    ("GET", "/api/v1/oncall?rota=%00"),
    ("GET", "/api/v1/oncall?at=%00"),
    ("GET", "/api/v1/rotas/%FF%FE"),
    ("GET", "/api/v1/rotas/" + "x" * 300),
    ("GET", "/api/v1/rotas/caf%C3%A9/shifts?from=2026-01-01&to=2026-01-02"),
    ("GET", "/api/v1/rotas/engineering/overrides/0"),
    ("GET", "/api/v1/rotas/engineering/overrides/-1"),
    ("GET", "/api/v1/rotas/engineering/overrides/2147483648"),
    ("GET", "/api/v1/rotas/engineering/overrides/99999999999999999999999"),
    ("DELETE", "/api/v1/rotas/engineering/overrides/2147483648"),
    ("GET", "/api/v1/oncall?at=2026-01-14T10:00%2B99:00"),
    ("GET", "/api/v1/oncall?at=10000-01-01"),
    ("GET", "/api/v1/oncall?at=2026-01-14T10:00Z%5BEurope/London%5D"),
    ("GET", "/api/v1/oncall?at=" + "9" * 5000),
    ("GET", "/ical/rotas/%00/x.ics"),
    ("GET", "/ical/people/%00/x.ics"),
    ("GET", "/ical/rotas/engineering/%C3%A9t%C3%A9.ics"),
    ("GET", "/ical/rotas/engineering/%00.ics"),
    ("GET", "/ical/people/bob/" + "f" * 400 + ".ics"),
]


@pytest.mark.parametrize(("method", "path"), ODD_REQUESTS)
def test_odd_requests_are_refused_without_a_server_error(team_api, method, path):
    answer = team_api.request(method, path)
    assert 400 <= answer.status_code < 500, answer.text
    assert set(answer.json()) == {"error", "message"}


def test_odd_overrides_are_refused_without_a_server_error_and_nothing_is_written(team_api, runtime):
    for body in [
        {**GOOD, "person": "x" * 64},
        {**GOOD, "person": "élan"},
        {**GOOD, "from": "0001-01-01T00:00", "until": "0001-01-02T00:00"},
    ]:
        answer = team_api.post(OVERRIDES, json=body)
        assert 400 <= answer.status_code < 500, (body, answer.text)
    assert stored_overrides(runtime) == 0


def test_a_note_of_500_characters_outside_ascii_is_kept_whole(team_api):
    note = "\u00e9\U0001f600" * 250
    made = team_api.post(OVERRIDES, json={**GOOD, "note": note})
    assert made.status_code == 201, made.text
    assert team_api.get(f"{OVERRIDES}/{made.json()['id']}").json()["note"] == note


def test_a_json_body_that_is_not_utf8_is_422_like_any_bad_json(team_api, runtime):
    # FastAPI answers it 400 "There was an error parsing the body", which the document lacked.
    answer = team_api.post(
        OVERRIDES, content=b'{"person": "\xff"}', headers={"content-type": "application/json"}
    )
    assert_error(answer, 422, "invalid", "body: not valid JSON (it is not UTF-8)")
    assert stored_overrides(runtime) == 0


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (OVERRIDES, "GET, POST"),
        (f"{OVERRIDES}/1", "DELETE, GET"),
        ("/v2/enqueue", "POST"),
    ],
)
def test_a_wrong_method_is_405_allowing_every_method_of_the_path(team_api, path, allowed):
    # GET and POST of one path are two routes; Starlette's 405 named only the first one's.
    answer = team_api.put(path, json={})
    assert_error(answer, 405, "method_not_allowed")
    assert answer.headers["allow"] == allowed
