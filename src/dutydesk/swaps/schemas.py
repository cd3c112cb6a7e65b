"""JSON shapes of swap requests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dutydesk.swaps.service import SwapView
from dutydesk.timeparse import in_zone


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; say so instead of failing on insert.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Ident = Annotated[Text, Field(min_length=1, max_length=64)]
TimeText = Annotated[Text, Field(min_length=1, max_length=64, examples=["2026-03-02T09:30"])]
AS_HELP = "Act as this person (admins only); default: the signed-in user's person."


class SwapCreate(BaseModel):
    """A new swap request. Times are ISO 8601; without an offset they are the team's local time."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    rota: Ident = Field(examples=["engineering"])
    from_: TimeText = Field(alias="from")
    until: TimeText
    to: list[Ident] = Field(
        default_factory=list,
        max_length=100,
        description="Colleagues to offer it to; empty: the rota.",
    )
    note: Text | None = Field(default=None, max_length=500)
    as_: Ident | None = Field(default=None, alias="as", description=AS_HELP)


class SwapAnswer(BaseModel):
    """Who takes, declines or cancels (the signed-in user's person unless an admin says)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    as_: Ident | None = Field(default=None, alias="as", description=AS_HELP)


class SwapExchange(SwapAnswer):
    """The taker's give-back window: exactly as long as the request's, held by the taker."""

    from_: TimeText = Field(alias="from")
    until: TimeText


class SwapRead(BaseModel):
    """A swap request and what became of it."""

    model_config = ConfigDict(populate_by_name=True)

    id: int
    rota: str
    requester: str
    from_: datetime = Field(alias="from")
    until: datetime
    offered_to: list[str]
    offered_to_rota: bool = Field(description="Offered to everyone else on the rota.")
    declined_by: list[str]
    note: str | None
    status: Literal["open", "accepted", "declined", "cancelled", "expired"]
    kind: Literal["take", "exchange"] | None
    taker: str | None
    give_back_from: datetime | None
    give_back_until: datetime | None
    overrides: list[int] = Field(description="The overrides the acceptance made.")
    created_at: datetime
    created_by: str
    resolved_at: datetime | None
    resolved_by: str | None


def swap_read(view: SwapView, zone: ZoneInfo) -> SwapRead:
    """A swap request with times in the team's zone."""
    swap = view.swap
    return SwapRead(
        id=swap.id,
        rota=swap.rota_id,
        requester=swap.requester_id,
        from_=swap.start_at.astimezone(zone),
        until=swap.end_at.astimezone(zone),
        offered_to=view.offered_to,
        offered_to_rota=swap.offered_to_rota,
        declined_by=view.declined_by,
        note=swap.note,
        status=swap.status,
        kind=swap.kind,
        taker=swap.taker_id,
        give_back_from=in_zone(swap.give_back_start_at, zone),
        give_back_until=in_zone(swap.give_back_end_at, zone),
        overrides=[
            i for i in (swap.cover_override_id, swap.give_back_override_id) if i is not None
        ],
        created_at=swap.created_at.astimezone(zone),
        created_by=swap.created_by,
        resolved_at=in_zone(swap.resolved_at, zone),
        resolved_by=swap.resolved_by,
    )
