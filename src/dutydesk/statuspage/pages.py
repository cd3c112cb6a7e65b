"""The team's status page pages: components and their states, publishing an incident or an
update (previewed first, as tenants will read it), scheduling maintenance, and the subscribers.

Every signed-in user reads them; responders and admins publish. Each form runs one service
call in one transaction; when the service refuses, nothing is committed and the page comes back
with the reason beside the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid, NotFound
from dutydesk.incidents import service as incidents
from dutydesk.statuspage import components, maintenance, publishing, reminders
from dutydesk.statuspage.levels import STATE_NAMES, STATUS_NAMES
from dutydesk.statuspage.models import (
    COMPONENT_STATES,
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    StatusSubscriber,
)
from dutydesk.statuspage.publishing import Preview, UpdateDraft
from dutydesk.statuspage.site import Site
from dutydesk.timeparse import parse_time
from dutydesk.web.forms import PageForm, posted_text
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

STATE = PageForm("state", {"status": "state"}, ("state",))
DRAFT_FIELDS = ("name", "incident", "status", "body", "notify")
DRAFT = PageForm(
    "body",
    {"name": "name", "status": "status", "body": "body", "components": "components"},
    DRAFT_FIELDS,
)
WINDOW = PageForm(
    "window_body",
    {
        "name": "window_name",
        "body": "window_body",
        "scheduled_for": "scheduled_for",
        "scheduled_until": "scheduled_until",
        "components": "window_components",
    },
    ("window_name", "window_body", "scheduled_for", "scheduled_until"),
)
HOME = "/status-page"


@router.get("/status-page", response_class=HTMLResponse)
def status_page(page: SignedInPage, incident: int | None = None) -> HTMLResponse:
    """Components, open incidents, maintenance, and the forms that publish."""
    values: dict[str, str] = {"status": "investigating", "notify": "1"}
    if incident is not None:
        values["incident"] = str(incident)
    return _home(page, values=values)


def _home(
    page: Page,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    preview: Preview | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        every = components.list_components(session)
        open_incidents = publishing.list_status_incidents(
            session, kind="incident", statuses=INCIDENT_STATUSES[:-1]
        )
        windows = publishing.list_status_incidents(
            session, kind="maintenance", statuses=MAINTENANCE_STATUSES[:-1]
        )
        recent = publishing.list_status_incidents(
            session, statuses=("resolved", "completed"), limit=10
        )
        team_incidents = incidents.list_incidents(session, statuses=("active", "mitigated"))
        confirmed, pending = _subscriber_counts(session)
        troubled_for = {c.id: reminders.hours_troubled(c, page.now) for c in every}
    return page.render(
        "statuspage/index.html",
        {
            **_common(page),
            "components": every,
            "troubled_for": troubled_for,
            "open_incidents": open_incidents,
            "windows": windows,
            "recent": recent,
            "team_options": [(str(i.id), f"Incident {i.id}: {i.title}") for i in team_incidents],
            "confirmed": confirmed,
            "pending": pending,
            "errors": errors or {},
            "values": values or {},
            "preview": preview,
        },
        status=status,
    )


@router.post("/status-page/components/{component_id}/state", response_class=HTMLResponse)
def set_state(component_id: str, page: ResponderPage, form: PostedForm) -> Response:
    """Put a component in a state (no incident, no one told: an update tells tenants)."""

    def act(session: Session) -> str:
        component = components.get_component(session, component_id, lock=True)
        components.set_state(session, component, form.get("state", ""), now=page.now)
        return f"{component.name}: {STATE_NAMES.get(component.status, component.status)}"

    return _act(page, form, STATE, act, HOME)


@router.post("/status-page/incidents", response_class=HTMLResponse)
def create_incident(page: ResponderPage, form: PostedForm) -> Response:
    """Preview or publish a new status-page incident."""
    draft = _draft(form)
    incident_id = _incident_number(form)
    if form.get("action") == "preview":
        return _preview(page, form, None, draft, lambda p: _home(page, **p))

    def act(session: Session) -> str:
        made = publishing.create_incident(
            session, name=form.get("name", ""), draft=draft, actor=web_actor(page),
            now=page.now, site=Site.of(page.runtime), incident_id=incident_id,
        )  # fmt: skip
        return f"Published: {made.name}"

    return _act(page, form, DRAFT, act, HOME)


@router.get("/status-page/incidents/{status_incident_id}", response_class=HTMLResponse)
def show_incident(status_incident_id: str, page: SignedInPage) -> HTMLResponse:
    """One status-page incident or maintenance: its updates, and the form for the next."""
    return _incident(page, status_incident_id)


def _incident(
    page: Page,
    status_incident_id: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    preview: Preview | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        found = publishing.get_status_incident(session, status_incident_id)
        updates = publishing.updates_of(session, found.id)
        concerned = publishing.components_of(session, found.id)
        every = components.list_components(session)
    statuses = MAINTENANCE_STATUSES if found.kind == "maintenance" else INCIDENT_STATUSES
    status_options = [(s, STATUS_NAMES[s]) for s in statuses]
    return page.render(
        "statuspage/incident.html",
        {
            **_common(page),
            "incident": found,
            "updates": updates,
            "components": every,
            "concerned": concerned,
            "status_options": status_options,
            "errors": errors or {},
            "values": values or {"status": found.status, "notify": "1"},
            "preview": preview,
        },
        status=status,
    )


@router.post("/status-page/incidents/{status_incident_id}/updates", response_class=HTMLResponse)
def post_update(status_incident_id: str, page: ResponderPage, form: PostedForm) -> Response:
    """Preview or publish an update of an incident or maintenance."""
    draft = _draft(form)
    back = f"{HOME}/incidents/{status_incident_id}"
    if form.get("action") == "preview":
        return _preview(
            page, form, status_incident_id, draft,
            lambda p: _incident(page, status_incident_id, **p),
        )  # fmt: skip

    def act(session: Session) -> str:
        found = publishing.get_status_incident(session, status_incident_id, lock=True)
        update = publishing.publish_update(
            session, found, draft, actor=web_actor(page), now=page.now,
            site=Site.of(page.runtime),
        )  # fmt: skip
        told = f"; {update.notified} subscribers told" if update.notified else ""
        return f"Published: {STATUS_NAMES[update.status]}{told}"

    return _act(
        page, form, DRAFT, act, back, again=lambda p: _incident(page, status_incident_id, **p)
    )


@router.post("/status-page/incidents/{status_incident_id}/delete", response_class=HTMLResponse)
def delete_incident(status_incident_id: str, page: ResponderPage, form: PostedForm) -> Response:
    """Take an incident or maintenance off the public page."""

    def act(session: Session) -> str:
        found = publishing.get_status_incident(session, status_incident_id, lock=True)
        publishing.delete_incident(session, found, actor=web_actor(page), now=page.now)
        return f"Deleted: {found.name}"

    return _act(page, form, DRAFT, act, HOME)


@router.post("/status-page/maintenance", response_class=HTMLResponse)
def schedule_maintenance(page: ResponderPage, form: PostedForm) -> Response:
    """Schedule a maintenance window."""

    def act(session: Session) -> str:
        zone, now = page.zone, page.now
        window = maintenance.Window(
            name=form.get("window_name", ""),
            body=posted_text(form, "window_body"),
            scheduled_for=_when(form, "scheduled_for", zone, now),
            scheduled_until=_when(form, "scheduled_until", zone, now),
            component_ids=[k.removeprefix("window:") for k in form if k.startswith("window:")],
            remind_prior=bool(form.get("remind")),
        )
        made = maintenance.schedule(
            session, window, actor=web_actor(page), now=now, site=Site.of(page.runtime)
        )
        return f"Scheduled: {made.name}"

    return _act(page, form, WINDOW, act, HOME)


def _when(form: dict[str, str], name: str, zone: Any, now: Any) -> Any:
    text = form.get(name, "").strip()
    if not text:
        raise Invalid(f"{name}: enter a date and time")
    return parse_time(text, zone, now, field=name)


def _draft(form: dict[str, str]) -> UpdateDraft:
    states = {
        key.removeprefix("state:"): value
        for key, value in form.items()
        if key.startswith("state:") and value
    }
    return UpdateDraft(
        status=form.get("status", ""),
        body=posted_text(form, "body"),
        components=states,
        deliver_notifications=bool(form.get("notify")),
    )


def _incident_number(form: dict[str, str]) -> int | None:
    text = form.get("incident", "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None


def _preview(
    page: Page,
    form: dict[str, str],
    status_incident_id: str | None,
    draft: UpdateDraft,
    again: Callable[[dict[str, Any]], HTMLResponse],
) -> HTMLResponse:
    """The draft as tenants would read it, with who it would reach; nothing is saved."""
    with unit_of_work(page.runtime.read_sessions) as session:
        found = (
            publishing.get_status_incident(session, status_incident_id)
            if status_incident_id
            else None
        )
        try:
            shown = publishing.preview(session, found, draft)
        except (Invalid, NotFound) as error:
            return again(_refusal(form, DRAFT, error))
    return again({"values": dict(form), "preview": shown})


def _act(
    page: Page,
    form: dict[str, str],
    page_form: PageForm,
    act: Callable[[Session], str],
    back: str,
    *,
    again: Callable[[dict[str, Any]], HTMLResponse] | None = None,
) -> Response:
    """Do `act` in one transaction and go back with its message; when the service refuses,
    nothing is committed and the page shows why beside the field."""
    with unit_of_work(page.runtime.sessions) as session:
        try:
            flash = act(session)
        except (Invalid, Conflict, NotFound) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(back, flash=flash)
    shown = again or (lambda given: _home(page, **given))
    return shown(_refusal(form, page_form, refusal))


def _refusal(form: dict[str, str], page_form: PageForm, error: DutydeskError) -> dict[str, Any]:
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
    return {
        "errors": page_form.errors_for(error).by_field,
        "values": dict(form),
        "status": status,
    }


def _subscriber_counts(session: Session) -> tuple[int, int]:
    confirmed = session.scalar(
        select(func.count())
        .select_from(StatusSubscriber)
        .where(StatusSubscriber.confirmed_at.is_not(None))
    )
    every = session.scalar(select(func.count()).select_from(StatusSubscriber))
    return int(confirmed or 0), int((every or 0) - (confirmed or 0))


def _common(page: Page) -> dict[str, Any]:
    return {
        "active": "statuspage",
        "public_url": Site.of(page.runtime).public_url,
        "states": COMPONENT_STATES,
        "state_names": STATE_NAMES,
        "status_names": STATUS_NAMES,
        "status_options": [(s, STATUS_NAMES[s]) for s in INCIDENT_STATUSES],
    }
