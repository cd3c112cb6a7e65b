"""Build results coming in over HTTP: GitHub Actions' `workflow_run` webhook
(`/hooks/builds/github/{source}`) and Dutydesk's own signed shape (`/hooks/builds/generic/
{source}`), each signed with the source's secret (`dutydesk build secret SOURCE`).

Nothing is stored unless the signature matches. Results are written through a group commit
(alerts/ingest.py): a burst of builds finishing together costs one transaction, not one each,
and each request is still answered only once its result is committed. Answers: 202 recorded,
200 a repeat or something that is not a result (a ping, a run not completed), 400 a bad body,
401 a bad signature, 409 a replayed GitHub delivery.

The handling (`answer_github`, `answer_generic`) takes the request's headers and raw body and
gives a status and a JSON body: the FastAPI routes here call it, and so does the fast path in
front of the framework (asgi.py) that answers the common request without its layers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import State

from dutydesk.alerts.ingest import GroupWriter
from dutydesk.alerts.intake import (
    BadBody,
    field_path,
    json_body_openapi,
    json_object,
    read_limited_body,
)
from dutydesk.builds import generic, github
from dutydesk.builds.intake import Recorded, record_checked
from dutydesk.builds.results import BuildReport, check_source, checked
from dutydesk.builds.secrets import source_secret
from dutydesk.errors import Conflict, DutydeskError, Invalid, Unauthorized
from dutydesk.http_errors import ErrorRead, error_body
from dutydesk.runtime import Runtime

router = APIRouter(tags=["builds"])
GITHUB_PATH = "/hooks/builds/github/{source}"
GENERIC_PATH = "/hooks/builds/generic/{source}"

# An answer: its status and JSON body.
Answer = tuple[int, dict[str, Any]]
# What answers a webhook: (the application's state, the source, the headers, the raw body).
Answering = Callable[[State, str, Mapping[str, str], bytes], Awaitable[Answer]]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A repeat of a recorded build, or not a build result (a ping)."},
    202: {"description": "The build was recorded."},
    400: {"model": ErrorRead, "description": "The body is invalid; `message` names the field."},
    401: {"model": ErrorRead, "description": "Not signed with the source's secret."},
    409: {"model": ErrorRead, "description": "This GitHub delivery was taken already."},
}


@router.post(
    GITHUB_PATH,
    status_code=202,
    responses=_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "GitHub's `workflow_run` event, as GitHub sends it.",
                    }
                }
            },
        }
    },
)
async def github_hook(source: str, request: Request) -> JSONResponse:
    """GitHub Actions' `workflow_run` webhook, signed with `X-Hub-Signature-256`: completed runs
    are recorded; a ping, other events and other actions are answered and ignored."""
    return await _route(answer_github, source, request)


@router.post(
    GENERIC_PATH,
    status_code=202,
    responses=_RESPONSES,
    openapi_extra=json_body_openapi(generic.GenericBuild),
)
async def generic_hook(source: str, request: Request) -> JSONResponse:
    """One finished build in Dutydesk's own shape, signed with `Dutydesk-Signature`."""
    return await _route(answer_generic, source, request)


async def _route(answer: Answering, source: str, request: Request) -> JSONResponse:
    try:
        body = await read_limited_body(request)
    except BadBody as bad:
        return JSONResponse(error_body(Invalid(str(bad))), status_code=400)
    status, content = await answer(request.app.state, source, request.headers, body)
    return JSONResponse(content, status_code=status)


async def answer_github(
    state: State, source: str, headers: Mapping[str, str], body: bytes
) -> Answer:
    """The answer to a GitHub delivery of `body` to `source`'s address."""
    runtime: Runtime = state.runtime
    try:
        _check_signed(runtime, source, headers, body, github.SIGNATURE_HEADER, None)
        event = headers.get(github.EVENT_HEADER, "")
        if event != "workflow_run":
            what = "ping: the webhook works" if event == "ping" else f"event {event[:40]!r}"
            return _ignored(f"{what}; only workflow_run events are recorded")
        delivery = github.delivery_id(headers.get(github.DELIVERY_HEADER, ""))
        now = runtime.clock.now()
        report = github.run_report(source, _github_payload(headers, body), now)
        if isinstance(report, str):
            return _ignored(report)
        recorded = await _writer(state).run_batched(
            _Take(checked(report, now), delivery, now, runtime.settings.base_url)
        )
    except DutydeskError as error:
        return _refused(error)
    return _answer(runtime, recorded)


async def answer_generic(
    state: State, source: str, headers: Mapping[str, str], body: bytes
) -> Answer:
    """The answer to a generic build posted to `source`'s address."""
    runtime: Runtime = state.runtime
    now = runtime.clock.now()
    try:
        _check_signed(runtime, source, headers, body, generic.SIGNATURE_HEADER, now)
        try:
            build = generic.GenericBuild.model_validate(json_object(body))
        except ValidationError as error:
            problem = error.errors()[0]
            raise Invalid(f"{field_path(problem['loc'])}: {problem['msg']}") from None
        if build.source is not None and build.source != source:
            raise Invalid(f"source: {build.source!r} is not this address's source {source!r}")
        report = checked(build.report(source, now), now)
        recorded = await _writer(state).run_batched(
            _Take(report, None, now, runtime.settings.base_url)
        )
    except BadBody as bad:
        return _refused(Invalid(str(bad)))
    except DutydeskError as error:
        return _refused(error)
    return _answer(runtime, recorded)


def _check_signed(
    runtime: Runtime,
    source: str,
    headers: Mapping[str, str],
    body: bytes,
    header: str,
    now: datetime | None,
) -> None:
    """Unauthorized unless the header is the body's signature with the source's secret."""
    check_source(source)
    secret = source_secret(runtime.secret_key(), source)
    signature = headers.get(header, "")
    good = (
        github.signed(secret, signature, body)
        if now is None
        else generic.signed(secret, signature, body, now)
    )
    if not signature or not good:
        raise Unauthorized(
            f"the {header} header is not this body's signature with source {source!r}'s"
            " secret (`dutydesk build secret SOURCE`)"
            + ("" if now is None else ", made in the last 5 minutes")
        )


def _github_payload(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """GitHub's JSON, sent as JSON or as a form's `payload` field (the hook's content type)."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/x-www-form-urlencoded":
            fields = parse_qs(body.decode("utf-8", "replace"))
            return json_object(fields.get("payload", [""])[0].encode())
        return json_object(body)
    except BadBody as bad:
        raise Invalid(str(bad)) from None


@dataclass(frozen=True, slots=True)
class _Take:
    """A checked result for the group commit, with the GitHub delivery that carried it."""

    report: BuildReport
    delivery: str | None
    now: datetime
    base_url: str


def _write_run(session: Session, items: list[_Take]) -> list[Recorded | Exception]:
    """Record a run of results in one go; a replayed delivery is refused alone (before it
    writes anything). Anything else that fails fails the run, which the writer then retries
    one result at a time."""
    outcomes: list[Recorded | Exception] = []
    if any(item.delivery is not None for item in items):
        github.forget_old(session, items[0].now)
    for item in items:
        if item.delivery is not None:
            try:
                github.remember(session, item.delivery, item.now)
            except github.Replayed as replayed:
                outcomes.append(Conflict(str(replayed)))
                continue
        outcomes.append(record_checked(session, item.report, now=item.now, base_url=item.base_url))
    return outcomes


def _write_one(session: Session, item: _Take) -> Recorded:
    """One result on its own, for a run that failed as a whole."""
    (outcome,) = _write_run(session, [item])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _writer(state: State) -> GroupWriter:
    """The application's group-commit writer for build results (made on first use)."""
    writer: GroupWriter | None = getattr(state, "build_writer", None)
    if writer is None:
        writer = GroupWriter(state.runtime.sessions, batched=_write_run, single=_write_one)
        state.build_writer = writer
    return writer


def _answer(runtime: Runtime, recorded: Recorded) -> Answer:
    if recorded.turned == "red":
        runtime.wake_worker()  # the engineer on support's notice goes now, not next pass
    if recorded.duplicate:
        return 200, {
            "status": "duplicate",
            "message": "this build and attempt were recorded already",
        }
    return 202, {
        "status": "recorded",
        "result": recorded.result_id,
        "red_build": recorded.spell_id,
        "turned": recorded.turned,
    }


def _ignored(why: str) -> Answer:
    return 200, {"status": "ignored", "message": why}


def _refused(error: DutydeskError) -> Answer:
    status = {Unauthorized: 401, Conflict: 409}.get(type(error), 400)
    return status, error_body(error)
