"""Tasks: creating them (by hand, from an incident review's follow-ups, from a claimed red
build), editing them, who has them (picking up, taking over, releasing), completing and
reopening them, and finding them. Every change is in the audit log under "task:<id>".

Who may pick up what (docs/tasks.md): anyone picks up a task nobody has. A task someone else
has is refused unless the picker says they take it over, as a ticket's assignee is changed
deliberately rather than by a stray click; the previous owner is named in the audit entry.
Only the owner releases a task. Anyone completes an open task (the work is done, whoever did
it); a task nobody had becomes the completer's. Reopening keeps the owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.db import id_exists
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tasks.models import DONE, OPEN, SIZES, STATUSES, Task, TaskLabel
from dutydesk.tasks.rules import (
    checked_description,
    checked_labels,
    checked_link,
    checked_size,
    checked_title,
)
from dutydesk.text import control_character

# The owner filter's value for tasks nobody has; the size filter's for unsized ones.
NOBODY = "nobody"
UNSIZED = "none"
LARGEST_ID = 2_147_483_647


@dataclass(frozen=True)
class NewTask:
    """A task as someone asks for it."""

    title: str
    owner_id: str | None = None
    due_on: date | None = None
    description: str = ""
    size: str | None = None
    link: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskText:
    """What editing a task changes: everything but who has it and whether it is done."""

    title: str
    description: str = ""
    labels: tuple[str, ...] = ()
    size: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks to list: open ones oldest first, done ones newest first."""

    status: str = OPEN
    label: str | None = None
    # S, M, L, or UNSIZED.
    size: str | None = None
    # A person's id, or NOBODY.
    owner: str | None = None
    limit: int = 200


def audit_subject(task_id: int) -> str:
    """What the audit log files a task's entries under (audit.service.subject_history)."""
    return f"task:{task_id}"


def add_task(
    session: Session, new: NewTask, *, source: str | None, actor: str, now: datetime
) -> Task:
    """A new open task; Invalid names the field that is wrong."""
    title = checked_title(new.title)
    _check_person(session, new.owner_id, "owner")
    if new.size is not None and new.size not in SIZES:
        raise Invalid(f"size: one of {', '.join(SIZES)}")
    labels = checked_labels(new.labels)
    task = Task(
        title=title,
        description=checked_description(new.description),
        labels=labels,
        size=new.size,
        link=checked_link(new.link),
        owner_id=new.owner_id,
        due_on=new.due_on,
        status=OPEN,
        source=source,
        created_by=actor,
        created_at=now,
        picked_at=now if new.owner_id is not None else None,
    )
    session.add(task)
    session.flush()
    _store_labels(session, task.id, labels, replace=False)
    _audit(session, task, "task.add", f"added task {task.id}: {title}", actor, now)
    return task


def edit_task(session: Session, task_id: int, text: TaskText, *, actor: str, now: datetime) -> Task:
    """Change a task's title, description, labels, size and link (open or done)."""
    task = get_task(session, task_id, for_update=True)
    title = checked_title(text.title)
    description = checked_description(text.description)
    labels = checked_labels(text.labels)
    size = checked_size(text.size)
    link = checked_link(text.link)
    changed = {
        name: value
        for name, value in (
            ("title", title),
            ("description", description),
            ("labels", labels),
            ("size", size),
            ("link", link),
        )
        if getattr(task, name) != value
    }
    if not changed:
        return task
    for name, value in changed.items():
        setattr(task, name, value)
    if "labels" in changed:
        _store_labels(session, task.id, labels, replace=True)
    session.flush()
    _audit(
        session,
        task,
        "task.edit",
        f"edited task {task.id} ({', '.join(changed)})",
        actor,
        now,
        {"changed": sorted(changed)},
    )
    return task


def pick_up(
    session: Session,
    task_id: int,
    person_id: str,
    *,
    take_over: bool = False,
    actor: str,
    now: datetime,
) -> Task:
    """`person_id` has the task from now. Someone else's is a Conflict unless `take_over`;
    picking up one's own task again changes nothing."""
    _check_person(session, person_id, "person")
    task = get_task(session, task_id, for_update=True)
    if task.status != OPEN:
        raise Conflict(f"task {task.id} is done: reopen it before picking it up")
    if task.owner_id == person_id:
        return task
    previous = task.owner_id
    if previous is not None and not take_over:
        raise Conflict(
            f"task {task.id} is {previous}'s: take it over to have it instead"
            " (they are told in the audit log)"
        )
    task.owner_id, task.picked_at = person_id, now
    session.flush()
    if previous is None:
        _audit(session, task, "task.pick_up", f"{person_id} picked up task {task.id}", actor, now)
    else:
        _audit(
            session,
            task,
            "task.take_over",
            f"{person_id} took over task {task.id} from {previous}",
            actor,
            now,
            {"from": previous},
            also=[previous],
        )
    return task


def release(
    session: Session, task_id: int, person_id: str | None, *, actor: str, now: datetime
) -> Task:
    """The owner gives the task back to the backlog; anyone else is refused."""
    task = get_task(session, task_id, for_update=True)
    if task.status != OPEN:
        raise Conflict(f"task {task.id} is done: there is nothing to release")
    if task.owner_id is None:
        raise Conflict(f"nobody has task {task.id}: there is nothing to release")
    if task.owner_id != person_id:
        raise Conflict(
            f"task {task.id} is {task.owner_id}'s: only they release it (or take it over)"
        )
    previous = task.owner_id
    task.owner_id, task.picked_at = None, None
    session.flush()
    _audit(
        session,
        task,
        "task.release",
        f"{previous} released task {task.id}",
        actor,
        now,
        also=[previous],
    )
    return task


def complete(
    session: Session, task_id: int, person_id: str | None, *, actor: str, now: datetime
) -> Task:
    """The task is done. Anyone may complete it; one nobody had becomes `person_id`'s."""
    if person_id is not None:
        _check_person(session, person_id, "person")
    task = get_task(session, task_id, for_update=True)
    if task.status == DONE:
        raise Conflict(f"task {task.id} is done already")
    if task.owner_id is None and person_id is not None:
        task.owner_id, task.picked_at = person_id, now
    task.status, task.completed_at, task.completed_by = DONE, now, person_id or actor
    session.flush()
    _audit(session, task, "task.complete", f"completed task {task.id}", actor, now)
    return task


def reopen(session: Session, task_id: int, *, actor: str, now: datetime) -> Task:
    """A done task is open again, with the owner it had."""
    task = get_task(session, task_id, for_update=True)
    if task.status != DONE:
        raise Conflict(f"task {task.id} is open already")
    task.status, task.completed_at, task.completed_by = OPEN, None, None
    session.flush()
    _audit(session, task, "task.reopen", f"reopened task {task.id}", actor, now)
    return task


def get_task(session: Session, task_id: int, *, for_update: bool = False) -> Task:
    """One task, or NotFound; `for_update` locks its row (PostgreSQL) until commit."""
    task = None
    if 0 < task_id <= LARGEST_ID:
        query = select(Task).where(Task.id == task_id)
        if for_update:
            query = query.with_for_update()
        task = session.scalar(query)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def list_tasks(session: Session, chosen: TaskFilter) -> Sequence[Task]:
    """The tasks a filter chooses: open ones oldest first (the backlog's order), done ones
    newest first."""
    query = select(Task).where(*_filters(session, chosen))
    if chosen.status == OPEN:
        query = query.order_by(Task.created_at, Task.id)
    else:
        query = query.order_by(Task.created_at.desc(), Task.id.desc())
    return session.scalars(query.limit(max(1, min(chosen.limit, 1000)))).all()


def tasks_from(session: Session, source: str) -> Sequence[Task]:
    """The tasks that came from one place ("incident:12"), in the order they were made."""
    return session.scalars(select(Task).where(Task.source == source).order_by(Task.id)).all()


def _filters(session: Session, chosen: TaskFilter) -> list[Any]:
    if chosen.status not in STATUSES:
        raise Invalid(f"status: one of {', '.join(STATUSES)}")
    filters: list[Any] = [Task.status == chosen.status]
    if chosen.size is not None:
        if chosen.size == UNSIZED:
            filters.append(Task.size.is_(None))
        elif chosen.size in SIZES:
            filters.append(Task.size == chosen.size)
        else:
            raise Invalid(f"size: one of {', '.join(SIZES)} or {UNSIZED}")
    if chosen.owner is not None:
        if chosen.owner == NOBODY:
            filters.append(Task.owner_id.is_(None))
        else:
            _check_person(session, chosen.owner, "owner")
            filters.append(Task.owner_id == chosen.owner)
    if chosen.label is not None:
        try:
            [label] = checked_labels([chosen.label]) or [""]
        except Invalid as error:
            raise Invalid(f"label: {error.message.removeprefix('labels: ')}") from None
        if not label:
            raise Invalid("label: name a label")
        labelled = select(TaskLabel.task_id).where(TaskLabel.label == label)
        filters.append(Task.id.in_(labelled))
    return filters


def _check_person(session: Session, person_id: str | None, field: str) -> None:
    if person_id is not None and (
        len(person_id) > 64
        or control_character(person_id)
        or not id_exists(session, "people", person_id)
    ):
        raise Invalid(f"{field}: there is no person {person_id!r} on the team")


def _store_labels(session: Session, task_id: int, labels: list[str], *, replace: bool) -> None:
    if replace:
        session.execute(delete(TaskLabel).where(TaskLabel.task_id == task_id))
    session.add_all(TaskLabel(task_id=task_id, label=label) for label in labels)
    session.flush()


def _audit(
    session: Session,
    task: Task,
    action: str,
    summary: str,
    actor: str,
    now: datetime,
    details: dict[str, Any] | None = None,
    *,
    also: Sequence[str] = (),
) -> None:
    people = [p for p in (task.owner_id, *also) if p]
    record(
        session,
        actor=actor,
        action=action,
        rota_id=None,
        person_ids=people,
        summary=summary,
        details={"task": task.id, "status": task.status, "owner": task.owner_id, **(details or {})},
        now=now,
        subject=audit_subject(task.id),
    )
