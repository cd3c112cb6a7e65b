"""A missed heartbeat pages like any alert on its service: the example team's platform-api pages
bob (in-hours engineering) at once, and the ping that resolves it stops the escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.usefixtures("example_team")


@pytest.fixture
def nightly(cli):
    """platform-api expects a ping from `nightly` every 10 minutes, 5 minutes' grace."""
    added = cli("heartbeat", "add", "platform-api", "nightly", "--every", "10m", "--grace", "5m")
    assert added.code == 0, added.err
    return added.out.strip().removeprefix("http://dutydesk.test")


def test_a_missed_heartbeat_pages_the_on_call_engineer(
    nightly, clock, worker, alerts, run_cycle, pages, log_of
):
    clock.advance(timedelta(minutes=15))
    assert worker() == 1
    assert run_cycle() == 1
    assert [page.destination for page in pages()] == ["bob@example.org"]
    [alert] = alerts()
    assert log_of(alert.id) == ["trigger", "page"]


def test_the_ping_that_resolves_it_stops_the_escalation(
    nightly, clock, worker, alerts, hooks, run_cycle, pages
):
    clock.advance(timedelta(minutes=15))
    worker()
    run_cycle()
    assert hooks.get(nightly).status_code == 200
    clock.advance(timedelta(minutes=15))
    run_cycle()
    assert [page.destination for page in pages()] == ["bob@example.org"]
    [alert] = alerts()
    assert alert.status == "resolved"
