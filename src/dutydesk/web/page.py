"""What every page handler gets: the signed-in user, the team's time, rendering and redirects.

Routes declare what they need with `AnyPage`, `SignedInPage`, `ResponderPage` or `AdminPage`,
and forms with `PostedForm`, which has already checked the CSRF token. Pages for people who are
not staff (the tenant portal) are built with `visitor_page` and `read_posted_form`, with their
own session cookie and CSRF scope: they never read the staff session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dutydesk.auth.models import User
from dutydesk.auth.service import require_role
from dutydesk.auth.signin import session_user, touch_session
from dutydesk.db import unit_of_work
from dutydesk.deps import RuntimeDep
from dutydesk.errors import Forbidden, Invalid
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.timeparse import duration_text, local_text
from dutydesk.web.security import (
    CSRF_FIELD,
    FLASH_COOKIE,
    SESSION_COOKIE,
    STAFF_FORMS,
    VISITOR_COOKIE,
    ZONE_COOKIE,
    CsrfScope,
    new_visitor_id,
    set_cookie,
)
from dutydesk.web.templating import iso_local, render_template


class SignInNeeded(Exception):
    """The page needs a signed-in user; the error mapper sends the browser to sign in at
    `sign_in_path` (the staff form unless said otherwise), and back to `next_url` after."""

    def __init__(self, next_url: str, *, sign_in_path: str = "/sign-in") -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.sign_in_path = sign_in_path


@dataclass
class Page:
    """One page request: who is asking, the team's time, and how to answer."""

    request: Request
    runtime: Runtime
    user: User | None
    zone: ZoneInfo
    now: datetime
    has_team: bool
    viewer_zone: ZoneInfo | None
    flash: str | None
    # Whose forms this page's CSRF token is for: staff pages unless built by `visitor_page`.
    forms: CsrfScope = STAFF_FORMS
    _new_visitor: str | None = field(default=None, repr=False)

    @property
    def csrf(self) -> str:
        """The CSRF token for this browser's forms."""
        binding = self.forms.binding(self.request) or self._visitor()
        return self.forms.token(self.runtime.secret_key(), binding)

    def _visitor(self) -> str:
        if self._new_visitor is None:
            self._new_visitor = new_visitor_id()
        return self._new_visitor

    def may(self, role: str) -> bool:
        """Whether the signed-in user has at least `role`."""
        if self.user is None:
            return False
        try:
            require_role(self.user, role)
        except Forbidden:
            return False
        return True

    def when(self, instant: datetime | None, *, with_year: bool = False) -> str:
        """A time in the team's zone, for people."""
        return local_text(instant, self.zone, with_year=with_year)

    def viewer_when(self, instant: datetime | None) -> str:
        """The same time in the viewer's own zone, or '' when that is the team's anyway."""
        if instant is None or self.viewer_zone is None:
            return ""
        if (
            instant.astimezone(self.viewer_zone).utcoffset()
            == instant.astimezone(self.zone).utcoffset()
        ):
            return ""
        local = instant.astimezone(self.viewer_zone)
        return f"{local:%H:%M} {local.tzname()}"

    def field_time(self, instant: datetime | None) -> str:
        """A time as a datetime-local form field holds it, in the team's zone."""
        return iso_local(instant, self.zone)

    def render(
        self, template: str, context: dict[str, Any] | None = None, *, status: int = 200
    ) -> HTMLResponse:
        """Render a page, with the layout's needs (user, navigation, CSRF token, flash)."""
        response = HTMLResponse(self.render_part(template, context), status_code=status)
        self._finish(response)
        return response

    def render_part(self, template: str, context: dict[str, Any] | None = None) -> str:
        """Render a template as HTML text, with the same values a whole page gets (a dashboard
        panel, say, whose forms need the CSRF token)."""
        values: dict[str, Any] = {
            "page": self,
            "user": self.user,
            "navigation": self.request.app.state.navigation.links(self),
            "csrf_field": CSRF_FIELD,
            "csrf_token": self.csrf,
            "flash": self.flash,
            "team_zone": str(self.zone),
            "duration": duration_text,
            "active": "",
            "errors": {},
            "values": {},
        }
        values.update(context or {})
        return render_template(template, values)

    def redirect(self, url: str, *, flash: str | None = None) -> RedirectResponse:
        """See Other to `url` (after a form post), with a message to show there."""
        response = RedirectResponse(url, status_code=303)
        if flash:
            set_cookie(response, self.request, FLASH_COOKIE, quote(flash), max_age=60)
        self._finish(response, keep_flash=flash is not None)
        return response

    def _finish(
        self, response: HTMLResponse | RedirectResponse, *, keep_flash: bool = False
    ) -> None:
        if self._new_visitor is not None:
            set_cookie(response, self.request, VISITOR_COOKIE, self._new_visitor)
        if self.flash is not None and not keep_flash:
            response.delete_cookie(FLASH_COOKIE, path="/")


def web_actor(page: Page) -> str:
    """Who the logs say made a change from the pages: "web:<username>" (signed-in pages)."""
    assert page.user is not None
    return f"web:{page.user.username}"


def get_page(request: Request, runtime: RuntimeDep) -> Page:
    """Any page: the user if signed in, else None."""
    now = runtime.clock.now()
    user = None
    zone = ZoneInfo("UTC")
    token = request.cookies.get(SESSION_COOKIE)
    stale = False
    # A read: page views take no write lock, except to record a session's use once a minute.
    with unit_of_work(runtime.read_sessions) as session:
        found = session_user(session, token, now) if token else None
        if found is not None:
            user, stale = found.user, found.stale
            session.expunge(user)
        team = find_team(session)
        if team is not None:
            zone = ZoneInfo(team.timezone)
    if token and stale:
        with unit_of_work(runtime.sessions) as session:
            touch_session(session, token, now)
            session.commit()
    flash = request.cookies.get(FLASH_COOKIE)
    return Page(
        request=request,
        runtime=runtime,
        user=user,
        zone=zone,
        now=now.astimezone(UTC),
        has_team=team is not None,
        viewer_zone=_viewer_zone(request.cookies.get(ZONE_COOKIE)),
        flash=unquote(flash)[:500] if flash else None,
    )


def visitor_page(request: Request, runtime: Runtime, forms: CsrfScope) -> Page:
    """A page for someone who is not staff (a tenant in the portal): no staff user, whatever
    cookies the browser has, and forms bound by `forms` (their own session cookie and scope)."""
    with unit_of_work(runtime.read_sessions) as session:
        team = find_team(session)
        zone = ZoneInfo(team.timezone) if team is not None else ZoneInfo("UTC")
    flash = request.cookies.get(FLASH_COOKIE)
    return Page(
        request=request,
        runtime=runtime,
        user=None,
        zone=zone,
        now=runtime.clock.now().astimezone(UTC),
        has_team=team is not None,
        viewer_zone=_viewer_zone(request.cookies.get(ZONE_COOKIE)),
        flash=unquote(flash)[:500] if flash else None,
        forms=forms,
    )


def _viewer_zone(name: str | None) -> ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(unquote(name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


AnyPage = Annotated[Page, Depends(get_page)]


def get_signed_in_page(page: AnyPage) -> Page:
    """A page for signed-in users only; others are sent to sign in, and back here after."""
    if page.user is None:
        target = page.request.url.path
        if page.request.method == "GET" and page.request.url.query:
            target += "?" + page.request.url.query
        raise SignInNeeded(target)
    return page


SignedInPage = Annotated[Page, Depends(get_signed_in_page)]


def get_responder_page(page: SignedInPage) -> Page:
    """A page that changes something: responders and admins only."""
    assert page.user is not None
    require_role(page.user, "responder")
    return page


ResponderPage = Annotated[Page, Depends(get_responder_page)]


def get_admin_page(page: SignedInPage) -> Page:
    """A page for admins only."""
    assert page.user is not None
    require_role(page.user, "admin")
    return page


AdminPage = Annotated[Page, Depends(get_admin_page)]


async def get_posted_form(request: Request, runtime: RuntimeDep) -> dict[str, str]:
    """A posted staff form's fields (text only), after checking its CSRF token."""
    return await read_posted_form(request, runtime, STAFF_FORMS)


async def read_posted_form(request: Request, runtime: Runtime, forms: CsrfScope) -> dict[str, str]:
    """A posted form's fields (text only), after checking its CSRF token in scope `forms`."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not forms.valid(runtime.secret_key(), request, fields.get(CSRF_FIELD)):
        raise Forbidden(
            "this form has expired or did not come from Dutydesk's own page:"
            " go back, reload the page and try again"
        )
    # PostgreSQL cannot store or even compare text with NUL in it; no field needs one.
    for name, value in fields.items():
        if "\x00" in value:
            raise Invalid(f"{name[:40]}: NUL characters are not allowed")
    return fields


PostedForm = Annotated[dict[str, str], Depends(get_posted_form)]


# The choice of "me" in the people selects: the signed-in user's own person.
ME = "me"


def chosen_person(page: Page, value: str, field_name: str) -> str:
    """The person a people select chose: "me" is the signed-in user's own."""
    assert page.user is not None
    if value != ME:
        return value
    if page.user.person_id is None:
        raise Invalid(f"{field_name}: your account is not linked to a person on the team")
    return page.user.person_id
