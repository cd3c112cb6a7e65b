"""A task: a small piece of work with an owner and a due date when it has them, and the labels
it is found by."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

TITLE_LENGTH = 300
DESCRIPTION_LENGTH = 10_000
LINK_LENGTH = 500
LABEL_LENGTH = 40
OPEN, DONE = "open", "done"
STATUSES = (OPEN, DONE)
SIZES = ("S", "M", "L")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # The backlog by status, oldest first (newest first read backwards).
        Index("ix_tasks_status_created_at", "status", "created_at"),
        # A person's open tasks, and nobody's (owner NULL): the suggestion's oldest unowned
        # open task is the first entry of (NULL, "open").
        Index("ix_tasks_owner_id_status_created_at", "owner_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    # The labels in the order they were given, as shown; `task_labels` holds them to search by.
    labels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    size: Mapped[str | None] = mapped_column(String(1))
    link: Mapped[str | None] = mapped_column(String(LINK_LENGTH))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    # Where it came from: "incident:12" for a review's follow-up; None for the backlog.
    source: Mapped[str | None] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When its owner took it (picked up, taken over, or given when it was made).
    picked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(200))


class TaskLabel(Base):
    """One label of a task, to find a label's tasks through an index."""

    __tablename__ = "task_labels"
    __table_args__ = (Index("ix_task_labels_label_task_id", "label", "task_id"),)

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH), primary_key=True)
