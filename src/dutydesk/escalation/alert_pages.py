"""Alert pages: the open (or resolved) alerts, one alert with its log and the pages sent for
its group, and what responders do to an alert: acknowledge, resolve, snooze, reassign, add a
note. Here, above alerts, because they show an alert with its pages. Action links from pages
are in `action_pages`, whose routes this router includes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from dutydesk.alerts.actions import reassign_alert, snooze_alert
from dutydesk.alerts.detail_tree import detail_tree
from dutydesk.alerts.models import RESOLVED
from dutydesk.alerts.service import (
    OPEN_STATUSES,
    AlertView,
    acknowledge_alert,
    add_note,
    resolve_alert,
    view_alert,
)
from dutydesk.alerts.untrusted import web_images, web_links, web_url
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid
from dutydesk.escalation.action_pages import router as action_router
from dutydesk.escalation.alert_views import alert_lines, lines_for, names
from dutydesk.escalation.log_text import log_sentence, who_text
from dutydesk.web.forms import FormErrors
from dutydesk.web.page import Page, PostedForm, ResponderPage, SignedInPage, web_actor

router = APIRouter(include_in_schema=False)

LISTED = 100  # alerts on the list page, newest first
SNOOZE_LENGTHS = {"15m": timedelta(minutes=15), "1h": timedelta(hours=1), "4h": timedelta(hours=4)}
SNOOZE_CHOICES = (("15m", "15 minutes"), ("1h", "1 hour"), ("4h", "4 hours"))
LIST_FILTERS = {"open": OPEN_STATUSES, "resolved": (RESOLVED,)}
ALERT_FIELDS = ("for", "person", "text")


@router.get("/alerts", response_class=HTMLResponse)
def alerts(page: SignedInPage, status: Annotated[str, Query()] = "open") -> HTMLResponse:
    """Open alerts (triggered and acknowledged), or the resolved ones, newest first."""
    if status not in LIST_FILTERS:
        raise Invalid("status: show 'open' or 'resolved' alerts")
    with unit_of_work(page.runtime.read_sessions) as session:
        known = names(session)
        lines = alert_lines(session, known, statuses=LIST_FILTERS[status], limit=LISTED)
    return page.render(
        "alerts/list.html",
        {"active": "alerts", "lines": lines, "showing": status, "back": page.request.url.path},
    )


def alert_page(
    page: Page,
    alert_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """One alert: its fields, its group's pages, its log, and the forms open to the user."""
    with unit_of_work(page.runtime.read_sessions) as session:
        view = view_alert(session, alert_id)
        known = names(session)
        line = lines_for(session, known, [view.alert])[0]
        log = [(entry.at, log_sentence(entry, known, page.when)) for entry in view.log]
    alert = view.alert
    context = {
        "active": "alerts",
        "alert": alert,
        "line": line,
        "log": log,
        "acted_by": {
            "acknowledged": who_text(alert.acknowledged_by, known),
            "resolved": who_text(alert.resolved_by, known),
        },
        # What the sender attached, made safe to show: escaped by the template, cut in depth
        # and size, and only http(s) URLs as links (images as links too, docs/web.md).
        "details": detail_tree(alert.custom_details),
        "links": web_links(alert.links),
        "images": web_images(alert.images),
        "client_url": web_url(alert.client_url),
        "may_act": page.may("responder") and alert.status != RESOLVED,
        "people": list(known.people.items()),
        "snooze_choices": SNOOZE_CHOICES,
        "errors": errors.by_field if errors else {},
        "values": values or {},
        "back": f"/alerts/{alert.id}",
    }
    return page.render("alerts/show.html", context, status=status)


@router.get("/alerts/{alert_id:int}", response_class=HTMLResponse)
def show_alert(alert_id: int, page: SignedInPage) -> HTMLResponse:
    """One alert with its log."""
    return alert_page(page, alert_id)


def back_to(form: dict[str, str], alert_id: int) -> str:
    """Where to go after acting: the page the form was on (only our own alert pages)."""
    back = form.get("back", "")
    return back if back in ("/", "/alerts", f"/alerts/{alert_id}") else f"/alerts/{alert_id}"


def refused(page: Page, alert_id: int, error: DutydeskError, form: dict[str, str]) -> HTMLResponse:
    """The alert's page again with the reason: 409 when the alert is resolved, else 400."""
    errors = FormErrors()
    errors.add_error(error, ALERT_FIELDS)
    values = {name: form.get(name, "") for name in ALERT_FIELDS}
    status = 409 if isinstance(error, Conflict) else 400
    return alert_page(page, alert_id, errors=errors, values=values, status=status)


@router.post("/alerts/{alert_id:int}/acknowledge", response_class=HTMLResponse)
def acknowledge(alert_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Acknowledge the alert: its group stops paging (until the policy's ack timeout)."""
    actor = web_actor(page)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view = acknowledge_alert(session, alert_id, page.now, actor=actor)
            session.commit()
    except Conflict as error:
        return refused(page, alert_id, error, form)
    if view.alert.acknowledged_by == actor and view.alert.acknowledged_at == page.now:
        message = f"You acknowledged alert {alert_id}: {view.alert.summary}"
    else:
        message = f"Alert {alert_id} was acknowledged already."
    return page.redirect(back_to(form, alert_id), flash=message)


@router.post("/alerts/{alert_id:int}/resolve", response_class=HTMLResponse)
def resolve(alert_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Resolve the alert; pages not yet sent for its group are withdrawn once nothing is open."""
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view = resolve_alert(session, alert_id, page.now, actor=web_actor(page))
            session.commit()
    except Conflict as error:
        return refused(page, alert_id, error, form)
    return page.redirect(
        back_to(form, alert_id), flash=f"You resolved alert {alert_id}: {view.alert.summary}"
    )


@router.post("/alerts/{alert_id:int}/snooze", response_class=HTMLResponse)
def snooze(alert_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Acknowledge the alert for a while; still unresolved then, it pages again."""
    length = SNOOZE_LENGTHS.get(form.get("for", ""))
    if length is None:
        return refused(page, alert_id, Invalid("for: choose how long to snooze it for"), form)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view = snooze_alert(session, alert_id, length, page.now, actor=web_actor(page))
            session.commit()
    except (Invalid, Conflict) as error:
        return refused(page, alert_id, error, form)
    return page.redirect(
        f"/alerts/{alert_id}",
        flash=f"You snoozed alert {alert_id} until {page.when(view.alert.retrigger_at)}.",
    )


@router.post("/alerts/{alert_id:int}/reassign", response_class=HTMLResponse)
def reassign(alert_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Give the alert's group to someone, who is paged at once."""
    person_id = form.get("person", "").strip()
    with unit_of_work(page.runtime.read_sessions) as session:
        known = names(session)
        view_alert(session, alert_id)  # an unknown alert is a 404 before the person is checked
    if person_id not in known.people:
        problem = "choose who to give it to" if not person_id else "no such person on the team"
        return refused(page, alert_id, Invalid(f"person: {problem}"), form)
    try:
        with unit_of_work(page.runtime.sessions) as session:
            reassign_alert(session, alert_id, person_id, page.now, actor=web_actor(page))
            session.commit()
    except (Invalid, Conflict) as error:
        return refused(page, alert_id, error, form)
    return page.redirect(
        f"/alerts/{alert_id}",
        flash=f"You reassigned alert {alert_id} to {known.person(person_id)}, who is paged now.",
    )


@router.post("/alerts/{alert_id:int}/note", response_class=HTMLResponse)
def note(alert_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Add a note to the alert's log (resolved alerts too: notes are post-mortems)."""
    text = form.get("text", "").strip()
    try:
        with unit_of_work(page.runtime.sessions) as session:
            view: AlertView = add_note(session, alert_id, text, page.now, actor=web_actor(page))
            session.commit()
    except Invalid as error:
        return refused(page, alert_id, error, form)
    return page.redirect(f"/alerts/{view.alert.id}", flash=f"Note added to alert {alert_id}.")


router.include_router(action_router)
