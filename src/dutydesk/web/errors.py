"""Errors on pages: an HTML page saying what went wrong, or a trip to the sign-in form."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ErrorHome:
    """Where an error page leads back to: the site's name in its header, and a link."""

    href: str
    label: str
    site_name: str


_STAFF_HOME = ErrorHome("/", "Go to the dashboard", "Dutydesk")
# Parts of the site for people who are not staff, by path: their error pages lead back there,
# never to the staff dashboard.
_VISITOR_HOMES = (("/portal", ErrorHome("/portal/", "Go to the support portal", "Support")),)


def error_home(path: str) -> ErrorHome:
    """Where an error page at `path` leads back to."""
    for prefix, home in _VISITOR_HOMES:
        if path == prefix or path.startswith(prefix + "/"):
            return home
    return _STAFF_HOME


def html_error(status: int, message: str, *, path: str = "/") -> HTMLResponse:
    """An error page for a request to `path`, standing on its own (it needs no database)."""
    home = error_home(path)
    context = {
        "heading": _HEADINGS.get(status, "That did not work"),
        "message": message[:1:].upper() + message[1:],
        "home_href": home.href,
        "home_label": home.label,
        "site_name": home.site_name,
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
    target = f"{error.sign_in_path}?next={quote(error.next_url, safe='/')}"
    return RedirectResponse(target, status_code=303)
