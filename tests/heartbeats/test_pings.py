"""GET or POST /hooks/heartbeat/{token}: a job says it ran; the next deadline moves on."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest


def listed(cli) -> list[dict[str, object]]:
    result = cli("heartbeat", "list", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_ping_answers_ok_with_the_next_deadline(method, backups, hooks, clock, cli):
    clock.advance(timedelta(minutes=3))
    answer = hooks.request(method, backups.path)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "next_due_at": "2026-01-14T10:18:00Z"}
    heartbeat = listed(cli)[0]
    assert (heartbeat["status"], heartbeat["last_ping_at"]) == ("ok", "2026-01-14T10:03:00Z")


def test_a_post_with_a_body_is_a_ping_too(backups, hooks):
    answer = hooks.post(backups.path, content=b"backup done: 3 GB\n")
    assert answer.status_code == 200


def test_pinging_every_interval_keeps_it_ok_and_raises_nothing(
    backups, hooks, clock, cli, worker, alerts
):
    for _ in range(6):  # an hour of pings, each a little late but within the grace
        clock.advance(timedelta(minutes=12))
        assert hooks.get(backups.path).status_code == 200
        assert worker() == 0
    assert listed(cli)[0]["status"] == "ok"
    assert alerts() == []


def test_a_wrong_token_is_404_and_says_nothing_about_what_exists(backups, hooks):
    answer = hooks.get(backups.path[:-1] + ("x" if not backups.path.endswith("x") else "y"))
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "message": "no live heartbeat at this address"}
    assert hooks.post("/hooks/heartbeat/nothing").json() == answer.json()


def test_a_revoked_token_gets_the_same_404(backups, hooks, cli):
    assert cli("heartbeat", "revoke", "1").code == 0
    answer = hooks.post(backups.path)
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "message": "no live heartbeat at this address"}


def test_a_browser_opening_a_wrong_address_gets_json_too(services, hooks):
    answer = hooks.get("/hooks/heartbeat/wrong", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"


def test_the_url_is_the_base_url_and_a_long_random_token(backups):
    token = backups.url.removeprefix("http://dutydesk.test/hooks/heartbeat/")
    assert len(token) == 43
    assert token.replace("-", "").replace("_", "").isalnum()
