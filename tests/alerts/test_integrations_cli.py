"""`dutydesk integration add/list/revoke`: keys shown once, stored as digests, revocable."""

from __future__ import annotations

import hashlib
import json
import re

from sqlalchemy import select

from dutydesk.alerts.models import IntegrationKey
from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work


def test_add_prints_a_routing_key_once_and_stores_only_its_digest(cli, services, runtime):
    added = cli("integration", "add", "router", "--name", "grafana")
    assert added.code == 0, added.err
    key = added.out.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert "Integration 1 for service router (grafana). It is shown once" in added.err
    with unit_of_work(runtime.read_sessions) as session:
        stored = session.scalars(select(IntegrationKey)).one()
        actions = session.scalars(select(AuditEntry.action)).all()
    assert stored.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in stored.key_digest
    assert "integration.add" in actions


def test_add_for_an_unknown_service_names_the_services(cli, services):
    added = cli("integration", "add", "routr")
    assert added.code == 2
    assert "no service 'routr' (services: platform-api, router)" in added.err


def test_list_shows_keys_without_the_secrets(cli, routing_key):
    listed = cli("integration", "list", "--json")
    assert listed.code == 0
    assert json.loads(listed.out) == [
        {
            "id": 1,
            "service": "platform-api",
            "name": "alertmanager",
            "created_at": "2026-01-14T10:00:00+00:00",
            "revoked_at": None,
        }
    ]
    table = cli("integration", "list")
    assert "alertmanager" in table.out
    assert routing_key not in table.out + listed.out


def test_revoke_marks_the_key_revoked_and_an_unknown_id_is_an_error(cli, routing_key):
    revoked = cli("integration", "revoke", "1")
    assert (revoked.code, revoked.out.strip()) == (0, "Revoked integration 1.")
    assert json.loads(cli("integration", "list", "--json").out)[0]["revoked_at"] == (
        "2026-01-14T10:00:00+00:00"
    )
    missing = cli("integration", "revoke", "99999999999")
    assert missing.code == 2
    assert "no integration 99999999999" in missing.err


def test_services_are_applied_exported_and_removed_with_audit_entries(
    cli, make_team, services, runtime, tmp_path
):
    exported = cli("export")
    assert "services:\n- {id: platform-api, name: Platform API}\n- {id: router, name: Router}" in (
        exported.out
    )
    make_team("team: paas\nservices:\n  - {id: router, name: Edge router, description: gorouter}\n")
    with unit_of_work(runtime.read_sessions) as session:
        summaries = session.scalars(
            select(AuditEntry.summary).where(AuditEntry.action.like("service.%"))
        ).all()
    assert summaries == [
        "create service platform-api",
        "create service router",
        "update service router (name, description, order)",
        "remove service platform-api",
    ]


def test_a_service_with_a_live_key_or_open_alert_is_not_removed(cli, routing_key, events, tmp_path):
    trigger = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "payload": {"summary": "API down", "source": "probe", "severity": "critical"},
    }
    assert events.post("/v2/enqueue", json=trigger).status_code == 202
    team_file = tmp_path / "team.yaml"
    team_file.write_text("team: paas\nservices:\n  - {id: router, name: Router}\n")

    refused = cli("apply", str(team_file))

    assert refused.code == 2
    assert refused.err == (
        "dutydesk: error: cannot remove service platform-api: it has 1 open alert(s),"
        " 1 integration key(s) and 0 heartbeat(s) in use; resolve the alerts and revoke the"
        " keys and heartbeats (dutydesk integration revoke, dutydesk heartbeat revoke) first\n"
    )
    assert "platform-api" in cli("export").out


def test_a_service_with_a_live_heartbeat_is_not_removed(cli, services, tmp_path):
    assert cli("heartbeat", "add", "platform-api", "backup", "--every", "1d").code == 0
    team_file = tmp_path / "team.yaml"
    team_file.write_text("team: paas\nservices:\n  - {id: router, name: Router}\n")
    refused = cli("apply", str(team_file))
    assert refused.code == 2
    assert "0 integration key(s) and 1 heartbeat(s) in use" in refused.err
    assert cli("heartbeat", "revoke", "1").code == 0
    assert cli("apply", str(team_file)).code == 0
