"""JSON routes for rotas and who is on call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dutydesk.deps import CurrentUser, RuntimeDep, SessionDep
from dutydesk.rotas import service
from dutydesk.rotas.schemas import OnCallRead, RotaRead, ShiftRead, oncall_read, rota_read, shift_read
from dutydesk.team.service import get_team
from dutydesk.timeparse import parse_time, parse_zone

router = APIRouter(prefix="/api/v1", tags=["rotas"])

AtQuery = Annotated[
    str | None,
    Query(description="ISO 8601 instant; without an offset, the team's local time. Default: now."),
]


@router.get("/rotas", response_model=list[RotaRead])
def list_rotas(session: SessionDep, _user: CurrentUser) -> list[RotaRead]:
    """All rotas with their layers."""
    return [rota_read(rota) for rota in service.list_rotas(session)]


@router.get("/rotas/{rota}", response_model=RotaRead)
def get_rota(rota: str, session: SessionDep, _user: CurrentUser) -> RotaRead:
    """One rota."""
    return rota_read(service.get_rota(session, rota))


@router.get("/oncall", response_model=list[OnCallRead], response_model_by_alias=True)
def who_is_on_call(
    session: SessionDep,
    runtime: RuntimeDep,
    _user: CurrentUser,
    at: AtQuery = None,
    rota: Annotated[list[str] | None, Query(description="Limit to these rotas.")] = None,
) -> list[OnCallRead]:
    """Who is on call on every rota (or the named ones) now or at `at`."""
    return _who(session, runtime, rota or [], at)


@router.get("/rotas/{rota}/oncall", response_model=OnCallRead, response_model_by_alias=True)
def who_is_on_rota(
    rota: str, session: SessionDep, runtime: RuntimeDep, _user: CurrentUser, at: AtQuery = None
) -> OnCallRead:
    """Who is on call on one rota now or at `at`."""
    return _who(session, runtime, [rota], at)[0]


@router.get("/rotas/{rota}/shifts", response_model=list[ShiftRead], response_model_by_alias=True)
def rota_shifts(
    rota: str,
    session: SessionDep,
    runtime: RuntimeDep,
    _user: CurrentUser,
    from_: Annotated[str, Query(alias="from", description="ISO 8601 start (inclusive).")],
    to: Annotated[str, Query(description="ISO 8601 end (exclusive).")],
) -> list[ShiftRead]:
    """The final schedule of a rota between two times: who, from, until, and why."""
    zone = parse_zone(get_team(session).timezone)
    now = runtime.clock.now()
    start = parse_time(from_, zone, now, field="from")
    end = parse_time(to, zone, now, field="to")
    return [shift_read(s, zone) for s in service.shifts(session, rota, start, end)]


def _who(session: SessionDep, runtime: RuntimeDep, rotas: list[str], at: str | None) -> list[OnCallRead]:
    zone = parse_zone(get_team(session).timezone)
    now = runtime.clock.now()
    instant = parse_time(at, zone, now, field="at") if at else now
    return [
        oncall_read(item.rota_id, item.now.person, item.now.start, item.now.end, item.now.source, zone)
        for item in service.who(session, rotas, instant)
    ]
