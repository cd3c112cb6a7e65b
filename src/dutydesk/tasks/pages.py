"""Task pages: the backlog with its filters (status, label, size, owner), the form that adds a
task, and one task's page with its edit form and the buttons that pick it up, take it over,
release, complete and reopen it.

Each form runs one service call in one transaction; when the service refuses, nothing is
committed and the page comes back with the reason beside the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid, NotFound
from dutydesk.tasks import service
from dutydesk.tasks.models import DONE, OPEN, SIZES, Task
from dutydesk.tasks.page_views import people_names, view_task
from dutydesk.tasks.rules import checked_size, labels_from_text
from dutydesk.web.forms import FormErrors, PageForm, posted_text
from dutydesk.web.page import ME, Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

TEXT_FIELDS = ("title", "description", "labels", "size", "link")
SIZE_OPTIONS = [
    ("S", "S: up to an hour"),
    ("M", "M: up to half a day"),
    ("L", "L: longer"),
]
STATUS_OPTIONS = [(OPEN, "Open"), (DONE, "Done")]
# The form of the buttons that change who has a task: its refusals show above them.
OWNERSHIP = PageForm("ownership", {}, ())
EDIT = PageForm("title", {name: name for name in TEXT_FIELDS}, TEXT_FIELDS)


@dataclass(frozen=True)
class BacklogFilters:
    """The backlog's filters as the page's links and GET form carry them."""

    status: str
    label: str
    size: str
    owner: str

    def query(self, **changes: str) -> str:
        """A query string for these filters with `changes`, leaving out the empty ones."""
        fields = {"status": self.status, "label": self.label, "size": self.size}
        fields |= {"owner": self.owner} | changes
        kept = {k: v for k, v in fields.items() if v and not (k == "status" and v == OPEN)}
        return f"?{urlencode(kept)}" if kept else ""


@router.get("/tasks", response_class=HTMLResponse)
def backlog(
    page: SignedInPage, status: str = OPEN, label: str = "", size: str = "", owner: str = ""
) -> HTMLResponse:
    """The backlog: open tasks oldest first (done ones newest first), filtered."""
    assert page.user is not None
    filters = BacklogFilters(status.strip(), label.strip(), size.strip(), owner.strip())
    errors = FormErrors()
    owner_id: str | None = filters.owner or None
    if owner_id == ME:
        owner_id = page.user.person_id
        if owner_id is None:
            errors.add("owner", "your account is not linked to a person on the team")
    tasks: list[Task] = []
    with unit_of_work(page.runtime.read_sessions) as session:
        people = people_names(session)
        if not errors:
            chosen = service.TaskFilter(
                status=filters.status,
                label=filters.label or None,
                size=filters.size or None,
                owner=owner_id,
            )
            try:
                tasks = list(service.list_tasks(session, chosen))
            except Invalid as error:
                errors.add_error(error, ("status", "label", "size", "owner"))
    return page.render(
        "tasks/list.html",
        {
            "active": "tasks",
            "filters": filters,
            "tasks": tasks,
            "people": people,
            "status_options": STATUS_OPTIONS,
            "size_options": [*((s, s) for s in SIZES), (service.UNSIZED, "Not sized")],
            "owner_options": _people_options(page, people, nobody=True),
            "values": {
                "status": filters.status,
                "label": filters.label,
                "size": filters.size,
                "owner": filters.owner,
            },
            "errors": errors.by_field,
        },
        status=400 if errors else 200,
    )


def new_task_form(
    page: Page, *, values: dict[str, str] | None = None, errors: FormErrors | None = None
) -> HTMLResponse:
    """The form that adds a task to the backlog."""
    return page.render(
        "tasks/new.html",
        {
            "active": "tasks",
            "size_options": SIZE_OPTIONS,
            "values": values or {},
            "errors": errors.by_field if errors else {},
        },
        status=400 if errors else 200,
    )


@router.get("/tasks/new", response_class=HTMLResponse)
def new_task(page: ResponderPage) -> HTMLResponse:
    """The form to add a task."""
    return new_task_form(page)


@router.post("/tasks/new", response_class=HTMLResponse)
def add_task(page: ResponderPage, form: PostedForm) -> Response:
    """Add the task, or show the form again with what is wrong beside each field."""
    values = {name: posted_text(form, name) for name in TEXT_FIELDS}
    try:
        new = service.NewTask(
            title=values["title"],
            description=values["description"],
            labels=tuple(labels_from_text(values["labels"])),
            size=checked_size(values["size"]),
            link=values["link"].strip() or None,
        )
        with unit_of_work(page.runtime.sessions) as session:
            task = service.add_task(session, new, source=None, actor=web_actor(page), now=page.now)
            session.commit()
            number, title = task.id, task.title
    except Invalid as error:
        return new_task_form(page, values=values, errors=EDIT.errors_for(error))
    return page.redirect(f"/tasks/{number}", flash=f"Task {number} added: {title}")


def task_page(
    page: Page,
    task_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The task: what it is, who has it, its history, and the forms open to the user."""
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        people = people_names(session)
        view = view_task(session, task_id, people)
    task = view.task
    mine = task.owner_id is not None and task.owner_id == page.user.person_id
    shown = {
        "title": task.title,
        "description": task.description,
        "labels": " ".join(task.labels),
        "size": task.size or "",
        "link": task.link or "",
    } | (values or {})
    return page.render(
        "tasks/show.html",
        {
            "active": "tasks",
            "view": view,
            "task": task,
            "may_change": page.may("responder"),
            "linked": page.user.person_id is not None,
            "mine": mine,
            "size_options": SIZE_OPTIONS,
            "errors": errors.by_field if errors else {},
            "values": shown,
        },
        status=status,
    )


@router.get("/tasks/{task_id:int}", response_class=HTMLResponse)
def show_task(task_id: int, page: SignedInPage) -> HTMLResponse:
    """One task."""
    return task_page(page, task_id)


@router.post("/tasks/{task_id:int}/edit", response_class=HTMLResponse)
def edit_task(task_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Change the task's title, description, labels, size and link."""
    values = {name: posted_text(form, name) for name in TEXT_FIELDS}

    def edit(session: Session) -> str:
        text = service.TaskText(
            title=values["title"],
            description=values["description"],
            labels=tuple(labels_from_text(values["labels"])),
            size=values["size"] or None,
            link=values["link"] or None,
        )
        service.edit_task(session, task_id, text, actor=web_actor(page), now=page.now)
        return "Task saved."

    return _act(page, task_id, edit, EDIT, values)


@router.post("/tasks/{task_id:int}/pick-up", response_class=HTMLResponse)
def pick_up(task_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """The task becomes the user's; someone else's only when the form says take over."""
    take_over = form.get("take_over") == "yes"

    def pick(session: Session) -> str:
        task = service.pick_up(
            session,
            task_id,
            _own_person(page),
            take_over=take_over,
            actor=web_actor(page),
            now=page.now,
        )
        return f"You have task {task.id}{' now' if take_over else ''}."

    return _act(page, task_id, pick, OWNERSHIP)


@router.post("/tasks/{task_id:int}/release", response_class=HTMLResponse)
def release(task_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """The user gives their task back to the backlog."""
    assert page.user is not None
    person_id = page.user.person_id

    def give_back(session: Session) -> str:
        service.release(session, task_id, person_id, actor=web_actor(page), now=page.now)
        return f"Task {task_id} is back in the backlog."

    return _act(page, task_id, give_back, OWNERSHIP)


@router.post("/tasks/{task_id:int}/complete", response_class=HTMLResponse)
def complete(task_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """The task is done."""
    assert page.user is not None
    person_id = page.user.person_id

    def finish(session: Session) -> str:
        service.complete(session, task_id, person_id, actor=web_actor(page), now=page.now)
        return f"Task {task_id} is done."

    return _act(page, task_id, finish, OWNERSHIP)


@router.post("/tasks/{task_id:int}/reopen", response_class=HTMLResponse)
def reopen(task_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """A done task is open again."""

    def open_again(session: Session) -> str:
        service.reopen(session, task_id, actor=web_actor(page), now=page.now)
        return f"Task {task_id} is open again."

    return _act(page, task_id, open_again, OWNERSHIP)


def _act(
    page: Page,
    task_id: int,
    act: Callable[[Session], str],
    form: PageForm,
    values: dict[str, str] | None = None,
) -> Response:
    """Do `act` in one transaction and go back to the task with the message it returns; when
    the service refuses, nothing is committed and the page shows why beside the form."""
    with unit_of_work(page.runtime.sessions) as session:
        service.get_task(session, task_id)  # an unknown task is a 404
        try:
            flash = act(session)
        except (Invalid, Conflict, NotFound) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(f"/tasks/{task_id}", flash=flash)
    status = 409 if isinstance(refusal, Conflict) else 400
    return task_page(page, task_id, errors=form.errors_for(refusal), values=values, status=status)


def _own_person(page: Page) -> str:
    assert page.user is not None
    if page.user.person_id is None:
        raise Invalid(
            "your account is not linked to a person on the team, so no task can be yours;"
            " an admin links it with `dutydesk user add … --person ID`"
        )
    return page.user.person_id


def _people_options(page: Page, people: dict[str, str], *, nobody: bool) -> list[tuple[str, str]]:
    assert page.user is not None
    person_id = page.user.person_id
    me = [(ME, f"Me ({people.get(person_id, person_id)})")] if person_id else []
    return me + ([(service.NOBODY, "Nobody")] if nobody else []) + list(people.items())
