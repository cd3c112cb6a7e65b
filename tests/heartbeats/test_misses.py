"""The heartbeats worker cycle: a missed ping raises one alert; the next ping resolves it.

Driven by the frozen clock: the test moves it and runs one pass of the worker.
"""

from __future__ import annotations

import json
from datetime import timedelta

from dutydesk.worker.cycles import default_cycles


def test_the_heartbeats_cycle_runs_before_deliveries():
    names = [cycle.name for cycle in default_cycles()]
    assert names.index("heartbeats") < names.index("deliveries")


def test_nothing_is_raised_within_the_interval_and_grace(backups, clock, worker, alerts):
    clock.advance(timedelta(minutes=14, seconds=59))
    assert worker() == 0
    assert alerts() == []


def test_a_heartbeat_never_pinged_is_missed_one_interval_and_grace_after_creation(
    backups, clock, worker, alerts, cli
):
    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    [alert] = alerts()
    assert (alert.service_id, alert.dedup_key, alert.status) == (
        "platform-api",
        "heartbeat-1",
        "triggered",
    )
    assert alert.summary == "Heartbeat backups missed: no ping since it was created"
    assert (alert.source, alert.severity) == ("dutydesk heartbeat", "critical")
    assert json.loads(cli("heartbeat", "list", "--json").out)[0]["status"] == "missed"


def test_a_missed_ping_names_the_last_one_in_team_time(
    make_team, backups, hooks, clock, worker, alerts
):
    make_team(
        "team: paas\ntimezone: America/New_York\nservices:\n"
        "  - {id: platform-api, name: Platform API}\n  - {id: router, name: Router}\n"
    )
    clock.advance(timedelta(minutes=5))
    assert hooks.get(backups.path).status_code == 200  # 10:05 UTC is 05:05 in New York
    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    assert alerts()[0].summary == "Heartbeat backups missed: no ping since Wed 14 Jan 2026 05:05"


def test_running_the_cycle_again_raises_no_second_alert(backups, clock, worker, alerts):
    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    clock.advance(timedelta(hours=2))
    assert worker() == 0
    [alert] = alerts()
    assert alert.event_count == 1


def test_a_ping_resolves_the_alert_and_the_next_miss_raises_a_new_one(
    backups, hooks, clock, worker, alerts, cli
):
    clock.advance(timedelta(minutes=20))
    assert worker() == 1
    assert hooks.post(backups.path).status_code == 200
    [alert] = alerts()
    assert (alert.status, alert.resolved_by) == ("resolved", "heartbeat:1")
    assert json.loads(cli("heartbeat", "list", "--json").out)[0]["status"] == "ok"

    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    first, second = alerts()
    assert (first.status, second.status) == ("resolved", "triggered")
    assert second.summary == "Heartbeat backups missed: no ping since Wed 14 Jan 2026 10:20"


def test_revoking_a_missed_heartbeat_resolves_its_alert(backups, clock, worker, alerts, cli):
    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    assert cli("heartbeat", "revoke", "1").code == 0
    assert alerts()[0].status == "resolved"
    clock.advance(timedelta(hours=1))
    assert worker() == 0
    assert len(alerts()) == 1


def test_a_revoked_heartbeat_is_never_missed(backups, clock, worker, alerts, cli):
    assert cli("heartbeat", "revoke", "1").code == 0
    clock.advance(timedelta(days=1))
    assert worker() == 0
    assert alerts() == []


def test_resolved_by_hand_while_still_silent_it_alerts_again_after_another_interval(
    backups, clock, worker, alerts, cli
):
    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    assert cli("alert", "resolve", str(alerts()[0].id)).code == 0
    assert worker() == 1  # watching again, from now
    clock.advance(timedelta(minutes=14))
    assert worker() == 0
    clock.advance(timedelta(minutes=1))
    assert worker() == 1
    first, second = alerts()
    assert (first.status, second.status) == ("resolved", "triggered")
