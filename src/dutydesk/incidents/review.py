"""The review a resolved incident owes within 10 support days: its template (what happened,
impact, the timeline imported, what went well, what did not), and holding it, which records
it, makes its follow-up actions tasks with owners and due dates, and makes the incident
reviewed (its reminders stop)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.errors import Conflict, Invalid
from dutydesk.incidents import timeline
from dutydesk.incidents.export import export
from dutydesk.incidents.models import RESOLVED, REVIEWED, Incident, IncidentReview
from dutydesk.incidents.policy import IncidentPolicy
from dutydesk.incidents.reminders import reschedule
from dutydesk.incidents.webhooks import REVIEWED_EVENT, send_event
from dutydesk.tasks.models import Task
from dutydesk.tasks.service import NewTask, add_task
from dutydesk.text import storable

SECTION_LENGTH = 20_000
MOST_FOLLOW_UPS = 20
SECTIONS = ("what_happened", "impact", "went_well", "went_badly")


def review_of(session: Session, incident_id: int) -> IncidentReview | None:
    return session.get(IncidentReview, incident_id)


def imported_timeline(session: Session, incident: Incident, zone: ZoneInfo) -> str:
    """The timeline as the review imports it: the Markdown export."""
    return export(incident, timeline.entries(session, incident.id), zone, "markdown")


def hold_review(
    session: Session,
    policy: IncidentPolicy,
    incident: Incident,
    sections: dict[str, str],
    follow_ups: Sequence[NewTask],
    *,
    actor: str,
    now: datetime,
) -> tuple[IncidentReview, list[Task]]:
    """Record the review of a resolved incident and its follow-ups as tasks; the incident is
    reviewed from now."""
    if incident.status == REVIEWED:
        raise Conflict(f"incident {incident.id} was reviewed already")
    if incident.status != RESOLVED:
        raise Conflict(f"incident {incident.id} is {incident.status}: resolve it before its review")
    written = {
        name: storable(sections.get(name, "")).replace("\r\n", "\n").strip() for name in SECTIONS
    }
    for name, text in written.items():
        if len(text) > SECTION_LENGTH:
            raise Invalid(f"{name}: at most {SECTION_LENGTH} characters")
    if not written["what_happened"]:
        raise Invalid("what_happened: say what happened")
    if len(follow_ups) > MOST_FOLLOW_UPS:
        raise Invalid(f"follow_ups: at most {MOST_FOLLOW_UPS}")
    zone = policy.cadence.working.timezone
    review = IncidentReview(
        incident_id=incident.id,
        timeline=imported_timeline(session, incident, zone),
        held_by=actor,
        held_at=now,
        **written,
    )
    session.add(review)
    tasks: list[Task] = []
    for number, follow_up in enumerate(follow_ups, start=1):
        try:
            tasks.append(
                add_task(session, follow_up, source=f"incident:{incident.id}", actor=actor, now=now)
            )
        except Invalid as error:
            raise Invalid(f"follow_ups: action {number}, {error.message}") from None
    incident.status = REVIEWED
    incident.reviewed_at = now
    incident.updated_at = now
    timeline.automatic(
        session,
        incident,
        "status",
        f"Review held by {actor}; {len(tasks)} follow-up action(s) became tasks",
        now,
        {"tasks": [task.id for task in tasks]},
    )
    reschedule(session, policy, incident, now)
    send_event(session, policy, incident, REVIEWED_EVENT, now)
    session.flush()
    return review, tasks
