"""JSON routes of the handover: the reports, their Markdown, notes and acknowledgement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from dutydesk.deps import CurrentUser, ReadSessionDep, Responder, RuntimeDep, SessionDep
from dutydesk.handover import service
from dutydesk.handover.markdown_view import markdown_of
from dutydesk.handover.schemas import (
    HandoverRead,
    HandoverSummary,
    NotesWrite,
    handover_read,
    handover_summary,
)
from dutydesk.team.service import team_zone

router = APIRouter(prefix="/api/v1/handovers", tags=["handover"])
HandoverId = Annotated[int, Path(ge=1, le=service.LARGEST_ID)]


@router.get("", response_model=list[HandoverSummary])
def list_handovers(_user: CurrentUser, session: ReadSessionDep) -> list[HandoverSummary]:
    """Handovers, the latest handoff first (a coming meeting's too, before its report)."""
    zone = team_zone(session)
    return [handover_summary(row, zone) for row in service.list_handovers(session)]


# Markdown when it answers; its refusals (an id that is no number, a report not made yet) are
# the API's JSON errors, so the document names both.
@router.get(
    "/{handover_id}.md",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}}}},
)
def get_markdown(
    handover_id: HandoverId, _user: CurrentUser, session: ReadSessionDep, runtime: RuntimeDep
) -> Response:
    """The report as Markdown."""
    text = markdown_of(session, service.get_handover(session, handover_id), runtime)
    return Response(text, media_type="text/markdown; charset=utf-8")


@router.get("/{handover_id}", response_model=HandoverRead)
def get_handover(
    handover_id: HandoverId, _user: CurrentUser, session: ReadSessionDep
) -> HandoverRead:
    """One handover with its notes and the figures of its report."""
    return handover_read(service.get_handover(session, handover_id), team_zone(session))


@router.put("/{handover_id}/notes", response_model=HandoverRead)
def put_notes(
    handover_id: HandoverId,
    body: NotesWrite,
    user: Responder,
    session: SessionDep,
    runtime: RuntimeDep,
) -> HandoverRead:
    """Set the outgoing engineer's notes (only they, or an admin, may)."""
    row = service.add_notes(
        session,
        handover_id,
        body.notes,
        person_id=user.person_id,
        admin=user.role == "admin",
        actor=f"api:{user.username}",
        now=runtime.clock.now(),
    )
    session.commit()
    return handover_read(row, team_zone(session))


@router.post("/{handover_id}/acknowledge", response_model=HandoverRead)
def acknowledge(
    handover_id: HandoverId, user: Responder, session: SessionDep, runtime: RuntimeDep
) -> HandoverRead:
    """Record that the incoming engineer has read the report (only they, or an admin, may)."""
    row = service.acknowledge(
        session,
        handover_id,
        person_id=user.person_id,
        admin=user.role == "admin",
        actor=f"api:{user.username}",
        now=runtime.clock.now(),
    )
    session.commit()
    return handover_read(row, team_zone(session))
