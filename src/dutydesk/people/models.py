"""People on the team, and the days they have said they are away."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    # Declared holidays (the team file's `unavailable:`), in the file's order. Loaded only when
    # asked for: `who` and most pages read people without them.
    unavailable: Mapped[list[Unavailability]] = relationship(
        order_by="Unavailability.position", cascade="all, delete-orphan"
    )


class Unavailability(Base):
    """Days a person has declared they are away (a holiday), in the team's time zone: from the
    start of `first_day` to the end of `last_day`. `dutydesk rota suggest` places nobody on a
    shift that overlaps them."""

    __tablename__ = "unavailability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
