"""JSON shapes of on-call answers and schedules (the `who` and `schedule` contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from dutydesk.oncall.service import RotaOnCall
from dutydesk.rotas.oncall import Segment
from dutydesk.timeparse import in_zone


class OnCallRead(BaseModel):
    """Who is on a rota at an instant. For nobody, from/until bound the gap."""

    model_config = ConfigDict(populate_by_name=True)

    rota: str
    person: str | None
    from_: datetime | None = Field(
        alias="from", description="Start of the current stretch; null if over 400 days ago."
    )
    until: datetime | None = Field(
        description="End of the current stretch; null if more than 400 days ahead."
    )
    source: Literal["layer", "override", "external"] | None


class ShiftRead(BaseModel):
    """One stretch of a rota's final schedule."""

    model_config = ConfigDict(populate_by_name=True)

    person: str
    from_: datetime = Field(alias="from")
    until: datetime
    source: Literal["layer", "override", "external"]


def oncall_read(answer: RotaOnCall, zone: ZoneInfo) -> OnCallRead:
    """An on-call answer with times in the team's zone."""
    return OnCallRead(
        rota=answer.rota_id,
        person=answer.now.person,
        from_=in_zone(answer.now.start, zone),
        until=in_zone(answer.now.end, zone),
        source=answer.now.source,
    )


def shift_read(segment: Segment, zone: ZoneInfo) -> ShiftRead:
    """A schedule segment with times in the team's zone."""
    return ShiftRead(
        person=segment.person,
        from_=segment.start.astimezone(zone),
        until=segment.end.astimezone(zone),
        source=segment.source,
    )
