"""A Zendesk webhook finds its mirror, its comments and the deliveries already taken through an
index, however many there are (see tests/query_plans.py for how plans are read)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert, text

from dutydesk.tickets.models import Ticket, TicketMessage, ZendeskDelivery
from tests.query_plans import captured_statements, explain
from tests.tickets.zendesk.webhooks import comment_event, ticket_event

MIRRORS = 3000
_SQLITE_SCAN = re.compile(r"^SCAN (tickets|ticket_messages|zendesk_deliveries)\b")
_POSTGRES_SCAN = re.compile(r"Seq Scan on (tickets|ticket_messages|zendesk_deliveries)\b")


def seed(runtime, now):
    """Mirrors of Zendesk tickets 1…MIRRORS, each with its description and a comment, and a
    day's deliveries remembered (a tenth of them past their time)."""
    with runtime.engine.begin() as connection:
        connection.execute(
            insert(Ticket),
            [
                {
                    "subject": f"Zendesk {n}",
                    "status": "open",
                    "source": "zendesk",
                    "external_id": str(n),
                    "created_at": now,
                    "updated_at": now,
                    "external_updated_at": now - timedelta(hours=1),
                    "clock_used_seconds": 0,
                }
                for n in range(1, MIRRORS + 1)
            ],
        )
        connection.execute(
            insert(TicketMessage),
            [
                {
                    "ticket_id": n // 2 + 1,
                    "kind": "tenant" if n % 2 == 0 else "reply",
                    "body_text": "help",
                    "external_id": "description" if n % 2 == 0 else f"comment:{n}",
                    "created_at": now,
                }
                for n in range(2 * MIRRORS)
            ],
        )
        connection.execute(
            insert(ZendeskDelivery),
            [
                {"key": f"{n:064x}", "expires_at": now + timedelta(minutes=n % 1440 - 144)}
                for n in range(MIRRORS)
            ],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def test_a_webhook_reads_no_table_whole(runtime, clock, zendesk):
    now = clock.now()
    seed(runtime, now)
    with captured_statements(runtime) as statements:
        for payload in (
            ticket_event("status_changed", 1500, now, status="OPEN"),
            comment_event(1500, 99_001, "Any news?", now, status="OPEN"),
            comment_event(1500, 99_002, "On it", now, staff=True, status="OPEN"),
            ticket_event("created", 99_999, now),
            ticket_event("status_changed", 1500, now - timedelta(hours=2), status="SOLVED"),
        ):
            answer = zendesk.send(payload)
            assert answer.status_code == 200, answer.text
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 6
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
