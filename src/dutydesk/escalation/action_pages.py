"""Action links from pages: `/act/{token}` acknowledges or resolves an alert group in one tap.

The signed token is the credential, so no sign-in is needed; it acts as the person the page was
sent to. GET only asks to confirm: mail scanners and link previews fetch links, and must change
nothing. POST (with the browser's CSRF token, as on the sign-in form) does it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from dutydesk.alerts.actions import acknowledge_group, resolve_group
from dutydesk.alerts.grouping import open_alerts_of
from dutydesk.alerts.models import TRIGGERED, Alert, AlertGroup, Service
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.escalation.links import ActionLink, read_action
from dutydesk.escalation.log_text import LINK_ACTOR
from dutydesk.people.models import Person
from dutydesk.web.page import AnyPage, Page, PostedForm

router = APIRouter(include_in_schema=False)

_VERBS = {"acknowledge": ("Acknowledge", "acknowledged"), "resolve": ("Resolve", "resolved")}


@dataclass(frozen=True)
class LinkTarget:
    """What a link would act on now: the group's service, its open alerts, the person."""

    link: ActionLink
    service_name: str
    person_name: str
    alerts: list[Alert]  # the alerts the action would change
    open_count: int

    @property
    def verb(self) -> str:
        return _VERBS[self.link.action][0]

    @property
    def done(self) -> str:
        return _VERBS[self.link.action][1]

    @property
    def what(self) -> str:
        """'3 alerts on Platform API', 'an alert on Platform API'."""
        count = len(self.alerts)
        alerts = "an alert" if count == 1 else f"{count} alerts"
        return f"{alerts} on {self.service_name}"


def read_link(page: Page, token: str) -> ActionLink:
    """The link a token stands for; Invalid (a 400 page) when forged or expired."""
    return read_action(page.runtime.secret_key(), token, page.now)


def link_target(session: Session, link: ActionLink) -> LinkTarget:
    """What the link would act on; Invalid when its person has left the team."""
    group = session.get(AlertGroup, link.group_id)
    if group is None:
        raise NotFound("the alerts this link was for are gone")
    person = session.get(Person, link.person_id)
    if person is None:
        raise Invalid("this link was sent to someone no longer on the team")
    service = session.get(Service, group.service_id)
    open_alerts = list(open_alerts_of(session, group.id))
    acted_on = (
        [alert for alert in open_alerts if alert.status == TRIGGERED]
        if link.action == "acknowledge"
        else open_alerts
    )
    return LinkTarget(
        link=link,
        service_name=service.name if service is not None else group.service_id,
        person_name=person.name,
        alerts=acted_on,
        open_count=len(open_alerts),
    )


@router.get("/act/{token}", response_class=HTMLResponse)
def confirm_action(token: str, page: AnyPage) -> HTMLResponse:
    """Ask to confirm what the link does; changes nothing."""
    link = read_link(page, token)
    with unit_of_work(page.runtime.read_sessions) as session:
        target = link_target(session, link)
    return page.render("alerts/act_confirm.html", {"target": target, "token": token})


@router.post("/act/{token}", response_class=HTMLResponse)
def perform_action(token: str, page: AnyPage, _form: PostedForm) -> HTMLResponse:
    """Acknowledge or resolve the link's group as the person it was sent to."""
    link = read_link(page, token)
    act = acknowledge_group if link.action == "acknowledge" else resolve_group
    try:
        with unit_of_work(page.runtime.sessions) as session:
            target = link_target(session, link)
            count = act(session, link.group_id, page.now, actor=f"{LINK_ACTOR}{link.person_id}")
            session.commit()
    except Conflict as error:
        message = f"Nothing to do: {error.message}."
        return page.render("alerts/act_done.html", {"message": message, "first": None}, status=409)
    alerts = "an alert" if count == 1 else f"{count} alerts"
    first = target.alerts[0].id if target.alerts else None
    done = target.done.capitalize()
    message = f"{done} {alerts} on {target.service_name} as {target.person_name}."
    return page.render("alerts/act_done.html", {"message": message, "first": first})
