"""Signed webhooks when a ticket is created, its answer comes overdue and it is solved: one
each, to a real HTTP receiver, verifiable with the receiver's secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import deliver_due
from dutydesk.notify.signing import verify_signature, webhook_secret
from dutydesk.tickets import service as tickets
from dutydesk.tickets.due import tickets_due
from dutydesk.tickets.support import support_policy
from tests.notify.servers import recording_server

EXAMPLE_TEAM = Path(__file__).resolve().parents[2] / "examples" / "team.yaml"
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


def test_created_breached_and_solved_reach_the_receiver_once_each(runtime, make_team, clock):
    with recording_server() as receiver:
        url = f"{receiver.url}/tickets"
        make_team(
            EXAMPLE_TEAM.read_text().replace(
                "  page_at_once: [P1]", f'  page_at_once: [P1]\n  webhooks: ["{url}"]'
            )
        )
        with unit_of_work(runtime.sessions) as session:
            ticket = tickets.open_ticket(
                session,
                support_policy(session),
                subject="Deploys fail",
                first=tickets.Incoming("Help", author_email="ops@acme.com"),
                source="api",
                actor="test",
                now=NOW,
                priority="P2",
            )
            session.commit()
            number = ticket.id
        for minutes in (15, 23, 30, 31):
            clock.set(NOW + timedelta(minutes=minutes))
            tickets_due(runtime, "test")
        with unit_of_work(runtime.sessions) as session:
            ticket = tickets.get_ticket(session, number)
            tickets.set_status(
                session, support_policy(session), ticket, "solved", actor="carol", now=clock.now()
            )
            session.commit()
        deliver_due(runtime, "test")
        deliver_due(runtime, "test")
        events = [request.params()["event"] for request in receiver.requests]
        assert sorted(events) == ["ticket.breached", "ticket.created", "ticket.solved"]
        secret = webhook_secret(runtime.secret_key(), url)
        for request in receiver.requests:
            assert verify_signature(
                secret,
                request.headers["dutydesk-signature"],
                request.body,
                now=int(clock.now().timestamp()),
            )
        created = next(
            r.params() for r in receiver.requests if r.params()["event"] == "ticket.created"
        )
        assert created["ticket"]["id"] == number and created["ticket"]["priority"] == "P2"
