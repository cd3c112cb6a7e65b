"""A task: a small piece of work with an owner and a due date when it has them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

TITLE_LENGTH = 300
DESCRIPTION_LENGTH = 10_000
OPEN, DONE = "open", "done"
STATUSES = (OPEN, DONE)
SIZES = ("S", "M", "L")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # The backlog, oldest first; a person's open tasks.
        Index("ix_tasks_status_created_at", "status", "created_at"),
        Index("ix_tasks_owner_id_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    size: Mapped[str | None] = mapped_column(String(1))
    link: Mapped[str | None] = mapped_column(String(500))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    # Where it came from: "incident:12" for a review's follow-up; None for the backlog.
    source: Mapped[str | None] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
