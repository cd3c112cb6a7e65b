"""The team this instance serves, and instance-wide values."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base


class Team(Base):
    """The one team an instance serves: its name, time zone and bank-holiday calendar."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    holidays: Mapped[str | None] = mapped_column(String(32))
    extra_holidays: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The calendar's holidays for the years around now, kept so that a command need not load
    # the holidays package (team/holidays.py); None before they are first computed.
    bank_holidays: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The team file's default `announce` for rotas that have none of their own.
    announce: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A new random value on every change to people or rotas; caches of compiled rotas key on it.
    revision: Mapped[str] = mapped_column(String(32))
    # A new random value whenever an external rota's stored shifts change (a refresh of its
    # feed changes no team file); caches of compiled rotas key on it too.
    feeds_revision: Mapped[str | None] = mapped_column(String(32))


# The instance_values key of the generated secret key (used when DUTYDESK_SECRET_KEY is unset).
SECRET_KEY_NAME = "secret_key"


class InstanceValue(Base):
    """A value the instance generates once and keeps, such as its secret key."""

    __tablename__ = "instance_values"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(512))
