"""A maintenance window keeps the alerts of its components' services from paging: they are
recorded and shown, their log says why nobody was paged, and what the window held back is
dropped as PagerDuty drops it (a new alert after the window pages; nothing pages for alerts
resolved meanwhile).

The example team's platform-api pages the in-hours policy (bob, on engineering on Wednesday
14 January 2026); the status page's "Platform API" component stands for it. status-checks is
mapped to no component. The window runs 12:00-14:00 (London is on UTC in January).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from dutydesk.alerts.actions import reassign_alert
from dutydesk.alerts.models import Alert
from dutydesk.alerts.service import list_alerts, resolve_alert
from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.escalation.due import escalate_due
from dutydesk.statuspage import maintenance
from dutydesk.statuspage.due import statuspage_due
from dutydesk.statuspage.holds import MaintenanceHolds
from dutydesk.statuspage.publishing import get_status_incident

from .conftest import IN_HOURS

pytestmark = pytest.mark.usefixtures("status_page")
STARTS, ENDS = IN_HOURS + timedelta(hours=1), IN_HOURS + timedelta(hours=3)
HELD = "maintenance window 'DB upgrade'"


def schedule(runtime, site, components=("api",), **given):
    with unit_of_work(runtime.sessions) as session:
        window = maintenance.schedule(
            session,
            maintenance.Window(
                name="DB upgrade",
                body="We upgrade the API's database.",
                scheduled_for=STARTS,
                scheduled_until=ENDS,
                component_ids=components,
                **given,
            ),
            actor="erin",
            now=runtime.clock.now(),
            site=site,
        )
        session.commit()
        return window.id


def at(runtime, clock, moment):
    """Move the clock and let the status page's cycle act (start or end the window)."""
    clock.set(moment)
    statuspage_due(runtime, "w1")


def destinations(pages):
    return [page.destination for page in pages()]


def text_of(html):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#39;", "'").replace("&amp;", "&")


def test_during_the_window_an_alert_of_a_mapped_service_is_recorded_but_not_paged(
    runtime, clock, site, raise_alert, run_cycle, pages, log_of, status_of, browser
):
    schedule(runtime, site)
    at(runtime, clock, STARTS + timedelta(minutes=30))

    alert_id = raise_alert("db-slow", summary="Database slow")
    run_cycle()

    assert pages() == []
    assert status_of(alert_id) == "triggered"
    assert log_of(alert_id) == ["trigger", "held"]
    with unit_of_work(runtime.read_sessions) as session:
        assert [a.id for a in list_alerts(session)] == [alert_id]
    shown = text_of(browser("alice").get(f"/alerts/{alert_id}").text)
    assert f"Not paged: held by {HELD}." in shown
    assert "Database slow" in text_of(browser("bea").get("/alerts").text)


def test_during_the_window_an_alert_of_an_unmapped_service_pages(
    runtime, clock, site, raise_alert, run_cycle, pages, log_of
):
    schedule(runtime, site)
    at(runtime, clock, STARTS + timedelta(minutes=30))

    alert_id = raise_alert("checks-failing", service="status-checks")
    run_cycle()

    # status-checks pages the 24x7 policy: the escalation rota, carol's since 10:00.
    assert destinations(pages) == ["carol@example.org"]
    assert log_of(alert_id) == ["trigger", "page"]


def test_after_the_window_a_new_alert_pages_and_the_held_one_never_does_by_itself(
    runtime, clock, site, raise_alert, run_cycle, pages, status_of
):
    schedule(runtime, site)
    at(runtime, clock, STARTS + timedelta(minutes=30))
    held = raise_alert("db-slow")
    run_cycle()

    at(runtime, clock, ENDS)
    run_cycle()
    clock.advance(timedelta(minutes=20))
    run_cycle()
    assert pages() == []  # nothing sent when the window ended for what it held
    assert status_of(held) == "triggered"

    raise_alert("api-errors")
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_a_new_alert_joining_a_held_group_after_the_window_pages_for_both(
    runtime, clock, site, raise_alert, run_cycle, pages, log_of
):
    schedule(runtime, site)
    at(runtime, clock, ENDS - timedelta(minutes=2))
    held = raise_alert("db-slow")
    run_cycle()
    assert pages() == []

    at(runtime, clock, ENDS + timedelta(minutes=1))  # within platform-api's 5-minute window
    joined = raise_alert("api-errors")
    run_cycle()

    assert destinations(pages) == ["bob@example.org"]
    with unit_of_work(runtime.read_sessions) as session:
        groups = {session.get(Alert, i).group_id for i in (held, joined)}
    assert len(groups) == 1
    assert log_of(held) == ["trigger", "held", "page"]


def test_nothing_pages_after_the_window_for_an_alert_resolved_during_it(
    runtime, clock, site, raise_alert, run_cycle, pages
):
    schedule(runtime, site)
    at(runtime, clock, STARTS + timedelta(minutes=10))
    alert_id = raise_alert("db-restarting")
    run_cycle()
    clock.advance(timedelta(minutes=5))
    with unit_of_work(runtime.sessions) as session:
        resolve_alert(session, alert_id, clock.now(), actor="bob")
        session.commit()

    at(runtime, clock, ENDS)
    for _ in range(4):
        run_cycle()
        clock.advance(timedelta(minutes=15))
    assert pages() == []


def test_the_window_holds_from_its_start_before_the_worker_has_started_it(
    runtime, clock, site, raise_alert, run_cycle, pages, log_of
):
    window_id = schedule(runtime, site)
    clock.set(STARTS)  # the status page's cycle has not run yet

    alert_id = raise_alert("db-slow")
    run_cycle()

    assert pages() == []
    assert log_of(alert_id) == ["trigger", "held"]
    with unit_of_work(runtime.read_sessions) as session:
        assert get_status_incident(session, window_id).status == "scheduled"


def test_a_window_running_late_holds_until_it_is_completed_by_hand(
    runtime, clock, site, raise_alert, run_cycle, pages
):
    window_id = schedule(runtime, site, auto_completed=False)
    at(runtime, clock, STARTS)
    at(runtime, clock, ENDS + timedelta(minutes=30))  # past its end, still in progress
    raise_alert("db-slow")
    run_cycle()
    assert pages() == []

    with unit_of_work(runtime.sessions) as session:
        window = get_status_incident(session, window_id)
        maintenance.complete(session, window, now=clock.now(), site=site)
        session.commit()
    clock.advance(timedelta(minutes=10))
    raise_alert("api-errors")
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_a_group_paging_before_the_window_goes_on_escalating_during_it(
    runtime, clock, site, raise_alert, run_cycle, pages
):
    schedule(runtime, site)
    clock.set(STARTS - timedelta(minutes=10))
    raise_alert("db-slow")
    run_cycle()
    at(runtime, clock, STARTS + timedelta(minutes=5))
    run_cycle()  # nobody acknowledged in 15 minutes: the escalation rota
    assert destinations(pages) == ["bob@example.org", "carol@example.org"]


def test_reassigning_a_held_alert_pages_the_person_chosen(
    runtime, clock, site, raise_alert, run_cycle, pages
):
    schedule(runtime, site)
    at(runtime, clock, STARTS + timedelta(minutes=30))
    alert_id = raise_alert("db-slow")
    run_cycle()
    with unit_of_work(runtime.sessions) as session:
        reassign_alert(session, alert_id, "dan", clock.now(), actor="erin")
        session.commit()
    run_cycle()
    assert destinations(pages) == ["dan@example.org"]


def test_an_event_through_the_events_api_is_held_too(runtime, clock, site, cli, pages, log_of):
    added = cli("integration", "add", "platform-api", "--name", "monitoring")
    assert added.code == 0, added.err
    schedule(runtime, site)
    at(runtime, clock, STARTS + timedelta(minutes=30))
    body = {
        "routing_key": added.out.strip(),
        "event_action": "trigger",
        "dedup_key": "db-1/disk",
        "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"},
    }
    with TestClient(create_app(runtime)) as events:
        assert events.post("/v2/enqueue", json=body).status_code == 202
    escalate_due(runtime, "w1")
    assert pages() == []
    with unit_of_work(runtime.read_sessions) as session:
        alert_id = session.scalar(select(Alert.id))
    assert log_of(alert_id) == ["trigger", "held"]


def test_the_open_windows_are_read_once_a_transaction(runtime, clock, site):
    schedule(runtime, site)
    clock.set(STARTS + timedelta(minutes=30))
    holds = MaintenanceHolds()
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "status_incidents" in statement:
            statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", seen)
    try:
        with unit_of_work(runtime.sessions) as session:
            answers = [
                holds.held(session, service, clock.now())
                for service in ("platform-api", "status-checks", "platform-api")
            ]
            session.commit()
        assert answers == [HELD, None, HELD]
        assert len(statements) == 1
        with unit_of_work(runtime.sessions) as session:  # a new transaction reads again
            assert holds.held(session, "platform-api", ENDS) is None
        assert len(statements) == 2
    finally:
        event.remove(runtime.engine, "before_cursor_execute", seen)
