"""`POST /hooks/slack/commands`: Slack's `/incident <title>` slash command
(docs/integrations.md#slack).

The request must be signed with the Slack app's signing secret (slack_signing.py) in the last 5
minutes and not taken before; anything else is refused with 401 (or 409 for a replay) and
nothing is stored. A signed request is answered within Slack's 3 seconds, always with 200 and a
message Slack shows: the incident declared (to the channel), or why not (to the user alone).

`/incident P1 Platform API errors` declares a P1; without a priority, a P2. The Slack user must
be a person of the team (their `slack:` member id in the team file): their roles come from the
rotas as anywhere else.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from dutydesk.addresses import is_slack_name
from dutydesk.alerts.intake import BadBody, read_limited_body
from dutydesk.db import unit_of_work
from dutydesk.deps import RuntimeDep
from dutydesk.errors import DutydeskError
from dutydesk.http_errors import ErrorRead
from dutydesk.incidents.models import PRIORITIES, ROLE_NAMES
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.service import Declaration, declare
from dutydesk.incidents.slack_signing import NotFromSlack, Replayed, check_signed, remember
from dutydesk.incidents.views import view_incident
from dutydesk.people.models import Person
from dutydesk.runtime import Runtime
from dutydesk.text import slack_literal

router = APIRouter(tags=["webhooks"])
DEFAULT_PRIORITY = "P2"
USAGE = (
    "Declare an incident: `/incident [P1|P2|P3|P4] <what is wrong>`,"
    " e.g. `/incident P1 API errors`."
)

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A message for Slack to show: the incident declared, or why not."},
    400: {"model": ErrorRead, "description": "The body is larger than the limit."},
    401: {
        "model": ErrorRead,
        "description": "Not signed by Slack with the signing secret, or"
        " signed more than 5 minutes ago. Nothing is stored.",
    },
    404: {"model": ErrorRead, "description": "The command is off: no signing secret is set."},
    409: {"model": ErrorRead, "description": "This request was taken already (a replay)."},
}


@router.post("/hooks/slack/commands", responses=_RESPONSES)
async def slash_command(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Slack's `/incident` slash command, form-encoded and signed with `X-Slack-Signature`."""
    try:
        body = await read_limited_body(request)
    except BadBody as bad:
        return _refused(400, "invalid", str(bad))
    secret = runtime.settings.slack_signing_secret
    if secret is None:
        return _refused(
            404,
            "not_found",
            "the Slack command is off here: DUTYDESK_SLACK_SIGNING_SECRET is not set",
        )
    now = runtime.clock.now()
    try:
        signature = check_signed(secret.get_secret_value(), request.headers, body, now)
    except NotFromSlack as refusal:
        return _refused(401, "unauthorized", str(refusal))
    fields = {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}
    try:
        answer = await run_in_threadpool(_run, runtime, signature, fields)
    except Replayed as replayed:
        return _refused(409, "conflict", str(replayed))
    return JSONResponse(answer)


def _run(runtime: Runtime, signature: str, fields: dict[str, str]) -> dict[str, str]:
    now = runtime.clock.now()
    text = " ".join(fields.get("text", "").split())
    words = text.split(" ", 1)
    priority = DEFAULT_PRIORITY
    if words and words[0].upper() in PRIORITIES:
        priority = words[0].upper()
        text = words[1] if len(words) > 1 else ""
    with unit_of_work(runtime.sessions) as session:
        try:
            remember(session, signature, now)
        except IntegrityError:
            raise Replayed("this request was taken already") from None
        if not text or text.lower() == "help":
            session.commit()
            return _to_user(USAGE)
        slack_user = fields.get("user_id", "")
        # Only a member id is looked up: anything else (a NUL, say) names nobody.
        person = (
            session.scalar(select(Person).where(Person.slack == slack_user))
            if is_slack_name(slack_user)
            else None
        )
        if person is None:
            session.commit()
            return _to_user(
                "Your Slack account is not a person of the team in Dutydesk: add your member id"
                " as `slack:` in the team file, or declare the incident on the web."
            )
        try:
            incident = declare(
                session,
                incident_policy(session),
                Declaration(title=text, priority=priority, source="slack"),
                actor=person.id,
                person_id=person.id,
                now=now,
                base_url=runtime.settings.base_url,
            )
        except DutydeskError as error:
            # Nothing of the incident is kept; the request is, so a replay is still refused.
            session.rollback()
            remember(session, signature, now)
            session.commit()
            return _to_user(f"No incident was declared: {error.message}")
        session.commit()
        view = view_incident(session, incident.id)
        roles = "\n".join(
            f"{ROLE_NAMES[role]}: {view.name(row.person_id)}"
            for role, row in view.current_roles.items()
        )
    runtime.wake_worker()
    link = f"{runtime.settings.base_url}/incidents/{incident.id}"
    return {
        "response_type": "in_channel",
        "text": f"Incident {incident.id} ({incident.priority}) declared by <@{slack_user}>:"
        f" {slack_literal(incident.title)}\n{roles}\n<{link}|The incident document>",
    }


def _to_user(text: str) -> dict[str, str]:
    return {"response_type": "ephemeral", "text": text}


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)
