"""Pydantic shapes of tasks for the API: a task, a new one, an edit, and what picking up,
releasing and completing take."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from dutydesk.tasks.models import (
    DESCRIPTION_LENGTH,
    LABEL_LENGTH,
    LINK_LENGTH,
    TITLE_LENGTH,
    Task,
)
from dutydesk.tasks.rules import MOST_LABELS
from dutydesk.timeparse import in_zone

Size = Literal["S", "M", "L"]
_SIZE_HELP = "S: up to an hour; M: up to half a day; L: longer; null: not sized."


class TaskRead(BaseModel):
    """A task and who has it."""

    id: int
    title: str
    description: str = Field(description="Markdown, as written.")
    labels: list[str]
    size: Size | None = Field(description=_SIZE_HELP)
    link: str | None = Field(description="An http or https address.")
    owner: str | None = Field(description="The person id of whoever has it; null: nobody.")
    due_on: date | None
    status: Literal["open", "done"]
    source: str | None = Field(
        description='Where it came from: "incident:12" for a review\'s follow-up; null for the'
        " backlog."
    )
    created_by: str
    created_at: datetime
    picked_at: datetime | None = Field(description="When its owner took it.")
    completed_at: datetime | None
    completed_by: str | None


class TaskCreate(BaseModel):
    """A new task for the backlog."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=TITLE_LENGTH, description="What is to be done, on one line.")
    description: str = Field(
        default="", max_length=DESCRIPTION_LENGTH, description="Markdown: why, and how."
    )
    labels: list[str] = Field(
        default_factory=list,
        max_length=MOST_LABELS,
        description=f"Lower-case words of letters, digits and - _ . : / (at most {LABEL_LENGTH}"
        " characters each).",
    )
    size: Size | None = Field(default=None, description=_SIZE_HELP)
    link: str | None = Field(
        default=None, max_length=LINK_LENGTH, description="An http or https address."
    )


class TaskChange(BaseModel):
    """An edit: only the fields given change (null clears size and link)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=TITLE_LENGTH)
    description: str | None = Field(default=None, max_length=DESCRIPTION_LENGTH)
    labels: list[str] | None = Field(default=None, max_length=MOST_LABELS)
    size: Size | None = Field(default=None, description=_SIZE_HELP)
    link: str | None = Field(default=None, max_length=LINK_LENGTH)


class PickUp(BaseModel):
    """Picking up a task: it becomes the caller's own."""

    model_config = ConfigDict(extra="forbid")

    take_over: bool = Field(
        default=False,
        description="Take it from whoever has it; without this, someone else's task is refused"
        " (409).",
    )


def task_read(task: Task, zone: ZoneInfo) -> TaskRead:
    """A task with its times in the team's zone."""
    return TaskRead(
        id=task.id,
        title=task.title,
        description=task.description,
        labels=list(task.labels),
        size=task.size,
        link=task.link,
        owner=task.owner_id,
        due_on=task.due_on,
        status=task.status,
        source=task.source,
        created_by=task.created_by,
        created_at=task.created_at.astimezone(zone),
        picked_at=in_zone(task.picked_at, zone),
        completed_at=in_zone(task.completed_at, zone),
        completed_by=task.completed_by,
    )
