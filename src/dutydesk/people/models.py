"""People on the team."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base


class Person(Base):
    """Someone who can be on a rota."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    slack: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Notification rules as the team file writes them ([{"via": "slack", "after": "0m"}]);
    # empty: every contact method at once.
    notify: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Part of the HMAC behind the person's calendar feed URL; changing it revokes old URLs.
    feed_salt: Mapped[str] = mapped_column(String(64))
