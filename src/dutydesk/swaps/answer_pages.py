"""Pages for one swap request: reading it, and taking, exchanging, declining or cancelling it.

Every answer is tried before it is confirmed, by the same service in a transaction that is
rolled back: take and exchange show the schedule they leave (`preview_change`), decline and
cancel their consequences. So a confirm page never promises what confirming would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid
from dutydesk.oncall.preview import ScheduleChange, preview_change
from dutydesk.oncall.service import shifts
from dutydesk.people.service import person_names
from dutydesk.rotas.service import get_rota
from dutydesk.swaps.accept import exchange_swap, take_swap
from dutydesk.swaps.models import DECLINED, OPEN
from dutydesk.swaps.service import (
    LONGEST_SWAP,
    SwapView,
    acting_person,
    cancel_swap,
    decline_swap,
    effective_status,
    may_answer,
    view_swap,
)
from dutydesk.timeparse import check_range, duration_text, parse_time
from dutydesk.web.forms import FormErrors, required
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

# The taker's own shifts listed beside the exchange form, to pick a give-back window from.
OWN_SHIFTS_LISTED = 8
GIVE_BACK_FIELDS = ("from", "until")
Result = TypeVar("Result")


def window_text(page: Page, start: datetime, end: datetime) -> str:
    """'Thu 15 Jan 09:30 to Thu 15 Jan 17:30 (8 h)', in the team's time."""
    return f"{page.when(start)} to {page.when(end)} ({duration_text(end - start)})"


@dataclass(frozen=True)
class Asked:
    """A swap request as an answer page needs it, read before the answer is tried."""

    person_id: str  # the signed-in user's person, who answers
    view: SwapView
    rota_name: str
    names: dict[str, str]

    def name(self, person_id: str | None) -> str:
        """A person's name (their id if they have gone from the team)."""
        return self.names.get(person_id or "", person_id or "nobody")


def asked(page: Page, swap_id: int) -> Asked:
    """The request (NotFound: a 404 page) and the person answering (Forbidden: a 403 page)."""
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        view = view_swap(session, swap_id)
        person_id = acting_person(session, page.user, None)
        rota_name = get_rota(session, view.swap.rota_id).name
        return Asked(person_id, view, rota_name, person_names(session))


def dry_run(page: Page, change: Callable[[Session], Result]) -> Result:
    """Make a change for real and roll it back: its result, or the service's refusal."""
    with unit_of_work(page.runtime.sessions) as session:
        result = change(session)
        session.flush()
        session.rollback()
    return result


def swap_page(
    page: Page,
    swap_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    refused: bool = False,
) -> HTMLResponse:
    """The request's page with the answers open to the signed-in person.

    `refused`: an answer was refused and `errors` says why; 409 once the request can no
    longer be answered, else 400.
    """
    assert page.user is not None
    person_id = page.user.person_id
    with unit_of_work(page.runtime.read_sessions) as session:
        view = view_swap(session, swap_id)
        swap = view.swap
        rota = get_rota(session, swap.rota_id)
        names = person_names(session)
        answerable = page.may("responder") and may_answer(view, person_id, page.now)
        own_shifts = (
            [
                s
                for s in shifts(session, rota.id, page.now, page.now + LONGEST_SWAP)
                if s.person == person_id and s.start > page.now
            ][:OWN_SHIFTS_LISTED]
            if answerable
            else []
        )
    status = effective_status(swap, page.now)
    context = {
        "active": "swaps",
        "view": view,
        "swap": swap,
        "status": status,
        "rota_name": rota.name,
        "names": names,
        "linked": person_id is not None,
        "answerable": answerable,
        "cancellable": page.may("responder") and person_id == swap.requester_id and status == OPEN,
        "own_shifts": own_shifts,
        "length": swap.end_at - swap.start_at,
        "errors": errors.by_field if errors else {},
        "values": values or {},
    }
    code = 200 if not refused else 400 if status == OPEN else 409
    return page.render("swaps/show.html", context, status=code)


def refusal(error: DutydeskError, fields: tuple[str, ...] = ()) -> FormErrors:
    """A service's refusal, beside the field it names or above the page's forms."""
    errors = FormErrors()
    errors.add_error(error, fields)
    return errors


@router.get("/swaps/{swap_id:int}", response_class=HTMLResponse)
def show_swap(swap_id: int, page: SignedInPage) -> HTMLResponse:
    """One swap request: its window, who was asked, what became of it, and your answers."""
    return swap_page(page, swap_id)


@router.post("/swaps/{swap_id:int}/take/preview", response_class=HTMLResponse)
def take_preview(swap_id: int, page: ResponderPage, _form: PostedForm) -> HTMLResponse:
    """What taking the request would do to the rota's schedule, to confirm."""
    request = asked(page, swap_id)
    swap = request.view.swap

    def take(session: Session) -> None:
        take_swap(session, swap_id, taker_id=request.person_id, actor=web_actor(page), now=page.now)

    try:
        change = preview_change(page.runtime, swap.rota_id, swap.start_at, swap.end_at, take)
    except (Invalid, Conflict) as error:
        return swap_page(page, swap_id, errors=refusal(error), refused=True)
    return page.render(
        "swaps/take_preview.html",
        {
            "active": "swaps",
            "asked": request,
            "swap": swap,
            "change": change,
            "names": request.names,
        },
    )


@router.post("/swaps/{swap_id:int}/take", response_class=HTMLResponse)
def take(swap_id: int, page: ResponderPage, _form: PostedForm) -> Response:
    """Take the request: you cover its whole window."""
    request = asked(page, swap_id)
    swap = request.view.swap
    try:
        with unit_of_work(page.runtime.sessions) as session:
            take_swap(
                session, swap_id, taker_id=request.person_id, actor=web_actor(page), now=page.now
            )
            session.commit()
    except (Invalid, Conflict) as error:
        return swap_page(page, swap_id, errors=refusal(error), refused=True)
    return page.redirect(
        f"/swaps/{swap_id}",
        flash=f"You took swap {swap_id}: you now cover {request.name(swap.requester_id)}'s"
        f" {request.rota_name} shift {window_text(page, swap.start_at, swap.end_at)}."
        f" {request.name(swap.requester_id)} is told.",
    )


def give_back_window(page: Page, form: dict[str, str]) -> tuple[datetime, datetime, FormErrors]:
    """The give-back window typed into the exchange form; errors say what is wrong with it."""
    errors = FormErrors()
    texts = [
        required(form, "from", errors, label="when the shift you give back starts"),
        required(form, "until", errors, label="when it ends"),
    ]
    times = []
    for name, text in zip(GIVE_BACK_FIELDS, texts, strict=True):
        try:
            times.append(parse_time(text, page.zone, page.now, field=name) if text else page.now)
        except Invalid as error:
            errors.add_error(error, GIVE_BACK_FIELDS)
            times.append(page.now)
    start, end = times
    if not errors:
        try:
            check_range(start, end, longest=LONGEST_SWAP)
        except Invalid as error:
            errors.add("until", error.message)
    return start, end, errors


@router.post("/swaps/{swap_id:int}/exchange/preview", response_class=HTMLResponse)
def exchange_preview(swap_id: int, page: ResponderPage, form: PostedForm) -> HTMLResponse:
    """What exchanging would do to both windows, to confirm ("Change" shows the form again)."""
    request = asked(page, swap_id)
    swap = request.view.swap
    values = {name: form.get(name, "").strip() for name in GIVE_BACK_FIELDS}
    if form.get("step") == "change":
        return swap_page(page, swap_id, values=values)
    start, end, errors = give_back_window(page, form)
    if errors:
        return swap_page(page, swap_id, errors=errors, values=values, refused=True)

    def exchange(session: Session) -> None:
        exchange_swap(
            session,
            swap_id,
            taker_id=request.person_id,
            give_back_start=start,
            give_back_end=end,
            actor=web_actor(page),
            now=page.now,
        )

    try:
        taken = preview_change(page.runtime, swap.rota_id, swap.start_at, swap.end_at, exchange)
        given = preview_change(page.runtime, swap.rota_id, start, end, exchange)
    except (Invalid, Conflict) as error:
        return swap_page(
            page, swap_id, errors=refusal(error, GIVE_BACK_FIELDS), values=values, refused=True
        )
    return page.render(
        "swaps/exchange_preview.html",
        {
            "active": "swaps",
            "asked": request,
            "swap": swap,
            "change": both_windows(taken, given),
            "names": request.names,
            "give_back": {"from": page.field_time(start), "until": page.field_time(end)},
            "give_back_start": start,
            "give_back_end": end,
        },
    )


def both_windows(taken: ScheduleChange, given: ScheduleChange) -> ScheduleChange:
    """The two windows an exchange changes, as one list before and after, in time order."""
    return ScheduleChange(
        taken.rota_id,
        min(taken.start, given.start),
        max(taken.end, given.end),
        sorted(taken.before + given.before, key=lambda s: s.start),
        sorted(taken.after + given.after, key=lambda s: s.start),
    )


@router.post("/swaps/{swap_id:int}/exchange", response_class=HTMLResponse)
def exchange(swap_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Exchange: you cover the request's window, and its requester covers yours."""
    request = asked(page, swap_id)
    swap = request.view.swap
    values = {name: form.get(name, "").strip() for name in GIVE_BACK_FIELDS}
    start, end, errors = give_back_window(page, form)
    if errors:
        return swap_page(page, swap_id, errors=errors, values=values, refused=True)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            exchange_swap(
                session,
                swap_id,
                taker_id=request.person_id,
                give_back_start=start,
                give_back_end=end,
                actor=web_actor(page),
                now=page.now,
            )
            session.commit()
    except (Invalid, Conflict) as error:
        return swap_page(
            page, swap_id, errors=refusal(error, GIVE_BACK_FIELDS), values=values, refused=True
        )
    requester = request.name(swap.requester_id)
    return page.redirect(
        f"/swaps/{swap_id}",
        flash=f"You exchanged shifts with {requester}: you cover"
        f" {window_text(page, swap.start_at, swap.end_at)}, and {requester} covers"
        f" {window_text(page, start, end)}. {requester} is told.",
    )


def answer_confirm(
    page: Page, request: Asked, answer: str, *, closes: bool, told: list[str]
) -> HTMLResponse:
    """The page asking to confirm a decline or cancel: whether it closes it, and who is told."""
    return page.render(
        "swaps/answer_confirm.html",
        {"active": "swaps", "asked": request, "answer": answer, "closes": closes, "told": told},
    )


@router.get("/swaps/{swap_id:int}/decline", response_class=HTMLResponse)
def decline_confirm(swap_id: int, page: ResponderPage) -> HTMLResponse:
    """Ask before declining; says whether declining closes the request."""
    request = asked(page, swap_id)

    def try_decline(session: Session) -> bool:
        view = decline_swap(
            session, swap_id, person_id=request.person_id, actor=web_actor(page), now=page.now
        )
        return view.swap.status == DECLINED

    try:
        closes = dry_run(page, try_decline)
    except (Invalid, Conflict) as error:
        return swap_page(page, swap_id, errors=refusal(error), refused=True)
    return answer_confirm(
        page, request, "decline", closes=closes, told=[request.view.swap.requester_id]
    )


@router.post("/swaps/{swap_id:int}/decline", response_class=HTMLResponse)
def decline(swap_id: int, page: ResponderPage, _form: PostedForm) -> Response:
    """Decline a request offered to you; the requester is told."""
    request = asked(page, swap_id)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view = decline_swap(
                session, swap_id, person_id=request.person_id, actor=web_actor(page), now=page.now
            )
            closed = view.swap.status == DECLINED
            session.commit()
    except (Invalid, Conflict) as error:
        return swap_page(page, swap_id, errors=refusal(error), refused=True)
    requester = request.name(request.view.swap.requester_id)
    closing = " Everyone it was offered to has declined, so it is closed." if closed else ""
    return page.redirect(
        f"/swaps/{swap_id}", flash=f"You declined swap {swap_id}; {requester} is told.{closing}"
    )


@router.get("/swaps/{swap_id:int}/cancel", response_class=HTMLResponse)
def cancel_confirm(swap_id: int, page: ResponderPage) -> HTMLResponse:
    """Ask before cancelling; says who will be told."""
    request = asked(page, swap_id)

    def try_cancel(session: Session) -> list[str]:
        view = cancel_swap(
            session, swap_id, person_id=request.person_id, actor=web_actor(page), now=page.now
        )
        return view.waiting_for()

    try:
        told = dry_run(page, try_cancel)
    except (Invalid, Conflict) as error:
        return swap_page(page, swap_id, errors=refusal(error), refused=True)
    return answer_confirm(page, request, "cancel", closes=True, told=told)


@router.post("/swaps/{swap_id:int}/cancel", response_class=HTMLResponse)
def cancel(swap_id: int, page: ResponderPage, _form: PostedForm) -> Response:
    """Withdraw your own open request; colleagues still considering it are told."""
    request = asked(page, swap_id)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view = cancel_swap(
                session, swap_id, person_id=request.person_id, actor=web_actor(page), now=page.now
            )
            told = [request.name(p) for p in view.waiting_for()]
            session.commit()
    except (Invalid, Conflict) as error:
        return swap_page(page, swap_id, errors=refusal(error), refused=True)
    who = f"; {', '.join(told)} {'is' if len(told) == 1 else 'are'} told" if told else ""
    return page.redirect(f"/swaps/{swap_id}", flash=f"You cancelled swap {swap_id}{who}.")
