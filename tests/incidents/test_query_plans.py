"""The incident pages, the cycle, exports and the reactions to alerts and P1 tickets find their
rows through an index, however many incidents, entries, alerts and tickets there are (see
tests/query_plans.py for how plans are read)."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from bench.open_alerts import seed_open_alerts
from sqlalchemy import insert, select, text

from dutydesk.alerts.models import Alert
from dutydesk.alerts.service import acknowledge_alert
from dutydesk.db import unit_of_work
from dutydesk.incidents import links, service, timeline
from dutydesk.incidents.due import incidents_due
from dutydesk.incidents.export import export
from dutydesk.incidents.models import (
    Incident,
    IncidentAlert,
    IncidentReminder,
    IncidentTicket,
    TimelineEntry,
)
from dutydesk.incidents.panels import incidents_panel
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.ticket_reactions import open_incident_of
from dutydesk.incidents.views import view_incident
from dutydesk.tickets.models import Ticket
from tests.query_plans import captured_statements, explain

INCIDENTS = 400
ENTRIES = 20
_TABLES = (
    "incidents|incident_timeline|incident_timeline_edits|incident_roles|incident_participants"
    "|incident_alerts|incident_tickets|incident_reminders|incident_document_versions|alerts"
    "|tickets"
)
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")


def seed(runtime, now):
    """Open alerts and tickets, and incidents with their entries, links and reminders."""
    with runtime.engine.begin() as connection:
        seed_open_alerts(connection, 2000, now - timedelta(hours=1))
        connection.execute(
            insert(Ticket),
            [
                {
                    "subject": f"Ticket {n}",
                    "status": "open",
                    "priority": "P2",
                    "source": "mail",
                    "created_at": now,
                    "updated_at": now,
                    "clock_used_seconds": 0,
                }
                for n in range(1000)
            ],
        )
        statuses = ("active", "mitigated", "resolved", "reviewed", "reviewed")
        connection.execute(
            insert(Incident),
            [
                {
                    "title": f"Incident {n}",
                    "priority": ("P1", "P2", "P3", "P4")[n % 4],
                    "status": statuses[n % len(statuses)],
                    "source": "web",
                    "declared_at": now - timedelta(hours=n),
                    "declared_by": "alice",
                    "updated_at": now,
                    "document": "# x",
                    "document_version": 1,
                    "document_saved_at": now,
                    "document_saved_by": "alice",
                }
                for n in range(INCIDENTS)
            ],
        )
        connection.execute(
            insert(TimelineEntry),
            [
                {
                    "incident_id": n // ENTRIES + 1,
                    "occurred_at": now - timedelta(minutes=n),
                    "recorded_at": now,
                    "kind": "note",
                    "text": f"Entry {n}",
                    "author": "alice",
                    "pinned": False,
                    "details": {},
                }
                for n in range(INCIDENTS * ENTRIES)
            ],
        )
        alert_ids = list(connection.scalars(select(Alert.id).order_by(Alert.id)))
        connection.execute(
            insert(IncidentAlert),
            [
                {"incident_id": n % INCIDENTS + 1, "alert_id": alert_id, "linked_at": now}
                for n, alert_id in enumerate(alert_ids[:1500])
            ],
        )
        connection.execute(
            insert(IncidentTicket),
            [
                {"incident_id": n % INCIDENTS + 1, "ticket_id": n + 1, "linked_at": now}
                for n in range(800)
            ],
        )
        connection.execute(
            insert(IncidentReminder),
            [
                {"incident_id": n + 1, "kind": kind, "due_at": now + timedelta(minutes=n)}
                for n in range(INCIDENTS)
                for kind in ("update", "check", "boundary")
            ],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return alert_ids


def test_incident_reads_the_cycle_and_the_reactions_read_no_table_whole(
    runtime, clock, example_team
):
    now = clock.now()
    alert_ids = seed(runtime, now)
    with unit_of_work(runtime.read_sessions) as session:
        triggered = session.scalar(
            select(Alert.id).where(Alert.status == "triggered", Alert.id > alert_ids[1500])
        )
    with captured_statements(runtime) as statements:
        with unit_of_work(runtime.sessions) as session:
            incident = service.declare(
                session,
                incident_policy(session),
                service.Declaration(title="Measured", priority="P1", source="web"),
                actor="alice",
                person_id="alice",
                now=now,
                base_url="http://d",
            )
            links.link_alert(session, incident, triggered, actor="alice", now=now)
            session.commit()
            measured = incident.id
        with unit_of_work(runtime.read_sessions) as session:
            assert service.list_incidents(session)
            view = view_incident(session, 17)
            assert len(view.entries) == ENTRIES
            export(view.incident, timeline.entries(session, 17), ZoneInfo("Europe/London"), "csv")
            board = SimpleNamespace(page=SimpleNamespace(now=now), session=session, person_names={})
            assert incidents_panel(board) is not None
            assert open_incident_of(session, 1) is not None
        with unit_of_work(runtime.sessions) as session:
            acknowledge_alert(session, triggered, now, actor="bob")
            session.commit()
        clock.set(now + timedelta(hours=2))
        assert incidents_due(runtime, "plans") > 0
    with unit_of_work(runtime.read_sessions) as session:
        kinds = [e.kind for e in view_incident(session, measured).entries]
    assert kinds.count("alert") == 2  # linked, then acknowledged
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 15
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
