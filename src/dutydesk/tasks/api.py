"""JSON routes of tasks: everyone signed in reads the backlog (viewers included); responders
and admins add, edit, pick up, release, complete and reopen tasks. Picking up makes a task the
caller's own, so it needs an account linked to a person on the team."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from dutydesk.auth.models import User
from dutydesk.deps import CurrentUser, ReadSessionDep, Responder, SessionDep, TeamTimeDep
from dutydesk.errors import Invalid
from dutydesk.tasks import service
from dutydesk.tasks.models import OPEN
from dutydesk.tasks.schemas import PickUp, TaskChange, TaskCreate, TaskRead, task_read

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])
TaskNumber = Annotated[int, Path(ge=1, le=service.LARGEST_ID)]


@router.get("", response_model=list[TaskRead])
def list_tasks(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    status: Annotated[str, Query(description="open (oldest first) or done (newest first).")] = OPEN,
    label: Annotated[str | None, Query(max_length=100)] = None,
    size: Annotated[str | None, Query(description="S, M, L, or none for unsized.")] = None,
    owner: Annotated[
        str | None, Query(max_length=100, description="A person id, or nobody.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[TaskRead]:
    """The backlog, filtered by status, label, size and owner."""
    chosen = service.TaskFilter(status=status, label=label, size=size, owner=owner, limit=limit)
    return [task_read(task, team_time.zone) for task in service.list_tasks(session, chosen)]


@router.post("", response_model=TaskRead, status_code=201)
def add_task(
    body: TaskCreate, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> TaskRead:
    """Add a task to the backlog; nobody has it until someone picks it up."""
    task = service.add_task(
        session,
        service.NewTask(
            title=body.title,
            description=body.description,
            labels=tuple(body.labels),
            size=body.size,
            link=body.link,
        ),
        source=None,
        actor=_actor(user),
        now=team_time.now,
    )
    session.commit()
    return task_read(task, team_time.zone)


@router.get("/{task_id}", response_model=TaskRead)
def get_task(
    task_id: TaskNumber, _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> TaskRead:
    """One task."""
    return task_read(service.get_task(session, task_id), team_time.zone)


@router.patch("/{task_id}", response_model=TaskRead)
def edit_task(
    task_id: TaskNumber,
    body: TaskChange,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> TaskRead:
    """Change a task's title, description, labels, size or link: the fields given only."""
    task = service.get_task(session, task_id, for_update=True)
    given = body.model_fields_set
    for name in ("title", "description", "labels"):
        if name in given and getattr(body, name) is None:
            raise Invalid(f"{name}: cannot be null")
    text = service.TaskText(
        title=body.title if body.title is not None else task.title,
        description=body.description if body.description is not None else task.description,
        labels=tuple(body.labels if body.labels is not None else task.labels),
        size=body.size if "size" in given else task.size,
        link=body.link if "link" in given else task.link,
    )
    task = service.edit_task(session, task_id, text, actor=_actor(user), now=team_time.now)
    session.commit()
    return task_read(task, team_time.zone)


@router.post("/{task_id}/pick-up", response_model=TaskRead)
def pick_up(
    task_id: TaskNumber,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    body: Annotated[PickUp | None, Body()] = None,
) -> TaskRead:
    """The task becomes yours. Someone else's is refused (409) unless `take_over` is true."""
    task = service.pick_up(
        session,
        task_id,
        _person(user),
        take_over=body is not None and body.take_over,
        actor=_actor(user),
        now=team_time.now,
    )
    session.commit()
    return task_read(task, team_time.zone)


@router.post("/{task_id}/release", response_model=TaskRead)
def release(
    task_id: TaskNumber, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> TaskRead:
    """Give your task back to the backlog; only its owner may."""
    task = service.release(session, task_id, user.person_id, actor=_actor(user), now=team_time.now)
    session.commit()
    return task_read(task, team_time.zone)


@router.post("/{task_id}/complete", response_model=TaskRead)
def complete(
    task_id: TaskNumber, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> TaskRead:
    """The task is done; one nobody had becomes yours."""
    task = service.complete(session, task_id, user.person_id, actor=_actor(user), now=team_time.now)
    session.commit()
    return task_read(task, team_time.zone)


@router.post("/{task_id}/reopen", response_model=TaskRead)
def reopen(
    task_id: TaskNumber, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> TaskRead:
    """A done task is open again, with the owner it had."""
    task = service.reopen(session, task_id, actor=_actor(user), now=team_time.now)
    session.commit()
    return task_read(task, team_time.zone)


def _actor(user: User) -> str:
    return f"user:{user.username}"


def _person(user: User) -> str:
    if user.person_id is None:
        raise Invalid(
            "person: your account is not linked to a person on the team, so nothing can be"
            " yours; ask an admin to link it"
        )
    return user.person_id
