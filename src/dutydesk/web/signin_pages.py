"""Signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dutydesk.auth.signin import SignInThrottled, sign_in, sign_out
from dutydesk.db import unit_of_work
from dutydesk.errors import Unauthorized
from dutydesk.web.forms import FORM_ERROR, FormErrors, required
from dutydesk.web.page import AnyPage, PostedForm
from dutydesk.web.security import SESSION_COOKIE, set_cookie

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(page: AnyPage, next: Annotated[str | None, Query()] = None) -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    if page.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page.render("sign_in.html", {"next": safe_next(next), "values": {}})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in_submit(page: AnyPage, form: PostedForm) -> Response:
    """Check the password; on success start a session and go on."""
    errors = FormErrors()
    username = required(form, "username", errors, label="your username")
    password = form.get("password", "")
    if not password:
        errors.add("password", "enter your password")
    target = safe_next(form.get("next"))
    status, headers = 400, {}
    if not errors:
        runtime = page.runtime
        client = page.request.client
        try:
            with unit_of_work(runtime.sessions) as session:
                try:
                    signed_in = sign_in(
                        session,
                        username,
                        password,
                        runtime.clock.now(),
                        client_host=client.host if client is not None else None,
                    )
                finally:
                    # Failed attempts count towards throttling, so they are kept too.
                    session.commit()
        except SignInThrottled as error:
            errors.add(FORM_ERROR, error.message)
            status, headers = 429, {"Retry-After": str(error.retry_after_seconds)}
        except Unauthorized as error:
            errors.add(FORM_ERROR, error.message)
        else:
            response = page.redirect(target)
            set_cookie(response, page.request, SESSION_COOKIE, signed_in.token)
            return response
    context = {"next": target, "values": {"username": username}, "errors": errors.by_field}
    form_again = page.render("sign_in.html", context, status=status)
    form_again.headers.update(headers)
    return form_again


@router.post("/sign-out")
def sign_out_submit(page: AnyPage, _form: PostedForm) -> Response:
    """End this browser's session."""
    token = page.request.cookies.get(SESSION_COOKIE)
    if token:
        with unit_of_work(page.runtime.sessions) as session:
            sign_out(session, token)
            session.commit()
    response = page.redirect("/sign-in", flash="You are signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
