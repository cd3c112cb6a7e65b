"""JSON shapes of overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dutydesk.overrides.models import Override


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; say so instead of failing on insert.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class OverrideCreate(BaseModel):
    """A new override. Times are ISO 8601; without an offset they are the team's local time."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    person: Text = Field(min_length=1, max_length=64, examples=["alice"])
    from_: Text = Field(alias="from", min_length=1, max_length=64, examples=["2026-03-02T09:30"])
    until: Text = Field(min_length=1, max_length=64, examples=["2026-03-02T17:30"])
    note: Text | None = Field(default=None, max_length=500)


class OverrideRead(BaseModel):
    """An override."""

    model_config = ConfigDict(populate_by_name=True)

    id: int
    rota: str
    person: str
    from_: datetime = Field(alias="from")
    until: datetime
    note: str | None
    created_at: datetime
    created_by: str


def override_read(override: Override, zone: ZoneInfo) -> OverrideRead:
    """An override with times in the team's zone."""
    return OverrideRead(
        id=override.id,
        rota=override.rota_id,
        person=override.person_id,
        from_=override.start_at.astimezone(zone),
        until=override.end_at.astimezone(zone),
        note=override.note,
        created_at=override.created_at.astimezone(zone),
        created_by=override.created_by,
    )
