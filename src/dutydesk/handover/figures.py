"""The sections of a handover report, each a function of the period that returns its figures
as plain JSON values (times as ISO 8601 UTC text), so that a report is stored as it was made.

Every query reads the period through an index on the time it filters by
(tests/handover/test_query_plans.py): a year of alerts costs a week's worth to count.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert, Service
from dutydesk.builds import report as build_report
from dutydesk.builds.models import BuildResult
from dutydesk.builds.service import red_now
from dutydesk.builds.spells import job_name
from dutydesk.escalation.pages_sent import steps_paged
from dutydesk.handover.period import Period
from dutydesk.incidents.models import OPEN_STATUSES, RESOLVED, Incident
from dutydesk.overrides.queries import overrides_touching
from dutydesk.people.models import Person
from dutydesk.rotas.models import Rota
from dutydesk.tasks.models import DONE, OPEN, Task
from dutydesk.tickets.models import RUNNING, Ticket

NOISIEST = 5
# The build jobs a report names, the most costly first.
TOP_JOBS = 5
# Lists in a report stop here; their counts are whole.
LISTED = 50
OPEN_TICKET_STATUSES = ("new", "open", "pending")


def iso(instant: datetime | None) -> str | None:
    """An instant as stored in a report."""
    return None if instant is None else instant.isoformat()


def alerts_section(session: Session, period: Period) -> dict[str, Any]:
    """How many alerts came, from which services most, and the pages sent out of hours."""
    in_period = (Alert.created_at >= period.start, Alert.created_at < period.end)
    count = session.scalar(select(func.count()).select_from(Alert).where(*in_period)) or 0
    per_service = session.execute(
        select(Alert.service_id, func.count().label("alerts"))
        .where(*in_period)
        .group_by(Alert.service_id)
        .order_by(func.count().desc(), Alert.service_id)
        .limit(NOISIEST)
    ).all()
    names = _service_names(session)
    pages = _pages(session, period, names)
    out_of_hours = [page for page in pages if not page["in_hours"]]
    return {
        "count": count,
        "noisiest": [
            {"service": service_id, "name": names.get(service_id, service_id), "alerts": alerts}
            for service_id, alerts in per_service
        ],
        "pages": len(pages),
        "pages_out_of_hours": len(out_of_hours),
        "out_of_hours": out_of_hours[:LISTED],
    }


def _pages(session: Session, period: Period, names: dict[str, str]) -> list[dict[str, Any]]:
    """Each escalation step that paged in the period, once: when, for which service, to whom,
    and whether in hours."""
    people = _person_names(session)
    return [
        {
            "at": iso(step.at),
            "group": step.group_id,
            "service": step.service_id,
            "name": names.get(step.service_id, step.service_id),
            "people": [people[person] for person in step.people if person in people],
            "in_hours": period.hours.is_open(step.at),
        }
        for step in steps_paged(session, period.start, period.end)
    ]


def tickets_section(session: Session, period: Period) -> dict[str, Any]:
    """Tickets that came, were solved and came overdue in the period; those still open, with
    their clocks (what is owed by when, and whether it is overdue now)."""

    def count_between(column: Any) -> int:
        query = select(func.count()).select_from(Ticket)
        return session.scalar(query.where(column >= period.start, column < period.end)) or 0

    still_open = Ticket.status.in_(OPEN_TICKET_STATUSES)
    open_count = session.scalar(select(func.count()).select_from(Ticket).where(still_open)) or 0
    # Counted, not taken from the listed ones: a long queue has more overdue than it lists.
    overdue_count = (
        session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.status.in_(RUNNING), Ticket.answer_due_at <= period.now)
        )
        or 0
    )
    listed = session.scalars(
        select(Ticket)
        .where(still_open)
        .order_by(Ticket.answer_due_at.is_(None), Ticket.answer_due_at, Ticket.id)
        .limit(LISTED)
    ).all()
    return {
        "new": count_between(Ticket.created_at),
        "solved": count_between(Ticket.solved_at),
        "breached": count_between(Ticket.breached_at),
        "open_count": open_count,
        "overdue_count": overdue_count,
        "open": [
            {
                "id": ticket.id,
                "subject": ticket.subject,
                "priority": ticket.priority,
                "status": ticket.status,
                "owed": ticket.clock_kind,
                "due_at": iso(ticket.answer_due_at),
                "overdue": ticket.status in RUNNING
                and ticket.answer_due_at is not None
                and ticket.answer_due_at <= period.now,
            }
            for ticket in listed
        ],
    }


def incidents_section(session: Session, period: Period) -> dict[str, Any]:
    """Incidents open now, resolved in the period, and resolved ones whose review is owed."""
    still_open = session.scalars(
        select(Incident)
        .where(Incident.status.in_(OPEN_STATUSES))
        .order_by(Incident.declared_at)
        .limit(LISTED)
    ).all()
    resolved = session.scalars(
        select(Incident)
        .where(Incident.resolved_at >= period.start, Incident.resolved_at < period.end)
        .order_by(Incident.resolved_at)
        .limit(LISTED)
    ).all()
    reviews = session.scalars(
        select(Incident)
        .where(Incident.status == RESOLVED, Incident.review_due_at.is_not(None))
        .order_by(Incident.review_due_at)
        .limit(LISTED)
    ).all()

    def count(*conditions: Any) -> int:
        return session.scalar(select(func.count()).select_from(Incident).where(*conditions)) or 0

    return {
        # Counted, not taken from the listed ones: the lists stop at LISTED.
        "open_count": count(Incident.status.in_(OPEN_STATUSES)),
        "resolved_count": count(
            Incident.resolved_at >= period.start, Incident.resolved_at < period.end
        ),
        "reviews_due_count": count(
            Incident.status == RESOLVED, Incident.review_due_at.is_not(None)
        ),
        "open": [_incident(incident) for incident in still_open],
        "resolved": [_incident(incident) for incident in resolved],
        "reviews_due": [
            _incident(incident)
            | {
                "review_due_at": iso(incident.review_due_at),
                "overdue": incident.review_due_at is not None
                and incident.review_due_at <= period.now,
            }
            for incident in reviews
        ],
    }


def _incident(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "priority": incident.priority,
        "status": incident.status,
        "declared_at": iso(incident.declared_at),
        "resolved_at": iso(incident.resolved_at),
    }


def rota_changes_section(session: Session, period: Period) -> dict[str, Any]:
    """Swaps, break cover and other overrides on any rota that touched the period."""
    people = _person_names(session)
    rotas = dict(session.execute(select(Rota.id, Rota.name)).all())
    rows = overrides_touching(session, period.start, period.end)
    changes = [
        {
            "kind": kind,
            "rota": rota_id,
            "rota_name": rotas.get(rota_id, rota_id),
            "person": person_id,
            "name": people.get(person_id, person_id),
            "start": iso(start_at),
            "end": iso(end_at),
        }
        for rota_id, person_id, start_at, end_at, kind in sorted(rows, key=lambda r: r[2])
    ]
    kinds = Counter(change["kind"] for change in changes)
    return {
        "swaps": kinds.get("swap", 0),
        "cover": kinds.get("cover", 0),
        "overrides": kinds.get("override", 0),
        "changes": changes[:LISTED],
    }


def tasks_section(session: Session, period: Period) -> dict[str, Any]:
    """Tasks completed in the period, and the open ones the outgoing engineer owns."""
    people = _person_names(session)
    done = session.scalars(
        select(Task)
        .where(
            Task.completed_at >= period.start,
            Task.completed_at < period.end,
            Task.status == DONE,
        )
        .order_by(Task.completed_at)
    ).all()
    owned: list[Task] = []
    owned_count = 0
    if period.outgoing_id is not None:
        owned_count = (
            session.scalar(
                select(func.count())
                .select_from(Task)
                .where(Task.owner_id == period.outgoing_id, Task.status == OPEN)
            )
            or 0
        )
        owned = list(
            session.scalars(
                select(Task)
                .where(Task.owner_id == period.outgoing_id, Task.status == OPEN)
                .order_by(Task.id)
                .limit(LISTED)
            )
        )

    def task(row: Task) -> dict[str, Any]:
        owner = people.get(row.owner_id) if row.owner_id else None
        return {"id": row.id, "title": row.title, "owner": owner, "done_at": iso(row.completed_at)}

    return {
        "done_count": len(done),
        "done": [task(row) for row in done[:LISTED]],
        "outgoing_open_count": owned_count,
        "outgoing_open": [task(row) for row in owned],
    }


def builds_section(session: Session, period: Period) -> dict[str, Any] | None:
    """The week's build failures on the main branches: failures, red time, flaky runs and the
    jobs by impact; and the jobs red as the report is made, with who is fixing them. Left out
    for a team that has never recorded a build."""
    if session.scalar(select(BuildResult.id).limit(1)) is None:
        return None
    summary = build_report.summary(session, period.start, period.end, period.zone, period.now)
    people = _person_names(session)
    red = [
        {
            "job": job_name(spell),
            "since": iso(spell.started_at),
            "failures": spell.failures,
            "fixing": people.get(spell.claimed_by) if spell.claimed_by else None,
        }
        for spell in red_now(session)
    ]
    return {
        "failures": summary.failures,
        "red_seconds": summary.red_seconds,
        "flaky": summary.flaky,
        "top_jobs": [
            {
                "job": f"{row.source} {row.pipeline}/{row.job}",
                "failures": row.failures,
                "red_seconds": row.red_seconds,
                "flaky": row.flaky,
                "impact": round(row.impact, 2),
            }
            for row in summary.top_jobs[:TOP_JOBS]
        ],
        "red": red[:LISTED],
        "open_items": {"red": len(red)},
    }


def open_items(sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the incoming engineer takes over, from the other sections' figures: open
    incidents, open tickets (overdue first), the outgoing engineer's open tasks, and any
    section's own `open_items` (the builds section's red builds)."""
    incidents = sections.get("incidents", {})
    tickets = sections.get("tickets", {})
    tasks = sections.get("tasks", {})
    # Reports made before the `…_count` figures counted the listed ones.
    items: dict[str, Any] = {
        "incidents": incidents.get("open_count", len(incidents.get("open", []))),
        "tickets": tickets.get("open_count", 0),
        # Reports made before `overdue_count` counted the listed ones.
        "tickets_overdue": tickets.get(
            "overdue_count", sum(1 for ticket in tickets.get("open", []) if ticket["overdue"])
        ),
        "outgoing_tasks": tasks.get("outgoing_open_count", len(tasks.get("outgoing_open", []))),
    }
    for key, section in sections.items():
        if isinstance(section.get("open_items"), dict):
            items.update({f"{key}_{name}": value for name, value in section["open_items"].items()})
    return items


def _service_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Service.id, Service.name)).all())


def _person_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Person.id, Person.name)).all())
