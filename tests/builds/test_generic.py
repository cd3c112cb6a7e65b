"""The generic build webhook: Dutydesk's own shape, signed with a timestamp as Dutydesk's
outgoing webhooks are; an old signature and a replayed build are refused or dropped."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from dutydesk.builds.secrets import source_secret
from dutydesk.notify.signing import signature_header
from tests.builds.conftest import SECRET_KEY

BUILD = {
    "source": "concourse",
    "pipeline": "paas-cf",
    "job": "deploy",
    "build_id": "1234",
    "attempt": 1,
    "status": "failed",
    "branch": "main",
    "sha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
    "url": "https://concourse.example.org/teams/main/pipelines/paas-cf/jobs/deploy/builds/1234",
    "finished_at": "2026-01-14T09:59:30Z",
}


def test_a_signed_build_is_recorded(team, send_generic, spells):
    answer = send_generic(BUILD)
    assert answer.status_code == 202, answer.text
    assert answer.json()["turned"] == "red"
    [spell] = spells()
    assert (spell.source, spell.pipeline, spell.job, spell.first_failing_sha) == (
        "concourse",
        "paas-cf",
        "deploy",
        BUILD["sha"],
    )


def test_the_source_may_be_left_to_the_address(team, send_generic, stored):
    build = {k: v for k, v in BUILD.items() if k not in ("source", "finished_at", "attempt")}
    assert send_generic(build).status_code == 202
    assert stored()["build_results"] == 1


def test_a_replay_within_the_tolerance_is_dropped_as_a_repeat(team, send_generic, stored):
    assert send_generic(BUILD).status_code == 202
    again = send_generic(BUILD)
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert stored() == {"build_results": 1, "github_deliveries": 0, "red_spells": 1}


def test_a_re_run_is_another_attempt(team, send_generic, stored):
    assert send_generic(BUILD).status_code == 202
    assert send_generic(BUILD | {"attempt": 2, "status": "succeeded"}).status_code == 202
    assert stored()["build_results"] == 2


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_signature_made_more_than_five_minutes_away_is_refused(
    team, send_generic, stored, clock, minutes
):
    answer = send_generic(BUILD, signed_at=clock.now() + timedelta(minutes=minutes))
    assert answer.status_code == 401
    assert "5 minutes" in answer.json()["message"]
    assert stored()["build_results"] == 0


def test_a_wrong_signature_is_refused(team, send_generic, stored):
    answer = send_generic(BUILD, secret="guessed")
    assert answer.status_code == 401
    assert stored()["build_results"] == 0


def test_another_sources_body_is_refused(team, send_generic, stored):
    answer = send_generic(BUILD | {"source": "gitlab"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("source:")
    assert stored()["build_results"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "broken"}, "status"),
        ({"attempt": 0}, "attempt"),
        ({"job": None}, "job"),
        ({"finished_at": "2026-01-14T09:59:30"}, "finished_at"),
        ({"finished_at": "2027-01-01T00:00:00Z"}, "finished_at"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"pipeline": "line\nbreak"}, "pipeline"),
        ({"pipeline": ""}, "pipeline"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_body_is_refused_naming_the_field(team, send_generic, stored, change, field):
    answer = send_generic(BUILD | change)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith(f"{field}:")
    assert stored()["build_results"] == 0


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'{"status": NaN}'])
def test_a_body_that_is_not_a_json_object_is_refused(team, send_generic, raw):
    answer = send_generic({}, raw=raw)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid"


def test_a_body_over_the_limit_is_refused(team, send_generic):
    answer = send_generic({}, raw=json.dumps(BUILD | {"pad": "x" * 600_000}).encode())
    assert answer.status_code == 400
    assert "larger than" in answer.json()["message"]


def test_the_answer_carries_the_security_headers(team, send_generic):
    answer = send_generic(BUILD)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"] == "application/json"


def test_a_chunked_body_is_answered_by_the_route_the_same_way(team, hooks, stored, clock):
    # Without a declared length the fast path in front of the framework (builds/asgi.py)
    # leaves the request to the route, which answers alike.
    body = json.dumps(BUILD).encode()
    secret = source_secret(SECRET_KEY, "concourse")
    answer = hooks.post(
        "/hooks/builds/generic/concourse",
        content=iter([body[:10], body[10:]]),
        headers={
            "Content-Type": "application/json",
            "Dutydesk-Signature": signature_header(secret, int(clock.now().timestamp()), body),
        },
    )
    assert answer.status_code == 202, answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert stored()["build_results"] == 1


def test_a_request_answered_in_front_of_the_framework_is_timed_by_its_route(
    team, send_generic, hooks
):
    assert send_generic(BUILD).status_code == 202
    assert send_generic(BUILD, secret="guessed").status_code == 401
    scraped = hooks.get("/metrics")
    assert scraped.status_code == 200, scraped.text
    timed = [
        line
        for line in scraped.text.splitlines()
        if line.startswith("dutydesk_http_requests_total")
        and 'route="/hooks/builds/generic/{source}"' in line
    ]
    statuses = sorted(line.split('status="', 1)[1][:3] for line in timed)
    assert statuses == ["202", "401"], scraped.text
    assert "concourse" not in "".join(timed)  # the template, never the path sent


def test_a_signature_with_a_non_ascii_character_is_refused_not_an_error(team, hooks, stored, clock):
    # A header's bytes are read as Latin-1: comparing such text with compare_digest raised.
    body = json.dumps(BUILD).encode()
    header = f"t={int(clock.now().timestamp())},v1=\u00e9".encode("latin-1")
    answer = hooks.post(
        "/hooks/builds/generic/concourse",
        content=body,
        headers={"Content-Type": "application/json", "Dutydesk-Signature": header},
    )
    assert answer.status_code == 401, answer.text
    assert stored()["build_results"] == 0


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("concourse%0A", "concourse\n"),  # a trailing newline once slipped past the name's check
        ("a" * 65, "a" * 65),
        ("..%2F..%2Fetc", "../../etc"),
        ("con%00course", "con\x00course"),
    ],
)
def test_a_hostile_source_in_the_address_is_refused(team, send_generic, stored, address, named):
    # Signed with the secret of the name the address decodes to, so only the name's check stops it.
    secret = source_secret(SECRET_KEY, named)
    build = BUILD | {"source": None, "branch": "feature/x"}  # makes no spell, so no notice
    answer = send_generic(build, source=address, secret=secret)
    assert answer.status_code in (400, 404), answer.text
    assert stored()["build_results"] == 0
