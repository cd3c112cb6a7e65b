"""JSON routes of incidents: every signed-in user reads them (the viewer role included);
responders and admins declare and change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from dutydesk.auth.service import require_role
from dutydesk.deps import (
    CurrentUser,
    ReadSessionDep,
    Responder,
    RuntimeDep,
    SessionDep,
    TeamTime,
    TeamTimeDep,
)
from dutydesk.errors import Invalid, NotFound
from dutydesk.incidents import document_edits, links, review, service, timeline
from dutydesk.incidents.export import FORMATS, timeline_file
from dutydesk.incidents.models import IncidentReview
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.schemas import (
    CheckAnswer,
    DocumentRead,
    DocumentSave,
    EntryChange,
    EntryCreate,
    EntryRead,
    IncidentCreate,
    IncidentDetail,
    IncidentRead,
    LinkCreate,
    PriorityChange,
    ReviewCreate,
    ReviewRead,
    Role,
    RoleChange,
    StatusChange,
    TaskRead,
    UpdateRecord,
    document_read,
    entry_read,
    incident_detail,
    incident_read,
)
from dutydesk.incidents.views import view_incident
from dutydesk.tasks.service import NewTask, tasks_from
from dutydesk.timeparse import in_zone

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
IncidentNumber = Annotated[int, Path(ge=1, le=2_147_483_647)]
EntryNumber = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get("", response_model=list[IncidentRead])
def list_incidents(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
    status: Annotated[list[str] | None, Query(description="Default: active, mitigated.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[IncidentRead]:
    """Incidents, the newest first."""
    chosen = tuple(status) if status else ("active", "mitigated")
    found = service.list_incidents(session, statuses=chosen, limit=limit)
    return [incident_read(i, team_time.zone, runtime.settings.base_url) for i in found]


@router.post("", response_model=IncidentDetail, status_code=201)
def declare(
    body: IncidentCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentDetail:
    """Declare an incident: its roles are filled from the rotas and their holders told."""
    incident = service.declare(
        session,
        incident_policy(session),
        service.Declaration(
            title=body.title,
            priority=body.priority,
            source="api",
            alert_ids=body.alerts,
            ticket_ids=body.tickets,
            lead=body.lead,
        ),
        actor=user.username,
        person_id=user.person_id,
        now=team_time.now,
        base_url=runtime.settings.base_url,
    )
    session.commit()
    return _detail(session, incident.id, team_time, runtime)


@router.get("/{incident_id}", response_model=IncidentDetail)
def get_incident(
    incident_id: IncidentNumber,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentDetail:
    """An incident with its roles, document, links, reminders and timeline."""
    return _detail(session, incident_id, team_time, runtime)


@router.get(
    "/{incident_id}/export",
    response_class=Response,
    responses={200: {"content": {media: {} for media in FORMATS.values()}}},
)
def export_timeline(
    incident_id: IncidentNumber,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    format: Annotated[str, Query(description="markdown, csv or json.")] = "markdown",
) -> Response:
    """The timeline in the order things happened, as Markdown, CSV or JSON."""
    if format not in FORMATS:
        raise Invalid(f"format: one of {', '.join(FORMATS)}")
    file = timeline_file(session, incident_id, team_time.zone, format)
    return Response(file.text, media_type=file.media_type, headers=file.headers)


@router.post("/{incident_id}/status", response_model=IncidentRead)
def set_status(
    incident_id: IncidentNumber,
    body: StatusChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentRead:
    """Move the incident to active, mitigated or resolved."""
    incident = service.get_incident(session, incident_id, lock=True)
    service.set_status(
        session,
        incident_policy(session),
        incident,
        body.status,
        actor=user.username,
        now=team_time.now,
        base_url=runtime.settings.base_url,
    )
    session.commit()
    return incident_read(incident, team_time.zone, runtime.settings.base_url)


@router.post("/{incident_id}/priority", response_model=IncidentRead)
def set_priority(
    incident_id: IncidentNumber,
    body: PriorityChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentRead:
    """Change the priority; the update cadence follows it at once."""
    incident = service.get_incident(session, incident_id, lock=True)
    service.set_priority(
        session,
        incident_policy(session),
        incident,
        body.priority,
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return incident_read(incident, team_time.zone, runtime.settings.base_url)


@router.put("/{incident_id}/roles/{role}", response_model=IncidentDetail)
def hand_over(
    incident_id: IncidentNumber,
    role: Role,
    body: RoleChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentDetail:
    """Hand a role over to someone: they are told, and the change is recorded with its time."""
    incident = service.get_incident(session, incident_id, lock=True)
    service.hand_over(
        session,
        incident,
        role,
        body.person,
        actor=user.username,
        now=team_time.now,
        base_url=runtime.settings.base_url,
    )
    session.commit()
    return _detail(session, incident_id, team_time, runtime)


@router.post("/{incident_id}/participants", response_model=IncidentDetail)
def join(
    incident_id: IncidentNumber,
    body: RoleChange,
    user: CurrentUser,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentDetail:
    """Add a participant: anyone signed in may join themselves; responders add colleagues."""
    if body.person != user.person_id:
        require_role(user, "responder")
    incident = service.get_incident(session, incident_id)
    service.join(session, incident, body.person, now=team_time.now)
    session.commit()
    return _detail(session, incident_id, team_time, runtime)


@router.post("/{incident_id}/escalate", response_model=IncidentRead)
def call_escalation(
    incident_id: IncidentNumber,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentRead:
    """Page the escalation contact through their notification rules."""
    incident = service.get_incident(session, incident_id)
    service.call_escalation(
        session,
        incident,
        actor=user.username,
        now=team_time.now,
        base_url=runtime.settings.base_url,
    )
    session.commit()
    return incident_read(incident, team_time.zone, runtime.settings.base_url)


@router.post("/{incident_id}/updates", response_model=IncidentRead, status_code=201)
def record_update(
    incident_id: IncidentNumber,
    body: UpdateRecord,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentRead:
    """Record that tenants were sent an update: the update cadence starts again."""
    incident = service.get_incident(session, incident_id, lock=True)
    service.record_update(
        session,
        incident_policy(session),
        incident,
        body.text,
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return incident_read(incident, team_time.zone, runtime.settings.base_url)


@router.post("/{incident_id}/checks", response_model=IncidentRead, status_code=201)
def answer_check(
    incident_id: IncidentNumber,
    body: CheckAnswer,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentRead:
    """The check on the engineer: all OK, or help needed."""
    incident = service.get_incident(session, incident_id, lock=True)
    service.answer_check(
        session,
        incident_policy(session),
        incident,
        all_ok=body.all_ok,
        note=body.note,
        actor=user.username,
        now=team_time.now,
        base_url=runtime.settings.base_url,
    )
    session.commit()
    return incident_read(incident, team_time.zone, runtime.settings.base_url)


@router.get("/{incident_id}/document", response_model=DocumentRead)
def get_document(
    incident_id: IncidentNumber,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
) -> DocumentRead:
    """The incident document: Markdown, and rendered."""
    return document_read(service.get_incident(session, incident_id), team_time.zone)


@router.put("/{incident_id}/document", response_model=DocumentRead)
def save_document(
    incident_id: IncidentNumber,
    body: DocumentSave,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> DocumentRead:
    """Save the document as edited from `base_version`; 409 when someone saved since."""
    incident = service.get_incident(session, incident_id, lock=True)
    document_edits.save_document(
        session,
        incident,
        body.text,
        base_version=body.base_version,
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return document_read(incident, team_time.zone)


@router.post("/{incident_id}/timeline", response_model=EntryRead, status_code=201)
def add_entry(
    incident_id: IncidentNumber,
    body: EntryCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> EntryRead:
    """A timeline entry, at the time it happened (default now)."""
    incident = service.get_incident(session, incident_id)
    entry = timeline.add_entry(
        session,
        incident,
        body.text,
        occurred_at=team_time.parse_or_now(body.occurred_at, field="occurred_at"),
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return entry_read(entry, team_time.zone)


@router.patch("/{incident_id}/timeline/{entry_id}", response_model=EntryRead)
def change_entry(
    incident_id: IncidentNumber,
    entry_id: EntryNumber,
    body: EntryChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> EntryRead:
    """Edit an entry (its earlier words are kept) or pin it."""
    incident = service.get_incident(session, incident_id)
    entry = timeline.get_entry(session, incident_id, entry_id)
    if body.text is not None or body.occurred_at is not None:
        timeline.edit_entry(
            session,
            incident,
            entry,
            text=body.text,
            occurred_at=(
                team_time.parse(body.occurred_at, field="occurred_at")
                if body.occurred_at is not None
                else None
            ),
            actor=user.username,
            now=team_time.now,
        )
    if body.pinned is not None:
        timeline.pin_entry(incident, entry, body.pinned)
    session.commit()
    return entry_read(entry, team_time.zone)


@router.post("/{incident_id}/links", response_model=IncidentDetail, status_code=201)
def link(
    incident_id: IncidentNumber,
    body: LinkCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> IncidentDetail:
    """Attach an alert or a ticket."""
    if (body.alert is None) == (body.ticket is None):
        raise Invalid("give one of alert or ticket")
    incident = service.get_incident(session, incident_id)
    if body.alert is not None:
        links.link_alert(session, incident, body.alert, actor=user.username, now=team_time.now)
    else:
        assert body.ticket is not None
        links.link_ticket(session, incident, body.ticket, actor=user.username, now=team_time.now)
    session.commit()
    return _detail(session, incident_id, team_time, runtime)


@router.get("/{incident_id}/review", response_model=ReviewRead)
def get_review(
    incident_id: IncidentNumber,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
) -> ReviewRead:
    """The review as it was held; 404 until it is."""
    service.get_incident(session, incident_id)
    held = review.review_of(session, incident_id)
    if held is None:
        raise NotFound(f"incident {incident_id} has not been reviewed yet")
    return _review_read(session, held, team_time)


@router.post("/{incident_id}/review", response_model=ReviewRead, status_code=201)
def hold_review(
    incident_id: IncidentNumber,
    body: ReviewCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> ReviewRead:
    """Hold the review of a resolved incident: its follow-ups become tasks, and it is
    reviewed."""
    incident = service.get_incident(session, incident_id, lock=True)
    held, _ = review.hold_review(
        session,
        incident_policy(session),
        incident,
        body.model_dump(include=set(review.SECTIONS)),
        [NewTask(f.title, owner_id=f.owner, due_on=f.due_on) for f in body.follow_ups],
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return _review_read(session, held, team_time)


def _review_read(session: Session, held: IncidentReview, team_time: TeamTime) -> ReviewRead:
    held_at = in_zone(held.held_at, team_time.zone)
    assert held_at is not None
    return ReviewRead(
        what_happened=held.what_happened,
        impact=held.impact,
        went_well=held.went_well,
        went_badly=held.went_badly,
        timeline=held.timeline,
        held_by=held.held_by,
        held_at=held_at,
        follow_ups=[
            TaskRead(id=t.id, title=t.title, owner=t.owner_id, due_on=t.due_on, status=t.status)
            for t in tasks_from(session, f"incident:{held.incident_id}")
        ],
    )


def _detail(
    session: ReadSessionDep, incident_id: int, team_time: TeamTimeDep, runtime: RuntimeDep
) -> IncidentDetail:
    return incident_detail(
        view_incident(session, incident_id), team_time.zone, runtime.settings.base_url
    )
