"""The status page's queries find their rows through an index, however much history it has:
publishing (the snapshot rebuilt, subscribers told, reminders owed), the worker's pass, the
maintenance holds escalation asks about, and the management API's lists (see
tests/query_plans.py for how plans are read).

Telling subscribers reads every subscriber of the components concerned, which is the work
itself: `status_subscribers` is not among the tables checked.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert, text

from dutydesk.db import unit_of_work
from dutydesk.statuspage import components, maintenance, publishing, snapshot
from dutydesk.statuspage.due import statuspage_due
from dutydesk.statuspage.holds import MaintenanceHolds
from dutydesk.statuspage.models import (
    StatusComponentChange,
    StatusDue,
    StatusIncident,
    StatusIncidentComponent,
    StatusIncidentUpdate,
    StatusSubscriber,
)
from dutydesk.statuspage.publishing import UpdateDraft
from tests.query_plans import captured_statements, explain

PAST_INCIDENTS = 400
_TABLES = (
    "status_incidents|status_incident_updates|status_component_changes|status_due"
    "|status_incident_components|status_subscriber_components"
)
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")


def _seed(runtime, now):
    """A year of closed incidents on the components, with their updates and state changes; a
    thousand subscribers; reminders owed far ahead."""
    incidents, updates, links, changes, due = [], [], [], [], []
    for n in range(PAST_INCIDENTS):
        at = now - timedelta(days=365) + timedelta(hours=n * 20)
        incident_id = f"past{n:08d}"
        incidents.append({
            "id": incident_id, "kind": "incident", "name": f"Past {n}", "status": "resolved",
            "impact": "minor", "created_at": at, "updated_at": at, "started_at": at,
            "resolved_at": at + timedelta(hours=1), "last_update_at": at,
            "scheduled_remind_prior": False, "scheduled_auto_in_progress": False,
            "scheduled_auto_completed": False, "created_by": "seed",
        })  # fmt: skip
        links.append({"status_incident_id": incident_id, "component_id": "logs"})
        for k, status in enumerate(("investigating", "identified", "resolved")):
            updates.append({
                "id": f"u{n:08d}{k}", "status_incident_id": incident_id, "status": status,
                "body": "Text.", "display_at": at + timedelta(minutes=20 * k),
                "created_at": at, "updated_at": at, "deliver_notifications": False,
                "affected_components": [], "notified": 0, "created_by": "seed",
            })  # fmt: skip
        for k, state in enumerate(("degraded_performance", "operational")):
            changes.append({"component_id": "logs", "status": state, "at": at + timedelta(hours=k)})
        due.append({"key": f"no_update:far{n}", "kind": "no_update", "subject_id": incident_id,
                    "due_at": now + timedelta(days=30 + n)})  # fmt: skip
    with runtime.engine.begin() as connection:
        connection.execute(insert(StatusIncident), incidents)
        connection.execute(insert(StatusIncidentUpdate), updates)
        connection.execute(insert(StatusIncidentComponent), links)
        connection.execute(insert(StatusComponentChange), changes)
        connection.execute(insert(StatusDue), due)
        connection.execute(
            insert(StatusSubscriber),
            [
                {
                    "id": f"s{n:08d}",
                    "kind": "email",
                    "address": f"t{n}@example.org",
                    "address_digest": f"{n:064d}",
                    "all_components": True,
                    "created_at": now,
                    "confirmed_at": now,
                }
                for n in range(1000)
            ],
        )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def test_publishing_the_worker_and_the_holds_read_no_growing_table_whole(
    runtime, status_page, clock, site
):
    now = clock.now()
    _seed(runtime, now)
    with captured_statements(runtime) as statements:
        with unit_of_work(runtime.sessions) as session:
            made = publishing.create_incident(
                session, name="API errors",
                draft=UpdateDraft("investigating", "Errors.", {"api": "partial_outage"}),
                actor="erin", now=now, site=site,
            )  # fmt: skip
            window = maintenance.schedule(
                session,
                maintenance.Window("Upgrade", "Pauses.", now + timedelta(hours=2),
                                   now + timedelta(hours=3), ["api"]),
                actor="erin", now=now, site=site,
            )  # fmt: skip
            session.commit()
            made_id, window_id = made.id, window.id
        with unit_of_work(runtime.sessions) as session:
            found = publishing.get_status_incident(session, made_id, lock=True)
            publishing.publish_update(
                session, found, UpdateDraft("resolved", "Fixed.", {"api": "operational"}),
                actor="erin", now=now, site=site,
            )  # fmt: skip
            components.set_state(
                session, components.get_component(session, "logs", lock=True), "major_outage",
                now=now,
            )  # fmt: skip
            session.commit()
        clock.set(now + timedelta(hours=2, minutes=1))
        assert statuspage_due(runtime, "plans") > 0
        with unit_of_work(runtime.read_sessions) as session:
            assert MaintenanceHolds().held(session, "platform-api", clock.now()) is not None
            assert publishing.list_status_incidents(session, kind="incident", limit=20)
            assert publishing.updates_of(session, window_id)
            assert snapshot.stored(session) is not None
    plans = explain(runtime, statements)
    postgres = runtime.engine.dialect.name == "postgresql"
    scan = _POSTGRES_SCAN if postgres else _SQLITE_SCAN
    scans = {s: p for s, p in plans.items() if any(scan.search(step) for step in p)}
    assert len(plans) >= 15
    assert not scans, "\n\n".join(f"{s}\n  {' | '.join(p)}" for s, p in scans.items())
