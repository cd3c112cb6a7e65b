"""JSON routes for rotas as configured (who is on them: dutydesk/oncall/api.py)."""

from __future__ import annotations

from fastapi import APIRouter

from dutydesk.deps import CurrentUser, ReadSessionDep
from dutydesk.rotas import service
from dutydesk.rotas.schemas import RotaRead, rota_read

router = APIRouter(prefix="/api/v1", tags=["rotas"])


@router.get("/rotas", response_model=list[RotaRead])
def list_rotas(_user: CurrentUser, session: ReadSessionDep) -> list[RotaRead]:
    """All rotas with their layers."""
    return [rota_read(rota) for rota in service.list_rotas(session)]


@router.get("/rotas/{rota}", response_model=RotaRead)
def get_rota(rota: str, _user: CurrentUser, session: ReadSessionDep) -> RotaRead:
    """One rota."""
    return rota_read(service.get_rota(session, rota))
