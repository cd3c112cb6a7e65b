"""Ticket pages: the queue (mine, unassigned, breaching; by tenant, priority and status) and
the form that opens a ticket on a tenant's behalf. One ticket's page and its forms are in
`ticket_pages`, whose routes this router includes.

The queue shows a page of rows at a time, the answer due soonest first; "more" continues after
the last row's due time and number (service.QueuePlace), so a page costs the same however many
tickets are open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tenants.addresses import check_address
from dutydesk.tickets import service
from dutydesk.tickets.countdown import SOON
from dutydesk.tickets.models import PRIORITIES, STATUSES
from dutydesk.tickets.page_views import names, queue_rows
from dutydesk.tickets.support import support_policy
from dutydesk.tickets.ticket_pages import router as ticket_router
from dutydesk.web.forms import FormErrors, optional, required
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

# Rows on one page of the queue; "more" shows the next ones.
PAGE_SIZE = 100
TABS = (
    ("all", "All"),
    ("mine", "Mine"),
    ("unassigned", "Unassigned"),
    ("breaching", "Breaching"),
)
ACTIVE = ("new", "open", "pending")
STATUS_CHOICES = [(status, status.capitalize()) for status in STATUSES]
NEW_FIELDS = ("subject", "requester_email", "tenant", "priority", "body")
# A place in the queue as the "more" link writes it: the due time, or this for none due.
NONE_DUE = "none"


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as the page's links and GET form carry them."""

    tab: str
    tenant: str
    priority: str
    status: str

    def query(self, **changes: str) -> str:
        """A query string for these filters with `changes`, leaving out the empty ones."""
        fields = {
            "tab": self.tab,
            "tenant": self.tenant,
            "priority": self.priority,
            "status": self.status,
        }
        fields.update(changes)
        kept = {k: v for k, v in fields.items() if v and not (k == "tab" and v == "all")}
        return f"?{urlencode(kept)}" if kept else ""


@router.get("/tickets", response_class=HTMLResponse)
def queue(
    page: SignedInPage,
    tab: str = "all",
    tenant: str = "",
    priority: str = "",
    status: str = "",
    after: Annotated[str, Query(description="The last ticket of the previous page.")] = "",
    due: Annotated[str, Query(description="Its due time (ISO 8601), or 'none'.")] = "",
) -> HTMLResponse:
    """The queue: the answer due soonest first, a page at a time."""
    assert page.user is not None
    filters = QueueFilters(tab, tenant.strip(), priority.strip(), status.strip())
    if tab not in dict(TABS):
        raise Invalid(f"tab: show one of {', '.join(dict(TABS))}")
    place = _place(after, due)
    errors = FormErrors()
    if filters.priority and filters.priority not in PRIORITIES:
        errors.add("priority", f"choose one of {', '.join(PRIORITIES)}")
    if filters.status and filters.status not in STATUSES:
        errors.add("status", f"choose one of {', '.join(STATUSES)}")
    person_id = page.user.person_id
    with unit_of_work(page.runtime.read_sessions) as session:
        known = names(session)
        if filters.tenant and filters.tenant not in known.tenants:
            errors.add("tenant", f"there is no tenant {filters.tenant!r}: choose one from the list")
        rows, total, more_after = [], 0, None
        if not errors and not (tab == "mine" and person_id is None):
            chosen = _queue(filters, person_id, page.now, place)
            found = list(service.list_tickets(session, chosen))
            if len(found) > PAGE_SIZE:
                found = found[:PAGE_SIZE]
                last = found[-1]
                more_after = service.QueuePlace(last.answer_due_at, last.id)
            total = service.count_tickets(session, replace(chosen, after=None))
            rows = queue_rows(found, known, page.now)
    more = None
    if more_after is not None:
        due_text = more_after.due_at.isoformat() if more_after.due_at else NONE_DUE
        more = "/tickets" + filters.query(after=str(more_after.ticket_id), due=due_text)
    return page.render(
        "tickets/queue.html",
        {
            "active": "tickets",
            "filters": filters,
            "tabs": TABS,
            "rows": rows,
            "total": total,
            "continued": place is not None,
            "more": more,
            "unlinked": tab == "mine" and person_id is None,
            "tenant_options": list(known.tenants.items()),
            "priority_options": [(p, p) for p in PRIORITIES],
            "status_options": STATUS_CHOICES,
            "values": {
                "tenant": filters.tenant,
                "priority": filters.priority,
                "status": filters.status,
            },
            "errors": errors.by_field,
            "soon": SOON,
        },
        status=400 if errors else 200,
    )


def _queue(
    filters: QueueFilters, person_id: str | None, now: datetime, place: service.QueuePlace | None
) -> service.Queue:
    """The service's queue for the page's filters, one row more than a page (to know of more)."""
    return service.Queue(
        statuses=(filters.status,) if filters.status else ACTIVE,
        priority=filters.priority or None,
        tenant_id=filters.tenant or None,
        assignee_id=person_id if filters.tab == "mine" else None,
        unassigned=filters.tab == "unassigned",
        due_before=now + SOON if filters.tab == "breaching" else None,
        limit=PAGE_SIZE + 1,
        after=place,
    )


def _place(after: str, due: str) -> service.QueuePlace | None:
    """Where the previous page ended, from the "more" link; Invalid when it was tampered with."""
    if not after and not due:
        return None
    try:
        ticket_id = int(after)
        due_at = None if due == NONE_DUE else datetime.fromisoformat(due)
    except ValueError:
        raise Invalid("after: this link to more tickets is broken; start from the top") from None
    if due_at is not None and due_at.tzinfo is None:
        raise Invalid("due: give a time with its offset, as the link to more tickets does")
    return service.QueuePlace(due_at.astimezone(UTC) if due_at else None, ticket_id)


def new_ticket_form(
    page: Page,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The form to open a ticket on a tenant's behalf."""
    with unit_of_work(page.runtime.read_sessions) as session:
        known = names(session)
    return page.render(
        "tickets/new.html",
        {
            "active": "tickets",
            "tenant_options": list(known.tenants.items()),
            "priority_options": [(p, p) for p in PRIORITIES],
            "values": values or {},
            "errors": errors.by_field if errors else {},
        },
        status=status,
    )


@router.get("/tickets/new", response_class=HTMLResponse)
def new_ticket(page: ResponderPage) -> HTMLResponse:
    """The form to open a ticket for a tenant (a phone call, a chat message)."""
    return new_ticket_form(page)


@router.post("/tickets/new", response_class=HTMLResponse)
def open_ticket(page: ResponderPage, form: PostedForm) -> Response:
    """Open the ticket, or show the form again with what is wrong beside each field."""
    values = {name: form.get(name, "") for name in NEW_FIELDS}
    errors = FormErrors()
    subject = required(form, "subject", errors, label="a subject")
    body = required(form, "body", errors, label="what the tenant asked")
    requester = optional(form, "requester_email")
    if requester is not None:
        try:
            requester = check_address(requester)
        except ValueError as error:
            errors.add("requester_email", str(error))
    priority = optional(form, "priority")
    if errors:
        return new_ticket_form(page, values=values, errors=errors, status=400)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            ticket = service.open_ticket(
                session,
                support_policy(session),
                subject=subject,
                first=service.Incoming(body, author_email=requester),
                source="web",
                actor=web_actor(page),
                now=page.now,
                tenant_id=optional(form, "tenant"),
                priority=priority,
            )
            session.commit()
            number = ticket.id
    except (Invalid, Conflict, NotFound) as error:
        if isinstance(error, NotFound):  # the tenant chosen has just been removed
            errors.add("tenant", error.message)
        else:
            errors.add_error(error, NEW_FIELDS)
        status = 409 if isinstance(error, Conflict) else 400
        return new_ticket_form(page, values=values, errors=errors, status=status)
    return page.redirect(f"/tickets/{number}", flash=f"Ticket #{number} is open: {subject}")


router.include_router(ticket_router)
