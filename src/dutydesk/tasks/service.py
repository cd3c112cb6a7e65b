"""Tasks: creating them (by hand, or from an incident review's follow-ups) and finding them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import id_exists
from dutydesk.errors import Invalid
from dutydesk.tasks.models import OPEN, SIZES, TITLE_LENGTH, Task
from dutydesk.text import check_one_line, control_character, storable


@dataclass(frozen=True)
class NewTask:
    """A task as someone asks for it."""

    title: str
    owner_id: str | None = None
    due_on: date | None = None
    description: str = ""
    size: str | None = None
    link: str | None = None


def add_task(
    session: Session, new: NewTask, *, source: str | None, actor: str, now: datetime
) -> Task:
    """A new open task; Invalid names the field that is wrong."""
    try:
        title = check_one_line(new.title.strip())
    except ValueError as error:
        raise Invalid(f"title: {error}") from None
    if not title:
        raise Invalid("title: say what is to be done")
    if len(title) > TITLE_LENGTH:
        raise Invalid(f"title: at most {TITLE_LENGTH} characters")
    if new.owner_id is not None and (
        len(new.owner_id) > 64
        or control_character(new.owner_id)
        or not id_exists(session, "people", new.owner_id)
    ):
        raise Invalid(f"owner: there is no person {new.owner_id!r} on the team")
    if new.size is not None and new.size not in SIZES:
        raise Invalid(f"size: one of {', '.join(SIZES)}")
    task = Task(
        title=title,
        description=storable(new.description).strip(),
        labels=[],
        size=new.size,
        link=new.link,
        owner_id=new.owner_id,
        due_on=new.due_on,
        status=OPEN,
        source=source,
        created_by=actor,
        created_at=now,
    )
    session.add(task)
    session.flush()
    return task


def tasks_from(session: Session, source: str) -> Sequence[Task]:
    """The tasks that came from one place ("incident:12"), in the order they were made."""
    return session.scalars(select(Task).where(Task.source == source).order_by(Task.id)).all()
