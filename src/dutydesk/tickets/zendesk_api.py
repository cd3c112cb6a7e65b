"""`POST /hooks/zendesk`: Zendesk's webhooks, mirrored as tickets (docs/integrations.md#zendesk).

Every answer is JSON in Dutydesk's error shape or `{"status", "ticket", "reason"}`:
- 413, or 400 over 512 KiB, for a body too large to read;
- 404 while DUTYDESK_ZENDESK_SIGNING_SECRET is unset: the receiver is off;
- 401 when the request is not one Zendesk signed in the last 5 minutes;
- 409 when it was taken before (a replay, or Zendesk retrying a delivery already stored);
- 400 when the body is not what Zendesk sends, naming the field;
- 503 before a team is set up (`dutydesk apply`);
- 200 otherwise, with what became of it (`created`, `updated`, `unchanged`, `ignored`).
A refused request changes nothing: the delivery's record and what it says are stored in one
transaction.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, RootModel
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from dutydesk.alerts.intake import (
    BadBody,
    check_media_type,
    json_body_openapi,
    json_object,
    read_limited_body,
)
from dutydesk.db import unit_of_work
from dutydesk.deps import RuntimeDep
from dutydesk.errors import DutydeskError, NotFound
from dutydesk.http_errors import ErrorRead
from dutydesk.runtime import Runtime
from dutydesk.tickets.support import support_policy
from dutydesk.tickets.zendesk import Ignored, ZendeskUpdate
from dutydesk.tickets.zendesk_mirror import Mirrored, mirror
from dutydesk.tickets.zendesk_payloads import TicketEvent, TriggerBody, read_update
from dutydesk.tickets.zendesk_signing import (
    NotFromZendesk,
    Replayed,
    Signed,
    check_signed,
    remember_delivery,
    signing_headers,
)

router = APIRouter(tags=["webhooks"])
# Two deliveries about one new ticket at the same moment both try to open its mirror; the one
# that loses tries again and finds it. More clashes than this are answered 409 (Zendesk retries).
_ATTEMPTS = 3


class ZendeskAccepted(BaseModel):
    """What became of a delivery."""

    status: str = Field(
        description="`created` (a mirror was opened), `updated`, `unchanged` (nothing new, or"
        " older than what was taken already) or `ignored` (not about a ticket).",
        examples=["created"],
    )
    ticket: int | None = Field(description="The Dutydesk ticket that mirrors it, if any.")
    reason: str = Field(examples=["mirrors Zendesk ticket 35436"])


class ZendeskWebhook(RootModel[TicketEvent | TriggerBody]):
    """A Zendesk ticket event (event subscriptions), or Dutydesk's trigger body."""


_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorRead,
        "description": "The body is not what Zendesk sends; `message` names"
        " the field. Nothing is stored.",
    },
    401: {
        "model": ErrorRead,
        "description": "Not signed by Zendesk with the configured secret,"
        " or signed more than 5 minutes ago.",
    },
    404: {"model": ErrorRead, "description": "The receiver is off: no signing secret is set."},
    409: {"model": ErrorRead, "description": "This delivery was taken already (a replay)."},
    503: {"model": ErrorRead, "description": "No team is set up yet; nothing is stored."},
}


@router.post(
    "/hooks/zendesk",
    response_model=ZendeskAccepted,
    responses=_RESPONSES,
    openapi_extra=json_body_openapi(ZendeskWebhook),
)
async def zendesk(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Mirror a Zendesk ticket from a webhook signed with `X-Zendesk-Webhook-Signature`: an
    event subscription's ticket event, or Dutydesk's trigger body."""
    # Read first, so that a body over DUTYDESK_MAX_BODY_BYTES is a 413 whatever else is wrong.
    try:
        body = await read_limited_body(request)
    except BadBody as bad:
        return _refused(400, "invalid", str(bad))
    secret = runtime.settings.zendesk_signing_secret
    if secret is None:
        return _refused(
            404,
            "not_found",
            "the Zendesk receiver is off here: DUTYDESK_ZENDESK_SIGNING_SECRET is not set",
        )
    headers = signing_headers(request.headers)
    now = runtime.clock.now()
    try:
        check_signed(secret.get_secret_value().replace(",", " ").split(), headers, body, now)
    except NotFromZendesk as refusal:
        return _refused(401, "unauthorized", str(refusal))
    assert headers is not None  # check_signed refuses a request without them
    try:
        check_media_type(request.headers.get("content-type", ""))
        update = read_update(json_object(body))
    except BadBody as bad:
        return _refused(400, "invalid", str(bad))
    except DutydeskError as error:
        return _refused(400, "invalid", error.message)
    try:
        done = await run_in_threadpool(_store, runtime, headers, update)
    except Replayed as replayed:
        return _refused(409, "conflict", str(replayed))
    except NotFound as error:
        # Not the sender's fault (no team applied yet): Zendesk tries again later.
        return _refused(503, "unavailable", error.message)
    except DutydeskError as error:
        return _refused(400, error.code, error.message)
    return JSONResponse({"status": done.outcome, "ticket": done.ticket_id, "reason": done.reason})


def _store(runtime: Runtime, headers: Signed, update: ZendeskUpdate | Ignored) -> Mirrored:
    """Record the delivery and mirror what it says, in one transaction."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return _store_once(runtime, headers, update)
        except IntegrityError:
            # A delivery or a mirror stored by another request meanwhile: the next attempt
            # sees it (a replay is then refused; a mirror is found).
            if attempt == _ATTEMPTS:
                raise Replayed(
                    "another delivery changed this ticket at the same moment; send it again"
                ) from None
    raise AssertionError("unreachable")


def _store_once(runtime: Runtime, headers: Signed, update: ZendeskUpdate | Ignored) -> Mirrored:
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        remember_delivery(session, headers, now)
        if isinstance(update, Ignored):
            done = Mirrored("ignored", None, update.reason)
        else:
            done = mirror(
                session,
                support_policy(session),
                update,
                zendesk_url=runtime.settings.zendesk_url,
                now=now,
            )
        session.commit()
    if done.outcome != "ignored":
        # A new or changed clock may have a reminder due now.
        runtime.wake_worker()
    return done


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)
