"""JSON routes for rotas as configured (who is on them: dutydesk/oncall/api.py)."""

from __future__ import annotations

from fastapi import APIRouter

from dutydesk.deps import CurrentUser, ReadSessionDep, RuntimeDep
from dutydesk.external_rotas.service import feed_status, feed_statuses
from dutydesk.rotas import service
from dutydesk.rotas.schemas import RotaRead, rota_read

router = APIRouter(prefix="/api/v1", tags=["rotas"])


@router.get("/rotas", response_model=list[RotaRead])
def list_rotas(_user: CurrentUser, session: ReadSessionDep, runtime: RuntimeDep) -> list[RotaRead]:
    """All rotas with their layers (an external rota with its feed's state)."""
    statuses = {s.rota_id: s for s in feed_statuses(session, runtime.clock.now())}
    return [rota_read(rota, statuses.get(rota.id)) for rota in service.list_rotas(session)]


@router.get("/rotas/{rota}", response_model=RotaRead)
def get_rota(
    rota: str, _user: CurrentUser, session: ReadSessionDep, runtime: RuntimeDep
) -> RotaRead:
    """One rota (an external one with its feed's state)."""
    found = service.get_rota(session, rota)
    return rota_read(found, feed_status(session, found.id, runtime.clock.now()))
