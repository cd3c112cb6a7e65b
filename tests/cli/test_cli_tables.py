"""Every listing command fits a terminal 80 characters wide, with the example team and long,
realistic names, notes and summaries in it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dutydesk import terminal as command_kit
from dutydesk.notify.delivery import deliver_due

WIDTH = 80
LONG_SUMMARY = (
    "Disk full on db-1.prod.example.org: /var/lib/postgresql at 98% of 2 TB, writes failing"
    " for tenants paas-billing-production and paas-notify-production since the backup ran"
)
LISTINGS = [
    "who",
    "who engineering --at 2027-01-05T10:00",
    "schedule engineering --from 2026-01-12 --to 2026-01-26",
    "override list engineering --all",
    "alert list",
    "alert show 1",
    "integration list",
    "heartbeat list",
    "user list",
    "token list rhea --all",
    "deliveries",
    "audit",
    "swap list",
]


@pytest.fixture
def terminal(monkeypatch):
    """Standard output is a terminal WIDTH characters wide."""
    monkeypatch.setattr(command_kit.stdout, "_width", WIDTH)


@pytest.fixture
def busy_team(runtime, cli, example_team, raise_alert, run_cycle):
    """A week's worth of everything each listing shows, with long text where people type it."""
    steps = [
        "user add rhea --role admin --person bob",
        "token create rhea --name grafana-dashboards-for-the-production-cluster",
        "integration add platform-api --name Prometheus-Alertmanager-in-the-production-cluster",
        "heartbeat add status-checks nightly-backup-of-the-production-database --every 1d",
        "swap request engineering --as bob --from 2026-01-15T09:30 --until 2026-01-15T17:30"
        " --to alice --to carol",
        "cover engineering --by carol --from 12:30 --for 45m",
    ]
    for step in steps:
        done = cli(*step.split())
        assert done.code == 0, (step, done.err)
    override = cli(
        "override",
        "add",
        "engineering",
        "--person",
        "carol",
        "--from",
        "2026-01-16T13:00",
        "--until",
        "2026-01-16T17:00",
        "--note",
        "bob is at a conference in Edinburgh all afternoon, and back on Monday morning",
    )
    assert override.code == 0, override.err
    raise_alert("disk-full", summary=LONG_SUMMARY)
    run_cycle()
    runtime.clock.advance(timedelta(minutes=16))
    run_cycle()
    deliver_due(runtime, "test-worker")


@pytest.mark.parametrize("command", LISTINGS)
def test_each_listing_fits_80_columns(terminal, busy_team, cli, command):
    shown = cli(*command.split())

    assert shown.code == 0, shown.err
    assert len(shown.out.splitlines()) > 2, shown.out
    too_long = [line for line in shown.out.splitlines() if len(line) > WIDTH]
    assert not too_long, "\n" + shown.out


def test_long_text_wraps_rather_than_being_cut(terminal, busy_team, cli):
    shown = cli("alert", "list").out
    words = " ".join(" ".join(line.split()) for line in shown.splitlines())
    assert "paas-notify-production" in words
    assert "…" not in shown


def test_times_in_tables_leave_out_this_years_year(terminal, busy_team, cli):
    shown = cli("override", "list", "engineering").out
    assert "Fri 16 Jan 13:00" in shown
    next_year = cli("who", "engineering", "--at", "2027-01-05T10:00").out
    assert "Tue 05 Jan 2027 09:30" in next_year
