"""The builds page: the jobs red now, each with who is fixing it, a button to claim it and one
to dismiss it (with a reason) when it will never go green, then the report (per job and week,
and the jobs by impact) with its CSV.

Every signed-in user reads it; responders and admins claim and dismiss. A refused claim or
dismissal comes back with the reason beside that build's form, and nothing is committed.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from dutydesk.builds import service
from dutydesk.builds.models import REASON_LENGTH
from dutydesk.builds.report import LONGEST_WEEKS, period_of_weeks, weekly_report
from dutydesk.builds.spells import job_name
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid, NotFound
from dutydesk.people.service import person_names
from dutydesk.timeparse import duration_text
from dutydesk.web.forms import FormErrors
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
DEFAULT_WEEKS = 4


@router.get("/builds", response_class=HTMLResponse)
def builds_page(page: SignedInPage) -> HTMLResponse:
    """Red builds now, then the report of the last weeks (`?weeks=`)."""
    return _page(page)


@router.post("/builds/red/{spell_id}/claim", response_class=HTMLResponse)
def claim(spell_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Fixing the build: the chosen person (me by default) claims it."""
    field = f"claim-{spell_id}"
    try:
        person = chosen_person(page, form.get("person", ME) or ME, "person")
        with unit_of_work(page.runtime.sessions) as session:
            service.claim(
                session,
                spell_id,
                person,
                actor=web_actor(page),
                now=page.now,
                base_url=page.runtime.settings.base_url,
            )
            names = person_names(session)
            session.commit()
    except (Invalid, Conflict, NotFound) as error:
        return _refused(page, field, error)
    return page.redirect("/builds", flash=f"Fixing the build: {names.get(person, person)}.")


@router.post("/builds/red/{spell_id}/dismiss", response_class=HTMLResponse)
def dismiss(spell_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """End a red build by hand, as dismissed, with the reason given: its job will never go
    green (removed from the pipeline, the pipeline retired)."""
    field = f"dismiss-{spell_id}"
    reason = form.get("reason", "")
    assert page.user is not None
    try:
        with unit_of_work(page.runtime.sessions) as session:
            spell = service.dismiss(
                session,
                spell_id,
                reason,
                by=page.user.person_id or page.user.username,
                actor=web_actor(page),
                now=page.now,
            )
            name = job_name(spell)
            session.commit()
    except (Invalid, Conflict, NotFound) as error:
        return _refused(page, field, error, values={field: reason})
    return page.redirect("/builds", flash=f"Dismissed: {name}.")


def _refused(
    page: Page, field: str, refusal: DutydeskError, *, values: dict[str, str] | None = None
) -> HTMLResponse:
    """The page again with the refusal beside `field`, answered 404, 409 or 422."""
    errors = FormErrors()
    errors.add(field, refusal.message)
    status = 404 if isinstance(refusal, NotFound) else 409 if isinstance(refusal, Conflict) else 422
    return _page(page, errors=errors, status=status, values=values)


def _page(
    page: Page,
    *,
    errors: FormErrors | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    text = page.request.query_params.get("weeks", str(DEFAULT_WEEKS))
    weeks = int(text) if text.isdigit() and 1 <= int(text) <= LONGEST_WEEKS else DEFAULT_WEEKS
    start, end = period_of_weeks(weeks, page.zone, page.now)
    with unit_of_work(page.runtime.read_sessions) as session:
        red = service.red_now(session)
        names = person_names(session)
        report = weekly_report(session, start, end, page.zone, page.now)
        session.expunge_all()
    assert page.user is not None
    me = page.user.person_id
    people = ([(ME, f"Me ({names.get(me, me)})")] if me else []) + [
        (person_id, name) for person_id, name in names.items() if person_id != me
    ]
    return page.render(
        "builds/builds.html",
        {
            "active": "builds",
            "red": red,
            "names": names,
            "report": report,
            "weeks": weeks,
            "may_claim": page.may("responder"),
            "people": people,
            "red_for": lambda spell: duration_text(page.now - spell.started_at),
            "errors": errors.by_field if errors else {},
            "values": values or {},
            "reason_length": REASON_LENGTH,
        },
        status=status,
    )
