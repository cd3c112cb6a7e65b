"""The public status site under /status/ (and at the root of DUTYDESK_STATUS_HOST, host.py):
no sign-in. Its pages, Statuspage's v2 JSON and the feeds come from the snapshot in memory
(serving.py); subscribing, confirming and unsubscribing are the only requests that reach the
database.

Unsubscribing follows RFC 8058: the link in each mail shows a page with a button (a mail
scanner fetching it changes nothing), and a POST to the same link, as a mail client sends for
List-Unsubscribe-Post, unsubscribes at once with no cookie or form token: the signed link is
the authority.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from dutydesk.db import unit_of_work
from dutydesk.deps import RuntimeDep
from dutydesk.errors import Invalid, NotFound
from dutydesk.runtime import Runtime
from dutydesk.statuspage import fanout, subscribers
from dutydesk.statuspage.models import EMAIL, WEBHOOK
from dutydesk.statuspage.render import JSON_FILES
from dutydesk.statuspage.serving import PublicSite, site_of
from dutydesk.statuspage.site import PUBLIC_PREFIX, Site
from dutydesk.web.page import Page, read_posted_form, visitor_page
from dutydesk.web.security import CsrfScope

router = APIRouter(prefix=PUBLIC_PREFIX, tags=["status page"])
# The subscribe form's tokens, bound to the visitor cookie and good for this form alone.
STATUS_FORMS = CsrfScope("dutydesk_status_visitor", "status-subscribe")
_JSON_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}}, "description": "Statuspage's shape."},
    404: {"description": "No team is set up yet."},
}


def public_site(request: Request) -> PublicSite:
    """The application's public site (made on first use)."""
    return site_of(request.app)


def _json_route(name: str) -> None:
    async def answer(request: Request) -> Response:
        found = public_site(request).file(f"api/v2/{name}")
        if found is None:
            raise NotFound("no such page on the status page")
        return Response(found.body, media_type=found.media_type)

    answer.__name__ = "status_" + name.replace("/", "_").replace("-", "_").replace(".json", "")
    answer.__doc__ = f"Statuspage's public API v2 `{name}`, from the page as last published."
    router.add_api_route(
        f"/api/v2/{name}", answer, methods=["GET"], response_class=Response,
        responses=_JSON_RESPONSES,
    )  # fmt: skip


for _name in JSON_FILES:
    _json_route(_name)


@router.get("", include_in_schema=False)
async def status_root() -> RedirectResponse:
    """The site's root has a trailing slash, so that its relative links resolve."""
    return RedirectResponse(f"{PUBLIC_PREFIX}/", status_code=308)


# --- subscribing -----------------------------------------------------------------------------


def _status_page(request: Request, runtime: RuntimeDep) -> Page:
    return visitor_page(request, runtime, STATUS_FORMS)


StatusVisitor = Annotated[Page, Depends(_status_page)]


@router.get("/subscribe/", include_in_schema=False)
def subscribe_form(request: Request, visitor: StatusVisitor) -> Response:
    """The subscribe form: an e-mail address or a webhook URL, and the components."""
    return _form(request, visitor, {}, {})


@router.post("/subscribe/", include_in_schema=False)
async def subscribe_submit(request: Request, runtime: RuntimeDep) -> Response:
    """Subscribe: an address is sent its confirmation link (the same answer whether or not it
    was subscribed already); a webhook is subscribed at once and shown its signing secret."""
    visitor = visitor_page(request, runtime, STATUS_FORMS)
    form = await read_posted_form(request, runtime, STATUS_FORMS)
    chosen = [key.removeprefix("component:") for key in form if key.startswith("component:")]
    kind = WEBHOOK if form.get("kind") == WEBHOOK else EMAIL
    address = form.get("endpoint" if kind == WEBHOOK else "email", "")
    try:
        secret = _subscribe(runtime, kind, address, chosen)
    except Invalid as error:
        field, _, message = error.message.partition(": ")
        return _form(request, visitor, {field: message or error.message}, form, status=422)
    if kind == WEBHOOK:
        return _message(
            request, visitor, "Webhook subscribed",
            "Updates will be posted to your endpoint, signed with this secret"
            " (the Dutydesk-Signature header). It is shown once: keep it now.",
            secret=secret,
        )  # fmt: skip
    return _message(
        request, visitor, "Check your inbox",
        "If that address can receive mail, a link to confirm the subscription is on its way."
        " Nothing else will be sent to it until the link is followed.",
    )  # fmt: skip


def _subscribe(runtime: Runtime, kind: str, address: str, chosen: list[str]) -> str | None:
    now = runtime.clock.now()
    site = Site.of(runtime)
    with unit_of_work(runtime.sessions) as session:
        subscriber = subscribers.subscribe(
            session, kind=kind, address=address, component_ids=chosen, now=now, site=site
        )
        session.commit()
        if kind == WEBHOOK:
            return fanout.subscriber_secret(site.secret_key, subscriber.id, subscriber.address)
    return None


@router.get("/subscribe/confirm", include_in_schema=False)
def confirm_form(request: Request, visitor: StatusVisitor, token: str = Query("")) -> Response:
    """A confirmation link shows a button: a mail scanner following it subscribes nobody."""
    return _message(
        request, visitor, "Confirm your subscription",
        "Confirm that you want status updates at this address.",
        action=("Confirm", f"confirm?token={token}"),
    )  # fmt: skip


@router.post("/subscribe/confirm", include_in_schema=False)
def confirm_submit(
    request: Request, visitor: StatusVisitor, runtime: RuntimeDep, token: str = Query("")
) -> Response:
    """Confirm: the signed link is the authority, so no form token is needed."""
    return _follow(
        request, visitor, runtime, token, subscribers.confirm, "Subscribed",
        "You will be told of incidents and maintenance by e-mail. Every message has a link"
        " to unsubscribe.",
    )  # fmt: skip


@router.get("/subscribe/unsubscribe", include_in_schema=False)
def unsubscribe_form(request: Request, visitor: StatusVisitor, token: str = Query("")) -> Response:
    """An unsubscribe link shows a button (RFC 8058: a GET never unsubscribes)."""
    return _message(
        request, visitor, "Unsubscribe",
        "Stop receiving status updates at this address.",
        action=("Unsubscribe", f"unsubscribe?token={token}"),
    )  # fmt: skip


@router.post("/subscribe/unsubscribe", include_in_schema=False)
def unsubscribe_submit(
    request: Request, visitor: StatusVisitor, runtime: RuntimeDep, token: str = Query("")
) -> Response:
    """Unsubscribe in one click, from the page or a mail client's List-Unsubscribe-Post."""
    return _follow(
        request, visitor, runtime, token, subscribers.unsubscribe, "Unsubscribed",
        "You will receive no more status updates.",
    )  # fmt: skip


def _follow(
    request: Request,
    visitor: Page,
    runtime: Runtime,
    token: str,
    act: Callable[..., object],
    title: str,
    text: str,
) -> Response:
    """Do what a signed link says in one transaction; a link not signed here, or expired,
    changes nothing and says so."""
    try:
        with unit_of_work(runtime.sessions) as session:
            act(session, token, now=runtime.clock.now(), site=Site.of(runtime))
            session.commit()
    except Invalid as error:
        return _message(request, visitor, "That link did not work", error.message, status=400)
    return _message(request, visitor, title, text)


def _form(
    request: Request,
    visitor: Page,
    errors: dict[str, str],
    values: dict[str, str],
    *,
    status: int = 200,
) -> Response:
    site = public_site(request)
    page = site.page()
    return visitor.render(
        "status/subscribe.html",
        {
            **site_context(site),
            "errors": errors,
            "values": values,
            "choices": [c for c in page.components if not c.is_group],
        },
        status=status,
    )


def _message(
    request: Request,
    visitor: Page,
    title: str,
    text: str,
    *,
    action: tuple[str, str] | None = None,
    secret: str | None = None,
    status: int = 200,
) -> Response:
    site = public_site(request)
    return visitor.render(
        "status/message.html",
        {**site_context(site), "title": title, "text": text, "action": action, "secret": secret},
        status=status,
    )


def site_context(site: PublicSite) -> dict[str, Any]:
    """What the status layout needs, for pages one level below the root."""
    renderer = site.renderer()
    return {**renderer.common(root="../"), "active": ""}


# --- the site's files, last: every other path below /status/ ----------------------------


@router.get("/{path:path}", include_in_schema=False)
async def status_file(path: str, request: Request) -> Response:
    """A page, feed or stylesheet of the site."""
    site = public_site(request)
    found = site.file(path)
    if found is None and path.startswith("incidents/") and not path.endswith("/"):
        found = site.file(path + "/")
    if found is None:
        raise NotFound("no such page on the status page")
    return Response(found.body, media_type=found.media_type)
