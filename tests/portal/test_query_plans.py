"""Every query of a portal page finds its rows through an index, however many tickets, links,
sessions and link requests there are (see tests/query_plans.py for how plans are read)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert, select, text

from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.portal import signin
from dutydesk.portal.models import PortalLinkRequest
from dutydesk.portal.queries import PAGE_SIZE, public_thread, tenant_ticket, tenant_tickets
from dutydesk.tenants.models import Tenant, TenantDomain
from dutydesk.tickets.models import Ticket, TicketMessage
from tests.query_plans import captured_statements, explain

TICKETS = 3000
TENANTS = 30
_TABLES = "tickets|ticket_messages|portal_links|portal_sessions|portal_link_requests"
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")
# PostgreSQL: an index read from end to end (no Index Cond beneath it) reads the table whole too.
_POSTGRES_INDEX = re.compile(
    rf"^(\s*(?:->\s+)?)(?:Index|Index Only) Scan (?:Backward )?using \S+ on ({_TABLES})\b"
)


def seed(runtime, now):
    """Tenants with a hundred tickets each, each ticket with a message, a reply and a note, and
    an hour of link requests from many clients."""
    with runtime.engine.begin() as connection:
        connection.execute(
            insert(Tenant),
            [{"id": f"t{n}", "name": f"T{n}", "created_at": now} for n in range(TENANTS)],
        )
        connection.execute(
            insert(TenantDomain),
            [{"domain": f"t{n}.example", "tenant_id": f"t{n}"} for n in range(TENANTS)],
        )
        connection.execute(
            insert(Ticket),
            [
                {
                    "tenant_id": f"t{n % TENANTS}",
                    "subject": f"Ticket {n}",
                    "requester_email": f"ops@t{n % TENANTS}.example",
                    "status": ("new", "open", "pending", "solved", "closed")[n % 5],
                    "source": "mail",
                    "created_at": now - timedelta(minutes=n),
                    "updated_at": now,
                    "clock_used_seconds": 0,
                }
                for n in range(TICKETS)
            ],
        )
        connection.execute(
            insert(TicketMessage),
            [
                {
                    "ticket_id": n // 3 + 1,
                    "kind": ("tenant", "reply", "note")[n % 3],
                    "body_text": "words",
                    "created_at": now - timedelta(minutes=n),
                }
                for n in range(TICKETS * 3)
            ],
        )
        connection.execute(
            insert(PortalLinkRequest),
            [
                {
                    "at": now - timedelta(seconds=n),
                    "address": f"10.0.{n % 250}.1",
                    "email_digest": f"{n:064x}",
                }
                for n in range(3000)
            ],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def test_the_portals_pages_read_no_table_whole(runtime, clock, example_team):
    now = clock.now()
    seed(runtime, now)
    with unit_of_work(runtime.sessions) as session:
        signin.request_link(
            session,
            "ops@t7.example",
            now,
            client_host="10.0.0.9",
            base_url="http://x",
            next_path="/portal/tickets",
        )
        session.commit()
    with captured_statements(runtime) as statements:
        with unit_of_work(runtime.sessions) as session:
            signin.request_link(
                session,
                "ops@t7.example",
                now,
                client_host="10.0.0.9",
                base_url="http://x",
                next_path="/portal/tickets",
            )
            mail = session.scalar(
                select(OutboxMessage.text).order_by(OutboxMessage.id.desc()).limit(1)
            )
            token = mail.split("token=")[1].split()[0]
            assert signin.usable_link(session, token, now) is not None
            started = signin.consume_link(session, token, now)
            session.commit()
        with unit_of_work(runtime.read_sessions) as session:
            visitor = signin.visitor_of(session, started.token, now + timedelta(minutes=5))
            assert visitor is not None and visitor.tenant_id == "t7"
            listed = tenant_tickets(session, "t7", 1)
            assert (len(listed.tickets), listed.has_more) == (PAGE_SIZE, True)
            tenant_tickets(session, "t7", 2)
            ticket = tenant_ticket(session, "t7", listed.tickets[0].ticket.id)
            public_thread(session, ticket)
        with unit_of_work(runtime.sessions) as session:
            signin.touch_session(session, started.token, now + timedelta(minutes=5))
            signin.sign_out(session, started.token)
            session.commit()
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {
        s: p
        for s, p in plans.items()
        if any(scan.search(step) for step in p) or (postgres and whole_index_reads(p))
    }
    assert len(plans) >= 12
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())


def whole_index_reads(plan):
    """The index scans of a PostgreSQL plan with no Index Cond: the whole index, read."""
    found = []
    for index, step in enumerate(plan):
        node = _POSTGRES_INDEX.match(step)
        if node is None:
            continue
        depth = len(node.group(1))
        details = []
        for later in plan[index + 1 :]:
            if "->" in later or len(later) - len(later.lstrip()) <= depth:
                break
            details.append(later.strip())
        if not any(detail.startswith("Index Cond:") for detail in details):
            found.append(step)
    return found
