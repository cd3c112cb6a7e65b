"""The portal's ticket pages: the tenant's tickets, one ticket's public thread with a reply
form, and a form to open a ticket.

Every ticket is looked up within the signed-in visitor's tenant (queries.py): another tenant's
ticket is "no ticket #n", a 404 exactly like a number nobody has, so numbers cannot be probed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.portal.page import PORTAL_PATH, PortalForm, PortalPage, TenantPage, portal_actor
from dutydesk.portal.queries import public_thread, tenant_ticket, tenant_tickets
from dutydesk.portal.views import STATUS_LABELS, tenant_view
from dutydesk.tenants.models import TenantContact
from dutydesk.tickets.models import SUBJECT_LENGTH
from dutydesk.tickets.service import (
    BODY_LENGTH,
    Incoming,
    add_tenant_message,
    is_mirrored,
    open_ticket,
)
from dutydesk.tickets.support import support_policy
from dutydesk.web.forms import FORM_ERROR, FormErrors, required

router = APIRouter(include_in_schema=False)

# Ticket numbers are PostgreSQL integers: a larger number is no ticket, not an error.
_LARGEST_NUMBER = 2**31 - 1
# A ticket mirrored from Zendesk is answered there: a message written here would never reach
# the people who answer it.
ANSWERED_IN_ZENDESK = (
    "This ticket is handled in Zendesk: to write to us about it, reply to the e-mail you had"
    " from Zendesk about it."
)


@router.get(f"{PORTAL_PATH}/tickets", response_class=HTMLResponse)
def ticket_list(
    portal: TenantPage, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> HTMLResponse:
    """The tenant's tickets in any status, the newest activity first."""
    visitor = portal.tenant
    with unit_of_work(portal.runtime.read_sessions) as session:
        listed = tenant_tickets(session, visitor.tenant_id, page)
        return portal.render("portal/list.html", {"listed": listed, "labels": STATUS_LABELS})


@router.get(f"{PORTAL_PATH}/tickets/{{number}}", response_class=HTMLResponse)
def ticket_page(number: str, portal: TenantPage) -> HTMLResponse:
    """One of the tenant's tickets: its public thread, status, when the team aims to answer."""
    return _ticket_page(portal, _ticket_number(number))


@router.post(f"{PORTAL_PATH}/tickets/{{number}}/reply", response_class=HTMLResponse)
def reply(number: str, portal: TenantPage, form: PortalForm) -> Response:
    """Add the tenant's message; a pending or solved ticket opens again."""
    ticket_id = _ticket_number(number)
    visitor = portal.tenant
    errors = FormErrors()
    body = _body(form, errors)
    status = 400
    if not errors:
        try:
            with unit_of_work(portal.runtime.sessions) as session:
                ticket = tenant_ticket(session, visitor.tenant_id, ticket_id)
                if is_mirrored(ticket):
                    raise Conflict(ANSWERED_IN_ZENDESK)
                message = Incoming(
                    body,
                    author_email=visitor.email,
                    author_name=_contact_name(session, visitor.email),
                )
                add_tenant_message(session, support_policy(session), ticket, message, portal.now)
                session.commit()
        except Conflict as error:  # closed (a new ticket follows it up), or answered in Zendesk
            errors.add(FORM_ERROR, error.message)
            status = 409
        else:
            return portal.redirect(
                f"{PORTAL_PATH}/tickets/{ticket_id}#latest", flash="Your message is sent."
            )
    return _ticket_page(portal, ticket_id, errors, {"body": body}, status=status)


@router.get(f"{PORTAL_PATH}/new", response_class=HTMLResponse)
def new_ticket_form(portal: TenantPage) -> HTMLResponse:
    """The form to open a ticket."""
    return portal.render("portal/new.html", _new_context())


@router.post(f"{PORTAL_PATH}/new", response_class=HTMLResponse)
def new_ticket(portal: TenantPage, form: PortalForm) -> Response:
    """Open a ticket for the tenant, from the signed-in address, and show it."""
    visitor = portal.tenant
    errors = FormErrors()
    subject = required(form, "subject", errors, label="a subject")
    body = _body(form, errors)
    if not errors:
        try:
            with unit_of_work(portal.runtime.sessions) as session:
                ticket = open_ticket(
                    session,
                    support_policy(session),
                    subject=subject,
                    first=Incoming(
                        body,
                        author_email=visitor.email,
                        author_name=_contact_name(session, visitor.email),
                    ),
                    source="web",
                    actor=portal_actor(visitor),
                    now=portal.now,
                    tenant_id=visitor.tenant_id,
                )
                ticket_id = ticket.id
                session.commit()
        except Invalid as error:
            errors.add_error(error, ("subject", "body"))
        else:
            portal.runtime.wake_worker()
            return portal.redirect(
                f"{PORTAL_PATH}/tickets/{ticket_id}",
                flash=f"Ticket #{ticket_id} is open: we answer here and by e-mail.",
            )
    context = _new_context(errors, {"subject": subject, "body": body})
    return portal.render("portal/new.html", context, status=400)


def _ticket_page(
    portal: PortalPage,
    ticket_id: int,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    visitor = portal.tenant
    with unit_of_work(portal.runtime.read_sessions) as session:
        ticket = tenant_ticket(session, visitor.tenant_id, ticket_id)
        thread = public_thread(session, ticket)
        view = tenant_view(ticket.status, ticket.clock_kind, ticket.answer_due_at, portal.now)
        context = {
            "ticket": ticket,
            "thread": thread,
            "view": view,
            "errors": errors.by_field if errors else {},
            "values": values or {},
            "body_length": BODY_LENGTH,
            "answered_elsewhere": ANSWERED_IN_ZENDESK if is_mirrored(ticket) else None,
        }
        return portal.render("portal/show.html", context, status=status)


def _ticket_number(text: str) -> int:
    """The number in a ticket's address; NotFound for anything that is not one."""
    if not text.isdigit() or not text.isascii() or len(text) > 10:
        raise NotFound("there is no page at this address")
    number = int(text)
    if not 1 <= number <= _LARGEST_NUMBER:
        raise NotFound(f"no ticket #{number}")
    return number


def _body(form: dict[str, str], errors: FormErrors) -> str:
    """The message's text as written (kept whole: line breaks and indentation matter in logs)."""
    body = form.get("body", "")
    if not body.strip():
        errors.add("body", "write your message")
    elif len(body) > BODY_LENGTH:
        errors.add("body", f"at most {BODY_LENGTH:,} characters")
    return body


def _contact_name(session: Session, email: str) -> str | None:
    """The name the tenant's contact list gives this address, if any."""
    return session.scalar(select(TenantContact.name).where(TenantContact.email == email))


def _new_context(
    errors: FormErrors | None = None, values: dict[str, str] | None = None
) -> dict[str, object]:
    return {
        "errors": errors.by_field if errors else {},
        "values": values or {},
        "subject_length": SUBJECT_LENGTH,
        "body_length": BODY_LENGTH,
    }
