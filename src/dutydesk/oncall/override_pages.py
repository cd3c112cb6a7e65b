"""Pages for a rota's overrides: the list, adding one and removing one, each after a preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.oncall.page_support import (
    days_around,
    exact_time,
    form_values,
    people_choices,
    read_time,
)
from dutydesk.oncall.preview import preview_change
from dutydesk.overrides.service import (
    add_override,
    get_override,
    list_overrides,
    remove_override,
)
from dutydesk.people.service import person_names
from dutydesk.rotas.service import get_rota
from dutydesk.web.forms import FormErrors, required
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

OVERRIDE_FIELDS = ("person", "from", "until", "note")
# Ids are 32-bit; longer digit strings name nothing (and very long ones are slow to convert).
_LONGEST_ID_TEXT = 10


@dataclass(frozen=True)
class WantedOverride:
    """An override as the form asks for it, its times read."""

    person_id: str
    start: datetime
    end: datetime
    note: str | None


@router.get("/rotas/{rota_id}/overrides", response_class=HTMLResponse)
def override_list(rota_id: str, page: SignedInPage) -> HTMLResponse:
    """A rota's overrides in effect now or still to come."""
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        overrides = list_overrides(session, rota_id, start=page.now)
        names = person_names(session)
    context = {"active": "rotas", "rota": rota, "overrides": overrides, "names": names}
    return page.render("overrides/list.html", context)


@router.get("/rotas/{rota_id}/overrides/new", response_class=HTMLResponse)
def override_form(rota_id: str, page: ResponderPage) -> HTMLResponse:
    """The form for a new override; query parameters fill it in (the preview's Change button)."""
    values = {name: page.request.query_params.get(name, "") for name in OVERRIDE_FIELDS}
    return _show_form(page, rota_id, values, FormErrors())


@router.post("/rotas/{rota_id}/overrides/preview", response_class=HTMLResponse)
def override_preview(rota_id: str, page: ResponderPage, form: PostedForm) -> HTMLResponse:
    """What the override would change, made for real and rolled back, with a Confirm button."""
    values, errors, wanted = _read_form(page, form)
    change = None
    if wanted is not None:
        try:
            change = preview_change(
                page.runtime,
                rota_id,
                *days_around(wanted.start, wanted.end, page.zone),
                lambda session: _add(session, page, rota_id, wanted),
            )
        except (Invalid, Conflict) as error:
            errors.add_error(error, OVERRIDE_FIELDS)
    if wanted is None or change is None or errors:
        return _show_form(page, rota_id, values, errors, status=400)
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        names = person_names(session)
    context = {
        "active": "rotas",
        "rota": rota,
        "names": names,
        "wanted": wanted,
        "change": change,
        "confirm": {
            "person": wanted.person_id,
            "from": exact_time(wanted.start, page.zone),
            "until": exact_time(wanted.end, page.zone),
            "note": wanted.note or "",
        },
        "again": {
            "person": wanted.person_id,
            "from": page.field_time(wanted.start),
            "until": page.field_time(wanted.end),
            "note": wanted.note or "",
        },
    }
    return page.render("overrides/preview.html", context)


@router.post("/rotas/{rota_id}/overrides", response_class=HTMLResponse)
def override_create(rota_id: str, page: ResponderPage, form: PostedForm) -> Response:
    """Make the override the preview showed."""
    values, errors, wanted = _read_form(page, form)
    if wanted is not None:
        try:
            with unit_of_work(page.runtime.sessions) as session:
                _add(session, page, rota_id, wanted)
                rota_name = get_rota(session, rota_id).name
                person_name = person_names(session)[wanted.person_id]
                session.commit()
        except (Invalid, Conflict) as error:
            errors.add_error(error, OVERRIDE_FIELDS)
    if wanted is None or errors:
        return _show_form(page, rota_id, values, errors, status=400)
    return page.redirect(
        f"/rotas/{rota_id}/overrides",
        flash=f"{person_name} is on {rota_name} from {page.when(wanted.start)}"
        f" until {page.when(wanted.end)}.",
    )


@router.get("/rotas/{rota_id}/overrides/{override_id}/remove", response_class=HTMLResponse)
def override_remove_preview(rota_id: str, override_id: str, page: ResponderPage) -> HTMLResponse:
    """What removing an override would change, with a button to remove it."""
    number = _override_number(override_id)
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        override = get_override(session, rota_id, number)
        names = person_names(session)
    assert page.user is not None
    actor = web_actor(page)
    change = preview_change(
        page.runtime,
        rota_id,
        *days_around(override.start_at, override.end_at, page.zone),
        lambda session: remove_override(session, rota_id, number, actor=actor, now=page.now),
    )
    context = {
        "active": "rotas",
        "rota": rota,
        "override": override,
        "names": names,
        "change": change,
    }
    return page.render("overrides/remove.html", context)


@router.post("/rotas/{rota_id}/overrides/{override_id}/remove")
def override_remove(
    rota_id: str, override_id: str, page: ResponderPage, _form: PostedForm
) -> RedirectResponse:
    """Remove an override."""
    number = _override_number(override_id)
    assert page.user is not None
    with unit_of_work(page.runtime.sessions) as session:
        removed = remove_override(session, rota_id, number, actor=web_actor(page), now=page.now)
        rota_name = get_rota(session, rota_id).name
        person_name = person_names(session).get(removed.person_id, removed.person_id)
        session.commit()
    return page.redirect(
        f"/rotas/{rota_id}/overrides",
        flash=f"Removed the override: {person_name} on {rota_name}"
        f" from {page.when(removed.start_at)} until {page.when(removed.end_at)}.",
    )


def _read_form(
    page: Page, form: dict[str, str]
) -> tuple[dict[str, str], FormErrors, WantedOverride | None]:
    """The typed values (to show again), messages, and the override if the fields make one."""
    errors = FormErrors()
    values = form_values(form, OVERRIDE_FIELDS)
    person_id = required(values, "person", errors, label="who is on call")
    required(values, "from", errors, label="when the override starts")
    required(values, "until", errors, label="when the override ends")
    start = read_time(page, values, "from", errors)
    end = read_time(page, values, "until", errors)
    if start is None or end is None or errors:
        return values, errors, None
    if end <= start:
        # Said here, beside the field, rather than as the service's message about the range.
        errors.add("until", "must be after the start")
        return values, errors, None
    # A datetime-local input shows only its own format; what was typed is kept otherwise.
    values |= {"from": page.field_time(start), "until": page.field_time(end)}
    return values, errors, WantedOverride(person_id, start, end, values["note"] or None)


def _add(session: Session, page: Page, rota_id: str, wanted: WantedOverride) -> object:
    assert page.user is not None
    return add_override(
        session,
        rota_id=rota_id,
        person_id=wanted.person_id,
        start=wanted.start,
        end=wanted.end,
        note=wanted.note,
        actor=web_actor(page),
        now=page.now,
    )


def _show_form(
    page: Page, rota_id: str, values: dict[str, str], errors: FormErrors, *, status: int = 200
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        people = people_choices(session)
    context: dict[str, Any] = {
        "active": "rotas",
        "rota": rota,
        "people": people,
        "values": values,
        "errors": errors.by_field,
    }
    return page.render("overrides/new.html", context, status=status)


def _override_number(text: str) -> int:
    """An override id from the address; anything but a number names no override."""
    if not text.isascii() or not text.isdigit() or len(text) > _LONGEST_ID_TEXT:
        raise NotFound(f"no override {text!r}")
    return int(text)
