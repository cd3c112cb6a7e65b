"""What the task pages show, read in one place: a task with its description as safe HTML and
its history, and people's names (read from the people table by name, as `db.id_exists` checks
a person: tasks sit beside people, not above them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from dutydesk.audit.actors import actor_text
from dutydesk.audit.service import subject_history
from dutydesk.markdown import render
from dutydesk.tasks import service
from dutydesk.tasks.models import Task

HISTORY_SHOWN = 100
_PEOPLE = table("people", column("id"), column("name"))


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    summary: str


@dataclass(frozen=True)
class TaskView:
    """A task as its page shows it."""

    task: Task
    # The Markdown description as HTML that can carry nothing active (dutydesk.markdown).
    description_html: str
    owner: str | None
    history: list[HistoryLine]  # newest first


def people_names(session: Session) -> dict[str, str]:
    """Each person's name by id, in name order."""
    rows = session.execute(select(_PEOPLE.c.id, _PEOPLE.c.name).order_by(_PEOPLE.c.name))
    return {person_id: name for person_id, name in rows}


def view_task(session: Session, task_id: int, people: dict[str, str]) -> TaskView:
    """The task numbered `task_id` (NotFound) with its history."""
    task = service.get_task(session, task_id)
    history = [
        HistoryLine(record.entry.at, actor_text(record.entry.actor), record.entry.summary)
        for record in subject_history(session, service.audit_subject(task.id), limit=HISTORY_SHOWN)
    ]
    owner = None if task.owner_id is None else people.get(task.owner_id, task.owner_id)
    # Headings in a description start at h3: the page has its h1 and the section's h2.
    return TaskView(task, render(task.description, shift=2), owner, history)
