"""Pages for break cover: "cover me for 45 minutes from 12:30", previewed, then confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dutydesk.cover.service import LONGEST_COVER, add_cover
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid
from dutydesk.oncall.page_support import (
    exact_time,
    form_values,
    people_choices,
    read_time,
    short_when,
)
from dutydesk.oncall.preview import preview_change
from dutydesk.oncall.service import who
from dutydesk.overrides.models import Override
from dutydesk.rotas.service import get_rota
from dutydesk.timeparse import parse_duration
from dutydesk.web.forms import FormErrors, required
from dutydesk.web.page import Page, PostedForm, ResponderPage, web_actor

router = APIRouter(include_in_schema=False)

COVER_FIELDS = ("by", "from", "for", "note")
# The lengths offered; any other the service accepts ("20m") may be posted too.
LENGTHS = (
    ("15m", "15 min"),
    ("30m", "30 min"),
    ("45m", "45 min"),
    ("1h", "1 h"),
    ("1h30m", "1 h 30 min"),
    ("2h", "2 h"),
)
DEFAULTS = {"by": "", "from": "now", "for": "30m", "note": ""}
# The preview shows the schedule from this long before the cover until this long after it.
PREVIEW_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class WantedCover:
    """Break cover as the form asks for it."""

    person_id: str
    start: datetime
    # "now" when cover starts whenever it is confirmed, else the exact start.
    start_text: str
    length: timedelta
    note: str | None


@router.get("/rotas/{rota_id}/cover/new", response_class=HTMLResponse)
def cover_form(rota_id: str, page: ResponderPage) -> HTMLResponse:
    """The break-cover form; query parameters fill it in (the preview's Change button)."""
    query = page.request.query_params
    values = {name: query.get(name, default) for name, default in DEFAULTS.items()}
    return _show_form(page, rota_id, values, FormErrors())


@router.post("/rotas/{rota_id}/cover/preview", response_class=HTMLResponse)
def cover_preview(rota_id: str, page: ResponderPage, form: PostedForm) -> HTMLResponse:
    """Whom the cover is for and how the schedule changes, with a Confirm button."""
    values, errors, wanted = _read_form(page, form)
    made: dict[str, datetime] = {}

    def make(session: Session) -> None:
        assert wanted is not None
        cover = _add(session, page, rota_id, wanted)
        made.update(start=cover.start_at, end=cover.end_at)

    change = None
    if wanted is not None:
        shown = min(wanted.length, LONGEST_COVER)
        window = (wanted.start - PREVIEW_MARGIN, wanted.start + shown + PREVIEW_MARGIN)
        try:
            change = preview_change(page.runtime, rota_id, *window, make)
        except (Invalid, Conflict) as error:
            _place_error(errors, error)
    if wanted is None or change is None or errors:
        return _show_form(page, rota_id, values, errors, status=400)
    covering_for = next((s.person for s in change.before if s.start <= made["start"] < s.end), None)
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        names = dict(people_choices(session))
    confirm = {
        "by": wanted.person_id,
        "from": wanted.start_text,
        "for": values["for"],
        "note": wanted.note or "",
    }
    context = {
        "active": "rotas",
        "rota": rota,
        "names": names,
        "wanted": wanted,
        "start": made["start"],
        "end": made["end"],
        "covering_for": covering_for,
        "change": change,
        "confirm": confirm,
        "again": confirm | {"from": values["from"]},
    }
    return page.render("cover/preview.html", context)


@router.post("/rotas/{rota_id}/cover", response_class=HTMLResponse)
def cover_create(rota_id: str, page: ResponderPage, form: PostedForm) -> Response:
    """Make the break cover; the dashboard shows it."""
    values, errors, wanted = _read_form(page, form)
    if wanted is not None:
        try:
            with unit_of_work(page.runtime.sessions) as session:
                cover = _add(session, page, rota_id, wanted)
                start, end = cover.start_at, cover.end_at
                rota_name = get_rota(session, rota_id).name
                person_name = dict(people_choices(session))[wanted.person_id]
                session.commit()
        except (Invalid, Conflict) as error:
            _place_error(errors, error)
    if wanted is None or errors:
        return _show_form(page, rota_id, values, errors, status=400)
    return page.redirect(
        "/",
        flash=f"{person_name} covers {rota_name} from {short_when(page, start)}"
        f" to {short_when(page, end, same_day_as=start)}.",
    )


def _read_form(
    page: Page, form: dict[str, str]
) -> tuple[dict[str, str], FormErrors, WantedCover | None]:
    """The typed values (to show again), messages, and the cover if the fields make one."""
    errors = FormErrors()
    values = form_values(form, COVER_FIELDS)
    person_id = required(values, "by", errors, label="who covers")
    required(values, "from", errors, label="when cover starts, or now")
    required(values, "for", errors, label="how long the cover lasts")
    start = read_time(page, values, "from", errors)
    length = None
    if values["for"] and "for" not in errors.by_field:
        try:
            length = parse_duration(values["for"], field="for")
        except Invalid as error:
            errors.add_error(error, ("for",))
    if start is None or length is None or errors:
        return values, errors, None
    # "now" stays "now" through the preview: confirming a minute later is not in the past.
    start_text = "now" if values["from"].lower() == "now" else exact_time(start, page.zone)
    return values, errors, WantedCover(person_id, start, start_text, length, values["note"] or None)


def _add(session: Session, page: Page, rota_id: str, wanted: WantedCover) -> Override:
    assert page.user is not None
    return add_cover(
        session,
        rota_id=rota_id,
        person_id=wanted.person_id,
        start=wanted.start,
        length=wanted.length,
        note=wanted.note,
        actor=web_actor(page),
        now=page.now,
    )


def _place_error(errors: FormErrors, error: DutydeskError) -> None:
    """A service message beside its field; the person checks speak of 'person', here 'by'."""
    name, separator, rest = error.message.partition(": ")
    if separator and name == "person":
        errors.add("by", rest)
    else:
        errors.add_error(error, COVER_FIELDS)


def _show_form(
    page: Page, rota_id: str, values: dict[str, str], errors: FormErrors, *, status: int = 200
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        people = people_choices(session)
        [on_call] = who(session, [rota_id], page.now)
    context: dict[str, Any] = {
        "active": "rotas",
        "rota": rota,
        "people": people,
        "names": dict(people),
        "on_call": on_call.now,
        "lengths": _lengths(values["for"]),
        "values": values,
        "errors": errors.by_field,
    }
    return page.render("cover/new.html", context, status=status)


def _lengths(typed: str) -> tuple[tuple[str, str], ...]:
    """The lengths to offer, with one typed elsewhere (a link, the Change button) kept."""
    if not typed or typed in dict(LENGTHS):
        return LENGTHS
    return (*LENGTHS, (typed, typed))
