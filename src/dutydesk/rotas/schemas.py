"""JSON shapes of rotas as configured (who is on them: dutydesk/oncall/schemas.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from dutydesk.external_rotas.schemas import FeedStatusRead
from dutydesk.external_rotas.service import FeedStatus
from dutydesk.rotas.models import Rota
from dutydesk.rotas.team_section import rota_spec


class LayerRead(BaseModel):
    """A rota layer as configured."""

    members: list[str]
    shift: str
    handoff: str
    start: date
    end: date | None
    hours: list[str]


class ExternalRead(BaseModel):
    """Where an external rota's schedule comes from, as the team file has it, and its state."""

    url: str = Field(description="The feed's URL, redacted: the rest of it is a secret.")
    refresh: str
    stale_after: str
    match: dict[str, Any]
    status: FeedStatusRead | None = None


class RotaRead(BaseModel):
    """A rota as configured."""

    id: str
    name: str
    hours: list[str]
    skip_holidays: bool
    layers: list[LayerRead]
    external: ExternalRead | None = Field(
        default=None, description="Set for a rota another tool owns, followed through its feed."
    )


def rota_read(rota: Rota, status: FeedStatus | None = None) -> RotaRead:
    """A stored rota as JSON: the same fields as in the team file, and an external rota's
    state."""
    read = RotaRead.model_validate(rota_spec(rota).model_dump())
    if read.external is not None and status is not None:
        read.external.status = FeedStatusRead.model_validate(status, from_attributes=True)
    return read
