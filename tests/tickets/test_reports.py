"""Ticket reports: first-response percentiles per priority as the targets count time, overdue
answers, and tickets per tenant per week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.tenants import service as tenants
from dutydesk.tickets import service as tickets
from dutydesk.tickets.reports import percentile, ticket_report
from dutydesk.tickets.support import support_policy
from dutydesk.timeparse import parse_zone

# Monday 12 January 2026, 10:00 GMT, in support hours (Mon-Fri 09:30-17:30).
MONDAY = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


def _ticket(session, at, priority, *, answered_after=None, sender="ops@acme.com"):
    policy = support_policy(session)
    ticket = tickets.open_ticket(
        session,
        policy,
        subject="x",
        first=tickets.Incoming("help", author_email=sender),
        source="api",
        actor="test",
        now=at,
        priority=priority,
    )
    if answered_after is not None:
        tickets.reply(session, policy, ticket, "on it", actor="carol", now=at + answered_after)
    return ticket


@pytest.fixture
def session(runtime, example_team):
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="t", now=MONDAY)
        yield session


def test_percentiles_are_nearest_rank():
    values = [timedelta(minutes=m) for m in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert (percentile(values, 50), percentile(values, 90), percentile(values, 95)) == (
        timedelta(minutes=5),
        timedelta(minutes=9),
        timedelta(minutes=10),
    )
    assert percentile([timedelta(minutes=3)], 95) == timedelta(minutes=3)


def test_response_times_per_priority_count_as_the_targets_do(session):
    for minutes in (10, 20, 40):
        _ticket(session, MONDAY, "P2", answered_after=timedelta(minutes=minutes))
    _ticket(session, MONDAY, "P2")  # not answered yet
    # A P3 that arrives Friday 17:00 and is answered Monday 10:00: 1 support hour, not 65.
    friday = datetime(2026, 1, 16, 17, 0, tzinfo=UTC)
    _ticket(session, friday, "P3", answered_after=timedelta(hours=65))
    report = ticket_report(
        session,
        support_policy(session),
        parse_zone("Europe/London"),
        MONDAY,
        MONDAY + timedelta(weeks=1),
    )
    by_priority = {r.priority: r for r in report.responses}
    p2 = by_priority["P2"]
    assert (p2.tickets, p2.answered, p2.within_target) == (4, 3, 2)
    assert p2.percentiles == {
        50: timedelta(minutes=20),
        90: timedelta(minutes=40),
        95: timedelta(minutes=40),
    }
    assert by_priority["P3"].percentiles[50] == timedelta(hours=1)
    assert by_priority["P1"].tickets == 0 and by_priority["P1"].percentiles == {}


def test_tickets_per_tenant_per_week_and_breaches(session, runtime, clock):
    _ticket(session, MONDAY, "P4")
    _ticket(session, MONDAY + timedelta(days=8), "P4")
    _ticket(session, MONDAY + timedelta(days=9), None, sender="who@example.org")
    breached = _ticket(session, MONDAY, "P1")
    breached.breached_at = MONDAY + timedelta(minutes=20)
    session.commit()
    report = ticket_report(
        session,
        support_policy(session),
        parse_zone("Europe/London"),
        MONDAY,
        MONDAY + timedelta(weeks=2),
    )
    assert report.per_tenant_week == {
        "acme": {date(2026, 1, 12): 2, date(2026, 1, 19): 1},
        "none": {date(2026, 1, 19): 1},
    }
    assert report.breaches == {"P1": 1}


def test_the_report_through_the_api_and_the_cli(api, cli, example_team, runtime):
    with unit_of_work(runtime.sessions) as session:
        _ticket(
            session,
            datetime(2026, 1, 13, 10, 0, tzinfo=UTC),
            "P2",
            answered_after=timedelta(minutes=12),
        )
        session.commit()
    answer = api.get("/api/v1/tickets/report", params={"since": "2026-01-12T00:00"})
    assert answer.status_code == 200, answer.text
    p2 = next(r for r in answer.json()["responses"] if r["priority"] == "P2")
    assert (p2["answered"], p2["p50_seconds"]) == (1, 720.0)
    assert answer.json()["per_tenant_week"] == {"none": {"2026-01-12": 1}}
    shown = cli("ticket", "report", "--since", "2026-01-12T00:00").out
    assert "P2" in shown and "12 min" in shown
    backwards = api.get(
        "/api/v1/tickets/report", params={"since": "2026-01-14T00:00", "until": "2026-01-13T00:00"}
    )
    assert backwards.status_code == 422
    assert backwards.json()["message"].startswith("'since'")
