"""Cookies and CSRF tokens for the pages.

A CSRF token is an HMAC of the browser's session (or, before sign-in, of a random visitor
cookie) under the instance's secret key: a page of another site can neither read it nor
compute it, and nothing needs storing. Staff pages and the tenant portal each have their own
session cookie and their own scope of tokens (`CsrfScope`): a token from one is refused by the
other's forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

SESSION_COOKIE = "dutydesk_session"
VISITOR_COOKIE = "dutydesk_visitor"
FLASH_COOKIE = "dutydesk_flash"
# The browser's own time zone, set by the page's script, to show times in it where it differs.
ZONE_COOKIE = "dutydesk_tz"
CSRF_FIELD = "csrf_token"


def served_over_https(request: Request) -> bool:
    """True when the browser reached us over HTTPS (directly, or through a proxy uvicorn trusts
    with X-Forwarded-Proto), or the instance's public address is an HTTPS one."""
    if request.url.scheme == "https":
        return True
    base_url = str(request.app.state.runtime.settings.base_url)
    return base_url.startswith("https://")


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
    path: str = "/",
) -> None:
    """Set a cookie scripts cannot read, not sent on cross-site posts, Secure over HTTPS;
    `path` keeps it to one part of the site (the portal's session never reaches staff pages)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=served_over_https(request),
    )


def new_visitor_id() -> str:
    """A random id binding a signed-out browser's forms (the sign-in form) to it."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class CsrfScope:
    """Whose forms a CSRF token is for: the session cookie it is bound to (the visitor cookie
    before signing in) and a label, so that a token of one kind of page is refused by another's
    forms even when both are bound to the same visitor cookie."""

    session_cookie: str
    label: str

    def binding(self, request: Request) -> str | None:
        """What this browser's tokens are bound to: its session, else its visitor id."""
        return request.cookies.get(self.session_cookie) or request.cookies.get(VISITOR_COOKIE)

    def token(self, secret_key: str, binding: str) -> str:
        """The token forms carry for a browser whose session (or visitor id) is `binding`."""
        message = f"{self.label}:{binding}".encode()
        return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()

    def valid(self, secret_key: str, request: Request, presented: str | None) -> bool:
        """Whether a posted form's token belongs to this browser and this scope."""
        binding = self.binding(request)
        if not binding or not presented:
            return False
        return hmac.compare_digest(self.token(secret_key, binding), presented)


# The staff pages' forms, bound to the staff session.
STAFF_FORMS = CsrfScope(SESSION_COOKIE, "csrf")
