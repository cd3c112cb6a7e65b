"""GET /api/v1/heartbeats: every heartbeat and its status, for anyone signed in; no secrets."""

from __future__ import annotations

from datetime import timedelta


def test_anyone_signed_in_lists_heartbeats_without_their_tokens(backups, api, token_for, clock):
    api.headers["Authorization"] = f"Bearer {token_for('vera', 'viewer')}"
    clock.advance(timedelta(minutes=15))
    answer = api.get("/api/v1/heartbeats")
    assert answer.status_code == 200
    [heartbeat] = answer.json()
    assert (heartbeat["id"], heartbeat["service"], heartbeat["name"]) == (
        1,
        "platform-api",
        "backups",
    )
    assert (heartbeat["status"], heartbeat["due_at"]) == ("missed", "2026-01-14T10:15:00Z")
    token = backups.url.rsplit("/", 1)[1]
    assert token not in answer.text


def test_listing_needs_a_token(backups, hooks):
    answer = hooks.get("/api/v1/heartbeats")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
