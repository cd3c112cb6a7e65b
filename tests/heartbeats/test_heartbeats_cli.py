"""`dutydesk heartbeat add/list/revoke`: the ping URL shown once, statuses, one-line errors."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.heartbeats.models import Heartbeat


def test_add_prints_the_ping_url_once_and_stores_only_the_digest(backups, runtime, cli):
    assert backups.url.startswith("http://dutydesk.test/hooks/heartbeat/")
    token = backups.url.rsplit("/", 1)[1]
    with unit_of_work(runtime.read_sessions) as session:
        stored = session.scalars(select(Heartbeat)).one()
        actions = session.scalars(select(AuditEntry.action)).all()
    assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert (stored.interval_seconds, stored.grace_seconds) == (600, 300)
    assert "heartbeat.add" in actions
    assert token not in cli("heartbeat", "list").out + cli("heartbeat", "list", "--json").out


def test_add_says_on_stderr_what_it_made(services, cli):
    added = cli("heartbeat", "add", "router", "nightly-export", "--every", "1d")
    assert added.code == 0
    assert added.err.startswith(
        "Heartbeat 1 (nightly-export) on service router: ping every 1 d (grace 5 min)."
    )
    assert len(added.out.splitlines()) == 1


def test_list_shows_each_heartbeats_status(backups, services, cli, hooks, clock):
    assert cli("heartbeat", "add", "router", "export", "--every", "1h", "--grace", "0m").code == 0
    clock.advance(timedelta(minutes=11))
    assert hooks.get(backups.path).status_code == 200
    listed = json.loads(cli("heartbeat", "list", "--json").out)
    assert listed == [
        {
            "id": 1,
            "service": "platform-api",
            "name": "backups",
            "interval_seconds": 600,
            "grace_seconds": 300,
            "status": "ok",
            "created_at": "2026-01-14T10:00:00Z",
            "last_ping_at": "2026-01-14T10:11:00Z",
            "due_at": "2026-01-14T10:26:00Z",
            "revoked_at": None,
        },
        {
            "id": 2,
            "service": "router",
            "name": "export",
            "interval_seconds": 3600,
            "grace_seconds": 0,
            "status": "never pinged",
            "created_at": "2026-01-14T10:00:00Z",
            "last_ping_at": None,
            "due_at": "2026-01-14T11:00:00Z",
            "revoked_at": None,
        },
    ]
    clock.advance(timedelta(minutes=11))  # past backups' interval, within its grace
    assert json.loads(cli("heartbeat", "list", "--json").out)[0]["status"] == "late"
    table = cli("heartbeat", "list")
    assert "backups" in table.out and "never" in table.out


def test_revoke_marks_it_revoked_and_twice_is_harmless(backups, cli):
    revoked = cli("heartbeat", "revoke", "1")
    assert (revoked.code, revoked.out.strip()) == (0, "Revoked heartbeat 1.")
    heartbeat = json.loads(cli("heartbeat", "list", "--json").out)[0]
    assert (heartbeat["status"], heartbeat["revoked_at"]) == ("revoked", "2026-01-14T10:00:00Z")
    assert cli("heartbeat", "revoke", "1").code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("routr", "x", "--every", "10m"), "no service 'routr' (services: platform-api, router)"),
        (("router", "x", "--every", "ten"), "--every: 'ten' is not a duration"),
        (("router", "x", "--every", "0m"), "interval: give 1m to 365d"),
        (("router", "x", "--every", "366d"), "interval: give 1m to 365d"),
        (("router", "x", "--every", "1h", "--grace", "soon"), "--grace: 'soon' is not a duration"),
        (("router", " ", "--every", "1h"), "heartbeat name: say which job pings"),
        (("router", "x" * 121, "--every", "1h"), "heartbeat name: say which job pings"),
        (("router", "x"), "Missing option '--every'"),
    ],
)
def test_bad_input_to_add_is_one_line_and_exit_code_2(services, cli, args, message):
    added = cli("heartbeat", "add", *args)
    assert added.code == 2
    assert message in added.err
    assert len(added.err.strip().splitlines()) == 1
    assert added.out == ""


def test_a_second_live_heartbeat_of_the_same_name_on_a_service_is_refused(backups, cli):
    again = cli("heartbeat", "add", "platform-api", "backups", "--every", "1h")
    assert again.code == 2
    assert "service platform-api already has a heartbeat 'backups' (id 1)" in again.err
    assert cli("heartbeat", "revoke", "1").code == 0
    assert cli("heartbeat", "add", "platform-api", "backups", "--every", "1h").code == 0


@pytest.mark.parametrize("heartbeat_id", ["2", "0", "99999999999", "one"])
def test_revoking_what_is_not_there_is_an_error(backups, cli, heartbeat_id):
    revoked = cli("heartbeat", "revoke", heartbeat_id)
    assert revoked.code == 2
    assert len(revoked.err.strip().splitlines()) == 1
