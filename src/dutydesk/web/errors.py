"""Errors on pages: an HTML page saying what went wrong, or a trip to the sign-in form."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dutydesk.web.page import SignInNeeded
from dutydesk.web.templating import render_template

# Paths that answer programs, never people: their errors stay JSON whatever the client accepts.
_MACHINE_PREFIXES = ("/api/", "/feeds/", "/v2/", "/static/", "/healthz", "/openapi.json", "/docs")
_HEADINGS = {
    400: "That did not work",
    401: "Sign in needed",
    403: "You cannot do that",
    404: "Page not found",
    405: "That did not work",
    409: "That clashes with something",
    413: "That is too much to send",
    422: "That did not work",
    429: "Too many tries",
    500: "Something went wrong",
}


def wants_html(request: Request) -> bool:
    """Whether this request came from a person's browser to a page."""
    if request.url.path.startswith(_MACHINE_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def html_error(status: int, message: str) -> HTMLResponse:
    """An error page, standing on its own (it needs no database)."""
    context = {
        "heading": _HEADINGS.get(status, "That did not work"),
        "message": message[:1:].upper() + message[1:],
        "user": None,
        "page": None,
        "flash": None,
        "team_zone": "",
        "active": "",
        "navigation": (),
    }
    return HTMLResponse(render_template("error.html", context), status_code=status)


def sign_in_redirect(error: SignInNeeded) -> Response:
    """To the sign-in form, coming back afterwards."""
    return RedirectResponse(f"/sign-in?next={quote(error.next_url, safe='/')}", status_code=303)
