"""The tickets cycle: the engineer on support is reminded at half and three quarters of a
target and at the breach, once each; an overdue answer pages the support service once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dutydesk.alerts.models import Alert
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.oncall.service import who
from dutydesk.tickets import service as tickets
from dutydesk.tickets.due import tickets_due
from dutydesk.tickets.support import support_policy

# Wednesday 14 January 2026 10:00 GMT: bob is on the engineering rota, support's rota.
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.fixture
def ticket_id(runtime, example_team):
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.open_ticket(
            session,
            support_policy(session),
            subject="Deploys fail",
            first=tickets.Incoming("Help", author_email="ops@acme.com"),
            source="web",
            actor="alice",
            now=NOW,
            priority="P2",
        )
        session.commit()
        return ticket.id


def _reminders(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (m.destination, m.subject, m.due_at)
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.like("ticket-%"))
                .order_by(OutboxMessage.id)
            )
        ]


def _alerts(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return [(a.service_id, a.dedup_key, a.summary) for a in session.scalars(select(Alert))]


def _pass_at(runtime, clock, at):
    clock.set(at)
    return tickets_due(runtime, "test")


def test_the_engineer_on_support_is_reminded_at_half_three_quarters_and_the_breach(
    runtime, clock, ticket_id
):
    who_is_on = _pass_at(runtime, clock, NOW + timedelta(minutes=14))
    assert who_is_on == 0 and _reminders(runtime) == []
    assert _pass_at(runtime, clock, NOW + timedelta(minutes=15)) == 1
    [(destination, subject, _)] = _reminders(runtime)
    assert subject == (
        "[Dutydesk] Ticket #1 (P2): first response due Wed 14 Jan 2026 10:30 (15 min left)"
    )
    with unit_of_work(runtime.read_sessions) as session:
        assert who(session, ["engineering"], clock.now())[0].now.person == "bob"
    assert destination == "bob@example.org"
    # Twice at the same moment: nothing more.
    assert _pass_at(runtime, clock, NOW + timedelta(minutes=16)) == 0
    _pass_at(runtime, clock, NOW + timedelta(minutes=23))
    _pass_at(runtime, clock, NOW + timedelta(minutes=30))
    subjects = [subject for _, subject, _ in _reminders(runtime)]
    assert subjects == [
        "[Dutydesk] Ticket #1 (P2): first response due Wed 14 Jan 2026 10:30 (15 min left)",
        "[Dutydesk] Ticket #1 (P2): first response due Wed 14 Jan 2026 10:30 (7 min left)",
        "[Dutydesk] Ticket #1 (P2): first response overdue",
    ]
    assert _pass_at(runtime, clock, NOW + timedelta(hours=5)) == 0


def test_a_breach_pages_the_support_service_once(runtime, clock, ticket_id):
    for minutes in (15, 23, 30, 31):
        _pass_at(runtime, clock, NOW + timedelta(minutes=minutes))
    assert _alerts(runtime) == [
        ("platform-api", "ticket-1-breach", "Ticket #1, answer overdue: Deploys fail")
    ]
    with unit_of_work(runtime.read_sessions) as session:
        assert tickets.get_ticket(session, ticket_id).breached_at == NOW + timedelta(minutes=30)


def test_a_reply_before_the_breach_starts_the_update_clock_and_nothing_pages(
    runtime, clock, ticket_id
):
    _pass_at(runtime, clock, NOW + timedelta(minutes=15))
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.get_ticket(session, ticket_id)
        tickets.reply(
            session,
            support_policy(session),
            ticket,
            "On it",
            actor="carol",
            person_id="carol",
            now=NOW + timedelta(minutes=20),
        )
        session.commit()
    assert _pass_at(runtime, clock, NOW + timedelta(minutes=31)) == 0
    assert _alerts(runtime) == []
    # P2 updates every 2 hours: reminded at 1 h after the reply.
    assert _pass_at(runtime, clock, NOW + timedelta(minutes=80)) == 1
    assert _reminders(runtime)[-1][1].startswith("[Dutydesk] Ticket #1 (P2): update to the tenant")


def test_a_pending_ticket_is_not_reminded(runtime, clock, ticket_id):
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.get_ticket(session, ticket_id)
        tickets.set_status(
            session, support_policy(session), ticket, "pending", actor="carol", now=NOW
        )
        session.commit()
    assert _pass_at(runtime, clock, NOW + timedelta(days=3)) == 0
    assert _reminders(runtime) == [] and _alerts(runtime) == []


def test_a_p1_pages_at_once(runtime, clock, example_team):
    with unit_of_work(runtime.sessions) as session:
        tickets.open_ticket(
            session,
            support_policy(session),
            subject="Everything is down",
            first=tickets.Incoming("Help", author_email="ops@acme.com"),
            source="web",
            actor="alice",
            now=NOW,
            priority="P1",
        )
        session.commit()
    assert _alerts(runtime) == [
        ("platform-api", "ticket-1-priority", "Ticket #1, P1 ticket: Everything is down")
    ]
