"""JSON route for the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dutydesk.audit import service
from dutydesk.audit.schemas import AuditRead, audit_read
from dutydesk.deps import CurrentUser, ReadSessionDep, TeamTimeDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=list[AuditRead])
def list_audit(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    rota: Annotated[str | None, Query(description="Only changes to this rota.")] = None,
    person: Annotated[str | None, Query(description="Only changes concerning this person.")] = None,
    since: Annotated[str | None, Query(description="Only changes at or after this time.")] = None,
    until: Annotated[str | None, Query(description="Only changes before this time.")] = None,
    limit: Annotated[
        int, Query(ge=1, le=service.LARGEST_LIMIT, description="At most this many.")
    ] = service.DEFAULT_LIMIT,
) -> list[AuditRead]:
    """Changes to rotas, overrides, swaps and cover, newest first (any signed-in user)."""
    found = service.list_entries(
        session,
        rota_id=rota,
        person_id=person,
        since=None if since is None else team_time.parse(since, field="since"),
        until=None if until is None else team_time.parse(until, field="until"),
        limit=limit,
    )
    return [audit_read(record, team_time.zone) for record in found]
