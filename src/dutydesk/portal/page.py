"""What every portal page handler gets: the signed-in tenant (never a staff user), rendering
and redirects, and forms checked against the portal's own CSRF scope.

The portal has its own session cookie, sent only to /portal paths, and its own table of
sessions; it never reads the staff session, and staff pages and the API never read its.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dutydesk.db import unit_of_work
from dutydesk.deps import RuntimeDep
from dutydesk.portal.signin import PortalVisitor, touch_session, visitor_of
from dutydesk.runtime import Runtime
from dutydesk.web.page import Page, SignInNeeded, read_posted_form, visitor_page
from dutydesk.web.security import CsrfScope

PORTAL_COOKIE = "dutydesk_portal"
PORTAL_PATH = "/portal"
SIGN_IN_PATH = "/portal/"
# Forms of the portal: bound to the portal session (the visitor cookie before signing in).
PORTAL_FORMS = CsrfScope(PORTAL_COOKIE, "portal-csrf")
# What the layout shows in place of the staff site's name and home.
_LAYOUT = {"home_href": SIGN_IN_PATH, "site_name": "Support"}


@dataclass
class PortalPage:
    """One portal request: the tenant's visitor if signed in, and how to answer."""

    page: Page
    visitor: PortalVisitor | None

    @property
    def request(self) -> Request:
        return self.page.request

    @property
    def runtime(self) -> Runtime:
        return self.page.runtime

    @property
    def now(self) -> datetime:
        return self.page.now

    @property
    def tenant(self) -> PortalVisitor:
        """The signed-in visitor (routes behind `TenantPage` always have one)."""
        assert self.visitor is not None
        return self.visitor

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, status: int = 200
    ) -> HTMLResponse:
        """Render a portal page with the layout's needs (the visitor, CSRF token, flash)."""
        values = {**_LAYOUT, "visitor": self.visitor, **(context or {})}
        return self.page.render(template, values, status=status)

    def redirect(self, url: str, *, flash: str | None = None) -> RedirectResponse:
        """See Other to `url` (after a form post), with a message to show there."""
        return self.page.redirect(url, flash=flash)


def get_portal_page(request: Request, runtime: RuntimeDep) -> PortalPage:
    """Any portal page: the tenant's visitor if the portal cookie is a live session."""
    page = visitor_page(request, runtime, PORTAL_FORMS)
    token = request.cookies.get(PORTAL_COOKIE)
    visitor = None
    if token:
        # A read: page views take no write lock, except to record use once a minute.
        with unit_of_work(runtime.read_sessions) as session:
            visitor = visitor_of(session, token, page.now)
        if visitor is not None and visitor.stale:
            with unit_of_work(runtime.sessions) as session:
                touch_session(session, token, page.now)
                session.commit()
    return PortalPage(page, visitor)


AnyPortalPage = Annotated[PortalPage, Depends(get_portal_page)]


def get_tenant_page(portal: AnyPortalPage) -> PortalPage:
    """A page for signed-in tenants only; others are sent to the portal's sign-in form, and
    back here after."""
    if portal.visitor is None:
        target = portal.request.url.path
        if portal.request.method == "GET" and portal.request.url.query:
            target += "?" + portal.request.url.query
        raise SignInNeeded(target, sign_in_path=SIGN_IN_PATH)
    return portal


TenantPage = Annotated[PortalPage, Depends(get_tenant_page)]


async def get_portal_form(request: Request, runtime: RuntimeDep) -> dict[str, str]:
    """A posted portal form's fields, after checking its token in the portal's CSRF scope."""
    return await read_posted_form(request, runtime, PORTAL_FORMS)


PortalForm = Annotated[dict[str, str], Depends(get_portal_form)]


def portal_actor(visitor: PortalVisitor) -> str:
    """Who the audit log says made a change from the portal: "portal:<address>"."""
    return f"portal:{visitor.email}"


def safe_portal_path(target: str | None) -> str:
    """Where to go after signing in: a portal page only (never another site, nor staff pages,
    nor the link pages themselves)."""
    default = f"{PORTAL_PATH}/tickets"
    if (
        not target
        or not target.startswith(f"{PORTAL_PATH}/")
        or "//" in target
        or "\\" in target
        or len(target) > 200
        or target.startswith(f"{PORTAL_PATH}/link")
        or not target.isprintable()
    ):
        return default
    return target
