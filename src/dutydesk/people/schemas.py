"""JSON shape of a person."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PersonRead(BaseModel):
    """A person on the team."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    email: str | None
    slack: str | None
    phone: str | None
    notify: list[dict[str, Any]] = Field(
        description='Notification rules, e.g. [{"via": "slack", "after": "0m"}]; empty: every'
        " contact method at once."
    )
