"""Rotas, their layers and the layers' members, in rotation order."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dutydesk.db import Base
from dutydesk.external_rotas.models import ExternalRota


class Rota(Base):
    """A rota: covered hours, whether bank holidays are skipped, and its layers."""

    __tablename__ = "rotas"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    hours: Mapped[list[str]] = mapped_column(JSON, default=list)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where handoffs are announced (the team file's `announce`); None: the team's default.
    announce: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Part of the HMAC behind the rota's calendar feed URL; changing it revokes old URLs.
    feed_salt: Mapped[str] = mapped_column(String(64))

    # Set for a rota another tool owns, followed through its feed (it then has no layers).
    external: Mapped[ExternalRota | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="select"
    )
    layers: Mapped[list[RotaLayer]] = relationship(
        back_populates="rota",
        order_by="RotaLayer.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class RotaLayer(Base):
    """One layer of a rota: members take turns for shifts of one length."""

    __tablename__ = "rota_layers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rota_id: Mapped[str] = mapped_column(ForeignKey("rotas.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    shift: Mapped[str] = mapped_column(String(16))
    handoff: Mapped[str] = mapped_column(String(16))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[list[str]] = mapped_column(JSON, default=list)

    rota: Mapped[Rota] = relationship(back_populates="layers")
    members: Mapped[list[LayerMember]] = relationship(
        order_by="LayerMember.position", cascade="all, delete-orphan", lazy="selectin"
    )


class LayerMember(Base):
    """A person's place in a layer's rotation."""

    __tablename__ = "layer_members"

    layer_id: Mapped[int] = mapped_column(
        ForeignKey("rota_layers.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
