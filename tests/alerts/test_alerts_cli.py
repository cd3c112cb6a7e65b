"""`dutydesk alert …`: raise an alert from a shell, list, show, acknowledge, resolve, note."""

from __future__ import annotations

import json

import pytest

from dutydesk.terminal import cli_actor


@pytest.fixture
def alert_json(cli, services):
    """`dutydesk ARGS… --json` that must succeed, parsed."""

    def run(*args: str):
        result = cli(*args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


def trigger(cli, *extra: str) -> tuple[int, str]:
    result = cli("alert", "trigger", "platform-api", "--summary", "Disk full", *extra)
    assert result.code == 0, result.err
    alert_id, key = result.out.split()
    return int(alert_id), key


def test_a_trigger_prints_the_id_and_a_made_up_key(cli, alert_json):
    alert_id, key = trigger(cli, "--severity", "warning", "--source", "db-1")
    assert len(key) == 32
    shown = alert_json("alert", "show", str(alert_id))
    assert (shown["status"], shown["severity"], shown["source"], shown["dedup_key"]) == (
        "triggered",
        "warning",
        "db-1",
        key,
    )
    assert [(e["kind"], e["actor"]) for e in shown["log"]] == [("trigger", cli_actor())]


def test_a_trigger_with_the_key_of_an_open_alert_adds_to_it(cli, alert_json):
    first = trigger(cli, "--dedup-key", "db-1/disk")
    second = trigger(cli, "--dedup-key", "db-1/disk")
    assert first == second == (first[0], "db-1/disk")
    assert alert_json("alert", "show", str(first[0]))["event_count"] == 2


def test_ack_note_resolve_are_logged_with_the_cli_actor(cli, alert_json):
    alert_id, _ = trigger(cli, "--dedup-key", "disk")
    acked = cli("alert", "ack", str(alert_id))
    assert acked.code == 0, acked.err
    assert f"Alert {alert_id} is acknowledged." in acked.out
    assert cli("alert", "note", str(alert_id), "Failing over").code == 0
    assert cli("alert", "resolve", str(alert_id)).code == 0
    shown = alert_json("alert", "show", str(alert_id))
    assert (shown["status"], shown["acknowledged_by"], shown["resolved_by"]) == (
        "resolved",
        cli_actor(),
        cli_actor(),
    )
    assert [(e["kind"], e["actor"], e["details"].get("text")) for e in shown["log"]] == [
        ("trigger", cli_actor(), None),
        ("acknowledge", cli_actor(), None),
        ("note", cli_actor(), "Failing over"),
        ("resolve", cli_actor(), None),
    ]
    table = cli("alert", "show", str(alert_id))
    assert table.code == 0 and "Failing over" in table.out


def test_list_shows_open_alerts_by_default_and_filters(cli, alert_json):
    open_id, _ = trigger(cli, "--dedup-key", "a")
    done_id, _ = trigger(cli, "--dedup-key", "b")
    assert cli("alert", "resolve", str(done_id)).code == 0
    assert [a["id"] for a in alert_json("alert", "list")] == [open_id]
    assert [a["id"] for a in alert_json("alert", "list", "--status", "resolved")] == [done_id]
    assert alert_json("alert", "list", "--service", "router") == []
    table = cli("alert", "list")
    assert table.code == 0 and "Disk full" in table.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("alert", "show", "999"), "no alert 999"),
        (("alert", "ack", "999"), "no alert 999"),
        (("alert", "resolve", "999"), "no alert 999"),
        (("alert", "note", "999", "hi"), "no alert 999"),
        (("alert", "list", "--status", "open"), "status: 'open' is not one of"),
        (("alert", "list", "--service", "nope"), "no service 'nope'"),
        (("alert", "trigger", "nope", "--summary", "x"), "no service 'nope'"),
        (("alert", "trigger", "router", "--summary", "x", "--severity", "bad"), "severity:"),
        (("alert", "trigger", "router", "--summary", " "), "summary:"),
        (("alert", "trigger", "router", "--summary", "x", "--dedup-key", "k" * 256), "dedup key:"),
    ],
)
def test_errors_are_one_line_and_exit_2(cli, services, args, message):
    result = cli(*args)
    assert result.code == 2
    assert result.err.startswith("dutydesk: error:") and message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_note_too_long_is_refused_and_not_stored(cli, alert_json):
    alert_id, _ = trigger(cli)
    result = cli("alert", "note", str(alert_id), "x" * 2001)
    assert result.code == 2 and "text: write the note in 1 to 2000 characters" in result.err
    assert [e["kind"] for e in alert_json("alert", "show", str(alert_id))["log"]] == ["trigger"]


def test_acknowledging_a_resolved_alert_is_refused(cli, alert_json):
    alert_id, _ = trigger(cli)
    assert cli("alert", "resolve", str(alert_id)).code == 0
    result = cli("alert", "ack", str(alert_id))
    assert result.code == 2 and "cannot be acknowledged" in result.err
    again = cli("alert", "resolve", str(alert_id))
    assert again.code == 2 and "cannot be resolved again" in again.err
    log = alert_json("alert", "show", str(alert_id))["log"]
    assert [e["kind"] for e in log] == ["trigger", "resolve"]
