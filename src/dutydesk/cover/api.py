"""JSON route for break cover."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from dutydesk.cover.service import add_cover
from dutydesk.deps import Responder, RuntimeDep, SessionDep, TeamTimeDep
from dutydesk.overrides.schemas import OverrideRead, override_read
from dutydesk.timeparse import parse_duration

router = APIRouter(prefix="/api/v1/rotas/{rota}/cover", tags=["overrides"])


class CoverCreate(BaseModel):
    """Break cover: who covers, from when (default: now), for how long."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    by: str = Field(min_length=1, max_length=64, description="The person who covers.")
    from_: str | None = Field(
        default=None, alias="from", max_length=64, examples=["12:30", "2026-03-02T12:30"]
    )
    for_: str = Field(alias="for", min_length=1, max_length=16, examples=["45m", "1h30m"])
    note: str | None = Field(default=None, max_length=500, examples=["lunch"])


@router.post("", response_model=OverrideRead, status_code=status.HTTP_201_CREATED)
def add_break_cover(
    rota: str,
    body: CoverCreate,
    user: Responder,
    session: SessionDep,
    runtime: RuntimeDep,
    team_time: TeamTimeDep,
) -> OverrideRead:
    """Have someone cover this rota for a short while (at most 12 hours); channels are told."""
    start = team_time.now if body.from_ is None else team_time.parse(body.from_, field="from")
    cover = add_cover(
        session,
        rota_id=rota,
        person_id=body.by,
        start=start,
        length=parse_duration(body.for_, field="for"),
        note=body.note,
        actor=f"user:{user.username}",
        now=runtime.clock.now(),
    )
    session.commit()
    return override_read(cover, team_time.zone)
