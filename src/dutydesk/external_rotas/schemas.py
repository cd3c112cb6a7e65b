"""The JSON shape of an external rota's feed state, one for the rotas API and `dutydesk rota
feeds --json`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from dutydesk.external_rotas.service import FeedStatus


class FeedStatusRead(BaseModel):
    """Where an external rota's copy of its feed stands."""

    last_success_at: datetime | None = Field(
        description="The last fetch that gave a good copy (or said the kept one is current)."
    )
    last_changed_at: datetime | None
    next_fetch_at: datetime
    events_read: int
    failure_reason: str | None = Field(
        description="Why the latest refresh failed (the last good copy stays in use); null: it"
        " did not."
    )
    failure_message: str | None
    failing_since: datetime | None
    stale: bool = Field(description="No good fetch for the rota's stale_after.")
    suspect_since: datetime | None = Field(
        description="Since when a new copy that puts nobody on call next week waits to be"
        " confirmed; null: none waits."
    )


class FeedRead(FeedStatusRead):
    """An external rota's feed as `dutydesk rota feeds --json` lists it: which rota, where its
    feed comes from (redacted), how often it is fetched, and its state."""

    rota: str
    source: str
    refresh_seconds: int


def feed_read(status: FeedStatus) -> FeedRead:
    """A rota's feed state as JSON."""
    return FeedRead.model_validate(
        {
            **FeedStatusRead.model_validate(status, from_attributes=True).model_dump(),
            "rota": status.rota_id,
            "source": status.source,
            "refresh_seconds": int(status.refresh.total_seconds()),
        }
    )
