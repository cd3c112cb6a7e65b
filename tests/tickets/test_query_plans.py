"""The queue, the ticket pages, the tickets cycle and the mail intake find their rows through an
index, however many tickets there are: with thousands open and more solved, no query reads the
tickets, their messages or the audit log whole (see tests/query_plans.py for how plans are
read)."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import insert, text

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.tenants.models import Tenant, TenantContact, TenantDomain
from dutydesk.tickets import service
from dutydesk.tickets.due import tickets_due
from dutydesk.tickets.intake import Filed
from dutydesk.tickets.mail_in import file_batch
from dutydesk.tickets.models import Ticket, TicketMessage
from dutydesk.tickets.page_views import names, view_ticket
from dutydesk.tickets.panels import tickets_panel
from tests.query_plans import captured_statements, explain
from tests.tickets.test_intake import mail

TICKETS = 3000
_SQLITE_SCAN = re.compile(r"^SCAN (tickets|ticket_messages|audit_entries)\b")
_POSTGRES_SCAN = re.compile(r"Seq Scan on (tickets|ticket_messages|audit_entries)\b")


def seed(runtime, now):
    """Tickets in every status and priority, a third of them with a reminder due soon."""
    statuses = ("new", "open", "pending", "solved", "closed", "closed")
    rows = [
        _clock(statuses[n % len(statuses)], n, now) | {"subject": f"Ticket {n}"}
        for n in range(TICKETS)
    ]
    rows = [
        row
        | {
            "requester_email": f"ops{n % 97}@acme.com",
            "priority": ("P1", "P2", "P3", "P4", None)[n % 5],
            "assignee_id": "carol" if n % 4 == 0 else None,
            "tenant_id": "acme" if n % 3 == 0 else None,
            "source": "mail",
            "created_at": now - timedelta(days=n % 60),
            "updated_at": now,
        }
        for n, row in enumerate(rows)
    ]
    with runtime.engine.begin() as connection:
        connection.execute(insert(Tenant), [{"id": "acme", "name": "Acme", "created_at": now}])
        connection.execute(insert(Ticket), rows)
        # Every ticket's opening in the audit log, as the service files it.
        connection.execute(
            insert(AuditEntry),
            [
                {
                    "at": now,
                    "actor": "mail",
                    "action": "ticket.open",
                    "summary": f"opened ticket #{n + 1}",
                    "details": {"ticket": n + 1},
                    "subject": service.audit_subject(n + 1),
                }
                for n in range(TICKETS)
            ],
        )
        connection.execute(
            insert(TicketMessage),
            [
                {
                    "ticket_id": n + 1,
                    "kind": "tenant",
                    "body_text": "help",
                    "message_id": f"<m{n}@acme.com>",
                    "created_at": now,
                }
                for n in range(TICKETS)
            ],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def _clock(status, n, now):
    """A clock as the service leaves it: running while new or open, paused while pending."""
    running = status in ("new", "open")
    return {
        "status": status,
        "clock_kind": None if status in ("solved", "closed") else "first_response",
        "clock_running_since": now if running else None,
        "clock_used_seconds": 0,
        "answer_due_at": now + timedelta(minutes=n % 600) if running else None,
        "next_reminder_at": now + timedelta(minutes=n % 900) if running else None,
        "next_reminder_stage": 1 if running else None,
    }


def test_the_queue_and_the_tickets_cycle_read_no_table_whole(runtime, clock, example_team):
    now = clock.now()
    seed(runtime, now)
    with captured_statements(runtime) as statements:
        with unit_of_work(runtime.read_sessions) as session:
            for queue in (
                service.Queue(),
                service.Queue(unassigned=True),
                service.Queue(priority="P1"),
                service.Queue(statuses=("new",), assignee_id="carol"),
                service.Queue(due_before=now + timedelta(hours=1)),
            ):
                assert service.list_tickets(session, queue)
            ticket = service.get_ticket(session, 7)
            service.thread_of(session, ticket.id)
        # The pages: a queue's count and its next page (after a due time, and after the paused
        # ones' none), one ticket's page, the dashboard's panel.
        with unit_of_work(runtime.read_sessions) as session:
            for queue in (
                service.Queue(),
                service.Queue(unassigned=True),
                service.Queue(tenant_id="acme"),
                service.Queue(assignee_id="carol"),
                service.Queue(due_before=now + timedelta(hours=1)),
            ):
                assert service.count_tickets(session, queue)
            place = service.QueuePlace(now + timedelta(minutes=300), 1500)
            assert service.list_tickets(session, service.Queue(limit=101, after=place))
            paused = service.QueuePlace(None, 2000)
            assert service.list_tickets(session, service.Queue(limit=101, after=paused))
            view = view_ticket(session, 7, names(session), now)
            assert view.history and view.thread
            board = SimpleNamespace(page=SimpleNamespace(now=now), session=session, person_names={})
            assert tickets_panel(board).context["open_count"] > 0
        clock.set(now + timedelta(minutes=30))
        assert tickets_due(runtime, "plans") > 0
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 6
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())


_MAIL_TABLES = (
    "tickets|ticket_messages|audit_entries|tenant_contacts|tenant_domains|outbox_messages"
)
_SQLITE_MAIL_SCAN = re.compile(rf"^SCAN ({_MAIL_TABLES})\b")
_POSTGRES_MAIL_SCAN = re.compile(rf"Seq Scan on ({_MAIL_TABLES})\b")


def test_a_batch_of_mail_finds_its_threads_tenants_and_tickets_through_indexes(
    runtime, clock, example_team
):
    now = clock.now()
    seed(runtime, now)
    with runtime.engine.begin() as connection:
        connection.execute(insert(TenantDomain), [{"domain": "acme.com", "tenant_id": "acme"}])
        connection.execute(
            insert(TenantContact), [{"tenant_id": "acme", "email": "boss@example.org"}]
        )
    raws = [
        # Replies by header to seeded messages, by the subject's number, and new requests from
        # a contact, a tenant's domain and nobody known.
        mail("More.", message_id="<r1@acme.com>", in_reply_to="<m5@acme.com>"),
        mail("More.", message_id="<r2@acme.com>", subject="Re: [#7] Ticket 6"),
        mail("Hi.", message_id="<n1@x.org>", sender="boss@example.org"),
        mail("Hi.", message_id="<n2@x.org>", sender="dev@eu.acme.com"),
        mail("Hi.", message_id="<n3@x.org>", sender="someone@nowhere.example"),
    ]
    with captured_statements(runtime) as statements:
        filed = file_batch(runtime, raws)
    assert all(isinstance(f, Filed) for f in filed), filed
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_MAIL_SCAN if postgres else _SQLITE_MAIL_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 8
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
