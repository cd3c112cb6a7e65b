"""One ticket's page and what responders do to it there: reply (previewed first, as the tenant
will get it), add an internal note, triage (a priority with its reason), move its status, pick
it up for someone, involve a colleague.

Each form runs one service call in one transaction. When the service refuses, the transaction
is rolled back and the page comes back with the reason beside the form's field: nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid, NotFound
from dutydesk.notify.models import OutboxMessage
from dutydesk.people.service import name_of
from dutydesk.tickets import service
from dutydesk.tickets.mail_out import reply_mail_key
from dutydesk.tickets.models import PRIORITIES, Ticket, TicketMessage
from dutydesk.tickets.page_views import names, view_ticket
from dutydesk.tickets.support import support_policy
from dutydesk.web.forms import FormErrors, PageForm, posted_text
from dutydesk.web.page import (
    ME,
    Page,
    PostedForm,
    ResponderPage,
    SignedInPage,
    chosen_person,
    web_actor,
)

router = APIRouter(include_in_schema=False)

REPLY_THEN = (
    ("pending", "Pending: waiting on the tenant"),
    ("solved", "Solved"),
)
MOVES = (
    ("open", "Open"),
    ("pending", "Pending: waiting on the tenant"),
    ("solved", "Solved"),
    ("closed", "Closed"),
)


REPLY = PageForm("reply", {"body": "reply", "status": "reply_status"}, ("reply", "reply_status"))
NOTE = PageForm("note", {"body": "note"}, ("note",))
PRIORITY = PageForm(
    "priority", {"priority": "priority", "reason": "reason"}, ("priority", "reason")
)
STATUS = PageForm("status", {"status": "status"}, ("status",))
ASSIGNEE = PageForm("assignee", {"assignee": "assignee"}, ("assignee",))
FOLLOWER = PageForm("follower", {"follower": "follower"}, ("follower",))


@dataclass(frozen=True)
class MailPreview:
    """A reply as the tenant will get it (to None: the ticket has no address to mail)."""

    to: str | None
    subject: str
    text: str


def ticket_page(
    page: Page,
    ticket_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    preview: MailPreview | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The ticket: its clock, thread, triage and history, and the forms open to the user."""
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        known = names(session)
        view = view_ticket(session, ticket_id, known, page.now)
    ticket = view.ticket
    following = {person_id for person_id, _ in view.followers}
    person_id = page.user.person_id
    me = [(ME, f"Me ({known.person(person_id)})")] if person_id else []
    shown = {
        "priority": ticket.priority or "",
        "status": ticket.status if ticket.status != "new" else "open",
        "assignee": ticket.assignee_id or "",
    } | (values or {})
    return page.render(
        "tickets/show.html",
        {
            "active": "tickets",
            "view": view,
            "ticket": ticket,
            "may_change": page.may("responder"),
            "closed": ticket.status == "closed",
            "mirrored": service.is_mirrored(ticket),
            "priority_options": [(p, p) for p in PRIORITIES],
            "reply_then": REPLY_THEN,
            "moves": MOVES,
            "assignee_options": me + list(known.people.items()),
            "follower_options": me
            + [(p, name) for p, name in known.people.items() if p not in following],
            "preview": preview,
            "errors": errors.by_field if errors else {},
            "values": shown,
        },
        status=status,
    )


@router.get("/tickets/{ticket_id:int}", response_class=HTMLResponse)
def show_ticket(ticket_id: int, page: SignedInPage) -> HTMLResponse:
    """One ticket with its thread."""
    return ticket_page(page, ticket_id)


def _refused(
    page: Page, ticket_id: int, error: DutydeskError, form: PageForm, values: dict[str, str]
) -> HTMLResponse:
    """The ticket again with the reason beside the form: 409 for a clash, else 400."""
    status = 409 if isinstance(error, Conflict) else 400
    return ticket_page(page, ticket_id, errors=form.errors_for(error), values=values, status=status)


def _act(
    page: Page,
    ticket_id: int,
    posted: dict[str, str],
    form: PageForm,
    act: Callable[[Session, Ticket], str],
) -> Response:
    """Do `act` to the ticket in one transaction and go back to it with the message `act`
    returns; when the service refuses, nothing is committed and the form shows why."""
    values = {name: posted.get(name, "") for name in form.fields}
    with unit_of_work(page.runtime.sessions) as session:
        ticket = service.get_ticket(session, ticket_id)  # an unknown ticket is a 404
        try:
            flash = act(session, ticket)
        except (Invalid, Conflict, NotFound) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(f"/tickets/{ticket_id}", flash=flash)
    return _refused(page, ticket_id, refusal, form, values)


@router.post("/tickets/{ticket_id:int}/reply", response_class=HTMLResponse)
def reply(ticket_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Preview a public reply (the default), change it, or send it."""
    assert page.user is not None
    body = posted_text(form, "reply")
    then = form.get("reply_status", "").strip()
    values = {"reply": body, "reply_status": then}
    step = form.get("step", "preview")
    if step == "change":
        return ticket_page(page, ticket_id, values=values)
    with unit_of_work(page.runtime.sessions) as session:
        ticket = service.get_ticket(session, ticket_id)
        try:
            message = service.reply(
                session,
                support_policy(session),
                ticket,
                body,
                actor=web_actor(page),
                person_id=page.user.person_id,
                now=page.now,
                status=then or None,
            )
        except (Invalid, Conflict) as error:
            refusal: DutydeskError = error
        else:
            if step == "send":
                session.commit()
                return page.redirect(f"/tickets/{ticket_id}", flash=_sent(ticket))
            # The preview is the real reply with its real mail, never committed: it refuses
            # what sending would refuse, and shows the mail exactly as it would go out.
            preview = _mail_preview(session, message)
            return ticket_page(page, ticket_id, values=values, preview=preview)
    return _refused(page, ticket_id, refusal, REPLY, values)


def _mail_preview(session: Session, message: TicketMessage) -> MailPreview:
    queued = session.scalar(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == reply_mail_key(message.id))
    )
    if queued is None:
        return MailPreview(None, "", message.body_text)
    return MailPreview(queued.destination, queued.subject, queued.text)


def _sent(ticket: Ticket) -> str:
    if ticket.requester_email is None:
        return (
            f"Your reply is on ticket #{ticket.id}. The ticket has no requester address,"
            " so nobody was mailed."
        )
    return f"Your reply is on ticket #{ticket.id} and is on its way to {ticket.requester_email}."


@router.post("/tickets/{ticket_id:int}/note", response_class=HTMLResponse)
def note(ticket_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """An internal note: the team sees it, the tenant never does."""
    assert page.user is not None
    person_id = page.user.person_id

    def add(session: Session, ticket: Ticket) -> str:
        service.add_note(
            session,
            ticket,
            posted_text(form, "note"),
            actor=web_actor(page),
            now=page.now,
            person_id=person_id,
        )
        return f"Internal note added to ticket #{ticket.id}."

    return _act(page, ticket_id, form, NOTE, add)


@router.post("/tickets/{ticket_id:int}/priority", response_class=HTMLResponse)
def triage(ticket_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Give the ticket a priority, with the reason."""
    priority = form.get("priority", "").strip()
    reason = form.get("reason", "")

    def set_priority(session: Session, ticket: Ticket) -> str:
        if not priority:
            raise Invalid(f"priority: choose one of {', '.join(PRIORITIES)}")
        change = service.set_priority(
            session,
            support_policy(session),
            ticket,
            priority,
            reason=reason,
            actor=web_actor(page),
            now=page.now,
        )
        return f"Ticket #{ticket.id} is {priority} now: {change.reason}"

    return _act(page, ticket_id, form, PRIORITY, set_priority)


@router.post("/tickets/{ticket_id:int}/status", response_class=HTMLResponse)
def move(ticket_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Open, pending (the clock pauses), solved or closed."""
    status = form.get("status", "").strip()

    def set_status(session: Session, ticket: Ticket) -> str:
        was = ticket.status
        service.set_status(
            session,
            support_policy(session),
            ticket,
            status,
            actor=web_actor(page),
            now=page.now,
        )
        if status == was:
            return f"Ticket #{ticket.id} was {status} already."
        return f"Ticket #{ticket.id} is {status} now."

    return _act(page, ticket_id, form, STATUS, set_status)


@router.post("/tickets/{ticket_id:int}/assignee", response_class=HTMLResponse)
def pick_up(ticket_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Give the ticket to someone (me, or a colleague), or back to nobody."""
    chosen = form.get("assignee", "").strip()

    def assign(session: Session, ticket: Ticket) -> str:
        person_id = chosen_person(page, chosen, "assignee") if chosen else None
        try:
            service.assign(session, ticket, person_id, actor=web_actor(page), now=page.now)
        except NotFound as error:
            raise Invalid(f"assignee: {error.message}") from None
        if person_id is None:
            return f"Nobody has ticket #{ticket.id} now."
        if page.user is not None and person_id == page.user.person_id:
            return f"You picked up ticket #{ticket.id}."
        return f"Ticket #{ticket.id} is {name_of(session, person_id)}'s now."

    return _act(page, ticket_id, form, ASSIGNEE, assign)


@router.post("/tickets/{ticket_id:int}/followers", response_class=HTMLResponse)
def involve(ticket_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Add a follower: they are told of the ticket's replies."""
    chosen = form.get("follower", "").strip()

    def follow(session: Session, ticket: Ticket) -> str:
        if not chosen:
            raise Invalid("follower: choose who to involve")
        person_id = chosen_person(page, chosen, "follower")
        try:
            added = service.follow(session, ticket, person_id, actor=web_actor(page), now=page.now)
        except NotFound as error:
            raise Invalid(f"follower: {error.message}") from None
        name = name_of(session, person_id)
        if not added:
            return f"{name} follows ticket #{ticket.id} already."
        return f"{name} follows ticket #{ticket.id} now: they are told of its replies."

    return _act(page, ticket_id, form, FOLLOWER, follow)
