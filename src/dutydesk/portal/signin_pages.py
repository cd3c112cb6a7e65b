"""The portal's sign-in: asking for a link by e-mail, following it, signing out.

Following a link only shows a button (GET changes nothing: mail scanners and link previews
fetch links, and must neither use nor spend them); pressing it (POST) signs in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.portal.page import (
    PORTAL_COOKIE,
    PORTAL_PATH,
    AnyPortalPage,
    PortalForm,
    PortalPage,
    safe_portal_path,
)
from dutydesk.portal.signin import (
    LINK_LIFETIME,
    LINK_PATH,
    LinkRequestsThrottled,
    consume_link,
    request_link,
    sign_out,
    usable_link,
)
from dutydesk.tenants.addresses import check_address
from dutydesk.web.forms import FORM_ERROR, FormErrors
from dutydesk.web.security import set_cookie

router = APIRouter(include_in_schema=False)

_MINUTES = int(LINK_LIFETIME.total_seconds() // 60)


@router.get(f"{PORTAL_PATH}/", response_class=HTMLResponse)
def sign_in_form(portal: AnyPortalPage, next: Annotated[str | None, Query()] = None) -> Response:
    """Ask for an e-mail address (a signed-in tenant goes straight on)."""
    target = safe_portal_path(next)
    if portal.visitor is not None:
        return portal.redirect(target)
    return _form(portal, target)


@router.post(f"{PORTAL_PATH}/", response_class=HTMLResponse)
def ask_for_link(portal: AnyPortalPage, form: PortalForm) -> Response:
    """Mail a sign-in link if the address is a tenant's; the answer is the same if not."""
    email = form.get("email", "").strip()
    target = safe_portal_path(form.get("next"))
    runtime = portal.runtime
    client = portal.request.client
    try:
        with unit_of_work(runtime.sessions) as session:
            request_link(
                session,
                email,
                portal.now,
                client_host=client.host if client is not None else None,
                base_url=runtime.settings.base_url,
                next_path=target,
            )
            session.commit()
    except LinkRequestsThrottled as error:
        errors = FormErrors()
        errors.add(FORM_ERROR, error.message)
        answer = _form(portal, target, errors, email, status=429)
        answer.headers["Retry-After"] = str(error.retry_after_seconds)
        return answer
    except Invalid as error:
        errors = FormErrors()
        errors.add_error(error, ("email",))
        return _form(portal, target, errors, email, status=400)
    return portal.render(
        "portal/link_sent.html", {"email": check_address(email), "minutes": _MINUTES}
    )


@router.get(LINK_PATH, response_class=HTMLResponse)
def confirm_link(portal: AnyPortalPage, token: Annotated[str, Query()] = "") -> Response:
    """Show whose link this is and a button that signs in; changes nothing."""
    with unit_of_work(portal.runtime.read_sessions) as session:
        link = usable_link(session, token, portal.now) if token else None
        email = link.email if link is not None else None
    if email is None:
        return _spent(portal)
    return portal.render("portal/link_confirm.html", {"email": email, "token": token})


@router.post(LINK_PATH, response_class=HTMLResponse)
def use_link(portal: AnyPortalPage, form: PortalForm) -> Response:
    """Use the link: start a portal session (ending any other of this browser's) and go on."""
    token = form.get("token", "")
    old = portal.request.cookies.get(PORTAL_COOKIE)
    try:
        with unit_of_work(portal.runtime.sessions) as session:
            if not token:
                raise Invalid("this sign-in link has expired or has been used")
            started = consume_link(session, token, portal.now)
            if old:
                sign_out(session, old)
            session.commit()
    except Invalid as error:
        return _spent(portal, error.message)
    response = portal.redirect(started.next_path, flash="You are signed in.")
    # A browser-session cookie, as the staff one: the session's own rules end it sooner.
    set_cookie(response, portal.request, PORTAL_COOKIE, started.token, path=PORTAL_PATH)
    return response


@router.post(f"{PORTAL_PATH}/sign-out")
def sign_out_submit(portal: AnyPortalPage, _form: PortalForm) -> Response:
    """End this browser's portal session."""
    token = portal.request.cookies.get(PORTAL_COOKIE)
    if token:
        with unit_of_work(portal.runtime.sessions) as session:
            sign_out(session, token)
            session.commit()
    response = portal.redirect(f"{PORTAL_PATH}/", flash="You are signed out.")
    response.delete_cookie(PORTAL_COOKIE, path=PORTAL_PATH)
    return response


def _form(
    portal: PortalPage,
    target: str,
    errors: FormErrors | None = None,
    email: str = "",
    *,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "next": target,
        "values": {"email": email},
        "errors": errors.by_field if errors else {},
        "minutes": _MINUTES,
    }
    return portal.render("portal/sign_in.html", context, status=status)


def _spent(portal: PortalPage, message: str | None = None) -> HTMLResponse:
    """The sign-in form, saying the link cannot be used (400)."""
    errors = FormErrors()
    errors.add(
        FORM_ERROR, message or "this sign-in link has expired or has been used: ask for a new one"
    )
    return _form(portal, safe_portal_path(None), errors, status=400)
