"""Heartbeats: a service's expectation of a ping every interval, and whether one was missed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

NAME_LENGTH = 120


class Heartbeat(Base):
    """A job that promises a ping every `interval_seconds`; only the token's digest is kept."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    grace_seconds: Mapped[int] = mapped_column(Integer)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_ping_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a miss is declared: the last ping (or creation) plus interval plus grace. Indexed,
    # because the worker looks for due heartbeats on every pass.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # True while the miss's alert is open (from the worker's trigger until the next ping).
    missed: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
