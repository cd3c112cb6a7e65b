"""Swap pages: the list of requests, and asking for a swap. One request's page and its
answers are in `answer_pages`, whose routes this router includes.

Asking goes form → preview → confirm. The preview runs the real `request_swap` in a
transaction that is rolled back, so it refuses exactly what confirming would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.oncall.preview import ScheduleChange, preview_change
from dutydesk.oncall.service import person_shifts
from dutydesk.people.service import person_names
from dutydesk.rotas.models import Rota
from dutydesk.rotas.service import get_rota, list_rotas
from dutydesk.swaps.answer_pages import router as answer_router
from dutydesk.swaps.answer_pages import window_text
from dutydesk.swaps.service import (
    LONGEST_SWAP,
    SwapView,
    acting_person,
    effective_status,
    request_swap,
    rota_members,
    swap_board,
)
from dutydesk.timeparse import check_range, parse_time
from dutydesk.web.forms import FormErrors, optional, required
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

# Closed requests stay listed (below the open ones) for this long after they closed.
CLOSED_LISTED_FOR = timedelta(days=14)
# How far ahead the request form looks for your next shift, to fill in the window.
NEXT_SHIFT_AHEAD = timedelta(days=31)
REQUEST_FIELDS = ("rota", "from", "until", "to", "note")
OFFER_NAMED, OFFER_ROTA = "named", "rota"  # the "offer to" choices
NAMED_PREFIX = "to-"  # one checkbox per colleague: to-alice, to-carol, …


@router.get("/swaps", response_class=HTMLResponse)
def swaps(page: SignedInPage) -> HTMLResponse:
    """Requests waiting for your answer, your own, everyone else's open ones, recently closed."""
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        board = swap_board(
            session, page.user.person_id, page.now, closed_since=page.now - CLOSED_LISTED_FOR
        )
        names = person_names(session)
        rota_names = {rota.id: rota.name for rota in list_rotas(session)}
    return page.render(
        "swaps/list.html",
        {
            "active": "swaps",
            "board": board,
            "names": names,
            "rota_names": rota_names,
            "status_of": lambda view: effective_status(view.swap, page.now),
            "linked": page.user.person_id is not None,
        },
    )


@dataclass(frozen=True)
class SwapAsk:
    """A swap request as the form asks for it, read and checked for shape."""

    rota_id: str
    start: datetime
    end: datetime
    offered_to: list[str]  # empty: everyone else on the rota
    note: str | None


def read_ask(page: Page, form: dict[str, str]) -> tuple[SwapAsk | None, FormErrors]:
    """The request a posted form describes, or the errors that stop it being one."""
    errors = FormErrors()
    rota_id = required(form, "rota", errors, label="the rota")
    texts = {
        "from": required(form, "from", errors, label="when the swap starts"),
        "until": required(form, "until", errors, label="when it ends"),
    }
    times: dict[str, datetime] = {}
    for name, text in texts.items():
        if text:
            try:
                times[name] = parse_time(text, page.zone, page.now, field=name)
            except Invalid as error:
                errors.add_error(error, REQUEST_FIELDS)
    if len(times) == 2:
        try:
            check_range(times["from"], times["until"], longest=LONGEST_SWAP)
        except Invalid as error:
            errors.add("until", error.message)
    offer = form.get("offer", "")
    named = [key.removeprefix(NAMED_PREFIX) for key in form if key.startswith(NAMED_PREFIX)]
    if offer not in (OFFER_NAMED, OFFER_ROTA):
        errors.add("to", "choose who to offer it to")
    elif offer == OFFER_NAMED and not named:
        errors.add("to", "tick at least one colleague, or offer it to everyone on the rota")
    if errors:
        return None, errors
    chosen = named if offer == OFFER_NAMED else []
    ask = SwapAsk(rota_id, times["from"], times["until"], chosen, optional(form, "note"))
    return ask, errors


def make_request(page: Page, session: Session, ask: SwapAsk) -> SwapView:
    """Ask for the swap as the signed-in user's person (Forbidden when linked to nobody)."""
    assert page.user is not None
    return request_swap(
        session,
        rota_id=ask.rota_id,
        requester_id=acting_person(session, page.user, None),
        start=ask.start,
        end=ask.end,
        offered_to=ask.offered_to,
        note=ask.note,
        actor=web_actor(page),
        now=page.now,
    )


def request_form(
    page: Page,
    rota_id: str | None,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The request form for a rota (default: your first), with its other members to pick."""
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        person_id = acting_person(session, page.user, None)
        rotas = list(list_rotas(session))
        rota = chosen_rota(session, rotas, rota_id, person_id)
        names = person_names(session)
        members = [m for m in rota_members(rota) if m != person_id] if rota else []
        shown = dict(values or {})
        if values is None and rota is not None:
            shown = {"rota": rota.id, "offer": OFFER_NAMED}
            next_shift = next(
                (
                    shift
                    for shift_rota, shift in person_shifts(
                        session, person_id, page.now, page.now + NEXT_SHIFT_AHEAD
                    )
                    if shift_rota.id == rota.id and shift.start > page.now
                ),
                None,
            )
            if next_shift is not None:
                shown["from"] = page.field_time(next_shift.start)
                shown["until"] = page.field_time(next_shift.end)
    context = {
        "active": "swaps",
        "rotas": [(r.id, r.name) for r in rotas],
        "rota": rota,
        "members": [(m, names.get(m, m)) for m in members],
        "values": shown,
        "errors": errors.by_field if errors else {},
    }
    return page.render("swaps/new.html", context, status=status)


def chosen_rota(
    session: Session, rotas: list[Rota], rota_id: str | None, person_id: str
) -> Rota | None:
    """The rota named (NotFound for an unknown one), else the first you are on, else the first."""
    if rota_id:
        return get_rota(session, rota_id)
    mine = [r for r in rotas if person_id in rota_members(r)]
    return next(iter(mine or rotas), None)


@router.get("/swaps/new", response_class=HTMLResponse)
def new_swap(page: ResponderPage, rota: str | None = None) -> HTMLResponse:
    """The form to ask colleagues to cover part or all of a shift."""
    return request_form(page, rota)


def form_values(form: dict[str, str]) -> dict[str, str]:
    """The posted fields to show again in the form (not the CSRF token or the buttons)."""
    kept = ("rota", "from", "until", "offer", "note")
    return {k: v for k, v in form.items() if k in kept or k.startswith(NAMED_PREFIX)}


def refused_form(page: Page, form: dict[str, str], errors: FormErrors) -> HTMLResponse:
    """The form again (400) with the reasons; for an unknown rota, the default rota's members."""
    rota_id = form.get("rota", "").strip() or None
    if "rota" in errors.by_field:
        rota_id = None
    return request_form(page, rota_id, values=form_values(form), errors=errors, status=400)


def _refusal(error: Invalid | Conflict | NotFound) -> FormErrors:
    errors = FormErrors()
    if isinstance(error, NotFound):
        errors.add("rota", error.message)  # a rota id from the form, not from the address
    else:
        errors.add_error(error, REQUEST_FIELDS)
    return errors


@router.post("/swaps/preview", response_class=HTMLResponse)
def preview_swap(page: ResponderPage, form: PostedForm) -> HTMLResponse:
    """What asking would do: whose window, who is asked; or the form again (Change, or another
    rota's colleagues)."""
    if form.get("step") in ("change", "colleagues"):
        rota_id = form.get("rota", "").strip() or None
        try:
            return request_form(page, rota_id, values=form_values(form))
        except NotFound as error:
            return refused_form(page, form, _refusal(error))
    ask, errors = read_ask(page, form)
    if ask is None:
        return refused_form(page, form, errors)
    asked: list[list[str]] = []

    def make(session: Session) -> None:
        asked.append(make_request(page, session, ask).offered_to)

    try:
        change: ScheduleChange = preview_change(page.runtime, ask.rota_id, ask.start, ask.end, make)
    except (Invalid, Conflict, NotFound) as error:
        return refused_form(page, form, _refusal(error))
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        names = person_names(session)
        rota_name = get_rota(session, ask.rota_id).name
    hidden = form_values(form) | {
        "from": page.field_time(ask.start),
        "until": page.field_time(ask.end),
    }
    return page.render(
        "swaps/request_preview.html",
        {
            "active": "swaps",
            "ask": ask,
            "rota_name": rota_name,
            "requester": names.get(page.user.person_id or "", page.user.person_id),
            "offered_to": [names.get(p, p) for p in asked[0]],
            "everyone": not ask.offered_to,
            "change": change,
            "names": names,
            "hidden": hidden,
            "length": ask.end - ask.start,
        },
    )


@router.post("/swaps", response_class=HTMLResponse)
def create_swap(page: ResponderPage, form: PostedForm) -> Response:
    """Ask for the swap; everyone it is offered to is told."""
    ask, errors = read_ask(page, form)
    if ask is None:
        return refused_form(page, form, errors)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view = make_request(page, session, ask)
            swap_id = view.swap.id
            names = person_names(session)
            offered = ", ".join(names.get(p, p) for p in view.offered_to)
            session.commit()
    except (Invalid, Conflict, NotFound) as error:
        return refused_form(page, form, _refusal(error))
    return page.redirect(
        f"/swaps/{swap_id}",
        flash=f"Swap request {swap_id} made for {window_text(page, ask.start, ask.end)};"
        f" {offered} {'is' if len(view.offered_to) == 1 else 'are'} asked and told.",
    )


router.include_router(answer_router)
