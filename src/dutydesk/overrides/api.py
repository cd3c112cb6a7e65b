"""JSON routes for a rota's overrides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dutydesk.deps import CurrentUser, Responder, RuntimeDep, SessionDep
from dutydesk.overrides import service
from dutydesk.overrides.schemas import OverrideCreate, OverrideRead, override_read
from dutydesk.team.service import get_team
from dutydesk.timeparse import parse_time, parse_zone

router = APIRouter(prefix="/api/v1/rotas/{rota}/overrides", tags=["overrides"])


@router.get("", response_model=list[OverrideRead], response_model_by_alias=True)
def list_overrides(
    rota: str,
    session: SessionDep,
    runtime: RuntimeDep,
    _user: CurrentUser,
    from_: Annotated[str | None, Query(alias="from", description="Only those ending after this.")] = None,
    to: Annotated[str | None, Query(description="Only those starting before this.")] = None,
) -> list[OverrideRead]:
    """A rota's overrides, by start time."""
    zone = parse_zone(get_team(session).timezone)
    now = runtime.clock.now()
    start = parse_time(from_, zone, now, field="from") if from_ else None
    end = parse_time(to, zone, now, field="to") if to else None
    return [
        override_read(o, zone)
        for o in service.list_overrides(session, rota, start=start, end=end)
    ]


@router.post(
    "",
    response_model=OverrideRead,
    response_model_by_alias=True,
    status_code=status.HTTP_201_CREATED,
)
def add_override(
    rota: str, body: OverrideCreate, session: SessionDep, runtime: RuntimeDep, user: Responder
) -> OverrideRead:
    """Put a person on call on this rota between two times (needs responder or admin)."""
    zone = parse_zone(get_team(session).timezone)
    now = runtime.clock.now()
    override = service.add_override(
        session,
        rota_id=rota,
        person_id=body.person,
        start=parse_time(body.from_, zone, now, field="from"),
        end=parse_time(body.until, zone, now, field="until"),
        note=body.note,
        actor=f"user:{user.username}",
        now=now,
    )
    session.commit()
    return override_read(override, zone)


@router.get("/{override_id}", response_model=OverrideRead, response_model_by_alias=True)
def get_override(
    rota: str, override_id: int, session: SessionDep, _user: CurrentUser
) -> OverrideRead:
    """One override."""
    zone = parse_zone(get_team(session).timezone)
    return override_read(service.get_override(session, rota, override_id), zone)


@router.delete("/{override_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_override(rota: str, override_id: int, session: SessionDep, _user: Responder) -> None:
    """Remove an override (needs responder or admin)."""
    service.remove_override(session, rota, override_id)
    session.commit()
