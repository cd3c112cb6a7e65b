"""Swap requests: a shift (or part) offered to colleagues, taken or exchanged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

OPEN = "open"
ACCEPTED = "accepted"
DECLINED = "declined"  # every colleague it was offered to said no
CANCELLED = "cancelled"
EXPIRED = "expired"  # still open when its window started
STATUSES = (OPEN, ACCEPTED, DECLINED, CANCELLED, EXPIRED)
TAKE = "take"
EXCHANGE = "exchange"


class SwapRequest(Base):
    """A requester asks colleagues to cover [start_at, end_at) of their time on a rota.

    Accepted as a take, the taker covers it; as an exchange, the taker covers it and the
    requester covers the give-back window, of exactly the same length, that the taker held.
    """

    __tablename__ = "swap_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rota_id: Mapped[str] = mapped_column(ForeignKey("rotas.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # True when offered to the whole rota (the offers list its members at request time).
    offered_to_rota: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    # When to remind the requester if nobody has answered (a day before the window), and when
    # they were. None for a request made less than a day ahead: it would remind at once.
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taker_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str | None] = mapped_column(String(16))  # TAKE or EXCHANGE once accepted
    give_back_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    give_back_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The overrides an acceptance made; an override removed later leaves the swap's history.
    cover_override_id: Mapped[int | None] = mapped_column(
        ForeignKey("overrides.id", ondelete="SET NULL")
    )
    give_back_override_id: Mapped[int | None] = mapped_column(
        ForeignKey("overrides.id", ondelete="SET NULL")
    )


class SwapOffer(Base):
    """A colleague a swap request was offered to, and whether they declined it."""

    __tablename__ = "swap_offers"

    swap_id: Mapped[int] = mapped_column(
        ForeignKey("swap_requests.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
