"""JSON shape of a person."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PersonRead(BaseModel):
    """A person on the team."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    email: str | None
    slack: str | None
    phone: str | None
