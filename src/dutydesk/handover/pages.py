"""Pages of the handover: past reports, each report with its notes form and acknowledgement,
and its Markdown."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Forbidden, NotFound
from dutydesk.handover import service
from dutydesk.handover.markdown_view import markdown_of
from dutydesk.markdown import render
from dutydesk.people.service import person_names
from dutydesk.web.forms import FormErrors, posted_text
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)


@router.get("/handover", response_class=HTMLResponse)
def handover_list(page: SignedInPage) -> HTMLResponse:
    """Every handover, the latest handoff first."""
    with unit_of_work(page.runtime.read_sessions) as session:
        rows = list(service.list_handovers(session))
        names = person_names(session)
    return page.render(
        "handover/list.html", {"active": "handover", "handovers": rows, "names": names}
    )


@router.get("/handover/{handover_id:int}.md")
def handover_markdown(handover_id: int, page: SignedInPage) -> Response:
    """The report as Markdown."""
    with unit_of_work(page.runtime.read_sessions) as session:
        text = markdown_of(session, service.get_handover(session, handover_id), page.runtime)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/handover/{handover_id:int}", response_class=HTMLResponse)
def handover_page(handover_id: int, page: SignedInPage) -> HTMLResponse:
    """One report, its notes (a form for the outgoing engineer) and its acknowledgement."""
    return _report_page(page, handover_id)


def _report_page(
    page: Page,
    handover_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        row = service.get_handover(session, handover_id)
        names = person_names(session)
        body = render(markdown_of(session, row, page.runtime)) if row.report else None
    user = page.user
    admin = page.may("admin")
    person = user.person_id if user is not None else None
    context = {
        "active": "handover",
        "handover": row,
        "names": names,
        "body": body,
        "may_write": page.may("responder")
        and row.acknowledged_at is None
        and (admin or (person is not None and person == row.outgoing_id)),
        "may_acknowledge": page.may("responder")
        and row.report is not None
        and row.acknowledged_at is None
        and (admin or (person is not None and person == row.incoming_id)),
        "errors": (errors or FormErrors()).by_field,
        "values": values or {"notes": row.notes},
    }
    return page.render("handover/show.html", context, status=status)


@router.post("/handover/{handover_id:int}/notes", response_class=HTMLResponse)
def save_notes(handover_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Save the outgoing engineer's notes."""
    notes = posted_text(form, "notes")
    assert page.user is not None
    try:
        with unit_of_work(page.runtime.sessions) as session:
            service.add_notes(
                session,
                handover_id,
                notes,
                person_id=page.user.person_id,
                admin=page.may("admin"),
                actor=web_actor(page),
                now=page.now,
            )
            session.commit()
    except NotFound:
        raise
    except DutydeskError as error:
        errors = FormErrors()
        errors.add("notes", error.message.removeprefix("notes: "))
        return _report_page(
            page, handover_id, errors=errors, values={"notes": notes}, status=_status(error)
        )
    return page.redirect(f"/handover/{handover_id}", flash="Notes saved.")


@router.post("/handover/{handover_id:int}/acknowledge", response_class=HTMLResponse)
def acknowledge(handover_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Acknowledge the report, as the incoming engineer."""
    assert page.user is not None
    try:
        with unit_of_work(page.runtime.sessions) as session:
            service.acknowledge(
                session,
                handover_id,
                person_id=page.user.person_id,
                admin=page.may("admin"),
                actor=web_actor(page),
                now=page.now,
            )
            session.commit()
    except NotFound:
        raise
    except DutydeskError as error:
        errors = FormErrors()
        errors.add("form", error.message)
        return _report_page(page, handover_id, errors=errors, status=_status(error))
    return page.redirect(f"/handover/{handover_id}", flash="Handover acknowledged.")


def _status(error: DutydeskError) -> int:
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 400
