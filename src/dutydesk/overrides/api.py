"""JSON routes for a rota's overrides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dutydesk.deps import (
    CurrentUser,
    ReadSessionDep,
    Responder,
    RuntimeDep,
    SessionDep,
    TeamTimeDep,
)
from dutydesk.overrides import service
from dutydesk.overrides.schemas import OverrideCreate, OverrideRead, override_read

router = APIRouter(prefix="/api/v1/rotas/{rota}/overrides", tags=["overrides"])


@router.get("", response_model=list[OverrideRead])
def list_overrides(
    rota: str,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    from_: Annotated[
        str | None, Query(alias="from", description="Only those ending after this.")
    ] = None,
    to: Annotated[str | None, Query(description="Only those starting before this.")] = None,
) -> list[OverrideRead]:
    """A rota's overrides, by start time."""
    start = None if from_ is None else team_time.parse(from_, field="from")
    end = None if to is None else team_time.parse(to, field="to")
    found = service.list_overrides(session, rota, start=start, end=end)
    return [override_read(o, team_time.zone) for o in found]


@router.post("", response_model=OverrideRead, status_code=status.HTTP_201_CREATED)
def add_override(
    rota: str,
    body: OverrideCreate,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> OverrideRead:
    """Put a person on call on this rota between two times (needs responder or admin)."""
    override = service.add_override(
        session,
        rota_id=rota,
        person_id=body.person,
        start=team_time.parse(body.from_, field="from"),
        end=team_time.parse(body.until, field="until"),
        note=body.note,
        actor=f"user:{user.username}",
        now=team_time.now,
    )
    session.commit()
    return override_read(override, team_time.zone)


@router.get("/{override_id}", response_model=OverrideRead)
def get_override(
    rota: str, override_id: int, _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> OverrideRead:
    """One override."""
    return override_read(service.get_override(session, rota, override_id), team_time.zone)


@router.delete("/{override_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_override(
    rota: str, override_id: int, user: Responder, session: SessionDep, runtime: RuntimeDep
) -> None:
    """Remove an override (needs responder or admin)."""
    service.remove_override(
        session, rota, override_id, actor=f"user:{user.username}", now=runtime.clock.now()
    )
    session.commit()
