"""PagerDuty Events API v2, as PagerDuty answers it: `POST /v2/enqueue` and
`POST /v2/change/enqueue`, so monitoring that speaks to PagerDuty speaks to Dutydesk.

These routes answer in PagerDuty's shapes (`{"status", "message", "errors"}`), not Dutydesk's
`{"error", "message"}`, so they read and check the body themselves instead of letting FastAPI
validate it and the app's error mapper answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import State

from dutydesk.alerts import bulk
from dutydesk.alerts import service as alerts
from dutydesk.alerts.ingest import GroupWriter
from dutydesk.alerts.intake import BadBody, field_path, json_body_openapi, read_json_object
from dutydesk.alerts.integrations import LiveKey, find_live_key
from dutydesk.alerts.schemas import (
    ROUTING_KEY_LENGTH,
    ChangeEventV2,
    EventAccepted,
    EventEnvelope,
    EventRefused,
    EventV2,
    TriggerPayload,
    utc_time,
)
from dutydesk.alerts.untrusted import web_images, web_links, web_url
from dutydesk.runtime import Runtime

INVALID = "Event object is invalid"
_LIVE_KEYS = "dutydesk.events.live_keys"

router = APIRouter(tags=["events"])
M = TypeVar("M", bound=BaseModel)


class EventRejected(Exception):
    """An event that is not accepted: the status code, PagerDuty's message and the problems."""

    def __init__(self, errors: list[str], *, status: int = 400, message: str = INVALID) -> None:
        super().__init__(message)
        self.errors = errors
        self.status = status
        self.message = message

    def body(self) -> bytes:
        """PagerDuty's answer to a refused event."""
        return json_bytes(
            {"status": "invalid event", "message": self.message, "errors": self.errors}
        )

    def response(self) -> Response:
        return _json_response(self.body(), self.status)


def json_bytes(content: Any) -> bytes:
    """An answer's JSON, encoded as FastAPI's JSONResponse encodes it."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


# The answer to an accepted event but for its dedup key, which goes last: built once.
_ACCEPTED_START = json_bytes({"status": "success", "message": "Event processed"})[:-1]


def accepted_body(dedup_key: str) -> bytes:
    """PagerDuty's answer to an accepted event."""
    return b'%s,"dedup_key":%s}' % (_ACCEPTED_START, json_bytes(dedup_key))


def _json_response(body: bytes, status: int) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def _unknown_key() -> EventRejected:
    # The same answer whether no such key was ever issued or it was revoked: a caller learns
    # nothing about which services exist.
    return EventRejected(
        ["'routing_key' is not a valid integration key"], status=404, message="Invalid routing key"
    )


def event_writer(state: State) -> tuple[Runtime, GroupWriter]:
    """The runtime and the application's group-commit writer for events (made on first use).

    Read here rather than declared as dependencies: resolving dependencies is a measurable
    part of the time a request takes, and these routes take thousands a second.
    """
    runtime: Runtime = state.runtime
    writer: GroupWriter | None = getattr(state, "event_writer", None)
    if writer is None:
        writer = GroupWriter(runtime.sessions, batched=_store_triggers, single=_store_trigger)
        state.event_writer = writer
    return runtime, writer


_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": EventAccepted, "description": "The event was stored."},
    400: {"model": EventRefused, "description": "The event is invalid; `errors` names why."},
    404: {"model": EventRefused, "description": "The routing key is not a live integration key."},
}


@router.post(
    "/v2/enqueue",
    status_code=202,
    response_model=None,
    responses=_RESPONSES,
    openapi_extra=json_body_openapi(EventV2),
)
async def enqueue(request: Request) -> Response:
    """Trigger, acknowledge or resolve an alert (PagerDuty Events API v2)."""
    # Most requests are answered before they reach this (events_asgi.py), with the same
    # functions; this answers the others (a query string, a chunked body) and documents the API.
    runtime, writer = event_writer(request.app.state)
    try:
        dedup_key = await store_event(runtime, writer, await _read_json(request))
    except EventRejected as refused:
        return refused.response()
    return _json_response(accepted_body(dedup_key), 202)


async def store_event(runtime: Runtime, writer: GroupWriter, data: dict[str, Any]) -> str:
    """Check an event and store it; the dedup key it was filed under, once committed.

    EventRejected when it is refused (invalid, or an unknown routing key).
    """
    envelope, payload = _parse_event(data)
    now = runtime.clock.now()
    if payload is not None:  # a trigger: written in bulk with its queued neighbours
        dedup_key: str = await writer.run_batched(_Received(envelope, payload, now))
        return dedup_key
    return await writer.run(partial(_store_event, envelope, payload, now))


@router.post(
    "/v2/change/enqueue",
    status_code=202,
    response_model=None,
    responses=_RESPONSES,
    openapi_extra=json_body_openapi(ChangeEventV2),
)
async def change_enqueue(request: Request) -> Response:
    """Record a change event, such as a deploy (PagerDuty Change Events)."""
    runtime, writer = event_writer(request.app.state)
    try:
        data = await _read_json(request)
        event = _validated(ChangeEventV2, data, "")
        await writer.run(partial(_store_change, event, runtime.clock.now()))
    except EventRejected as refused:
        return refused.response()
    return _json_response(_CHANGE_ACCEPTED, 202)


_CHANGE_ACCEPTED = json_bytes({"status": "success", "message": "Change event processed"})


async def _read_json(request: Request) -> dict[str, Any]:
    try:
        return await read_json_object(request)
    except BadBody as bad:
        raise EventRejected([str(bad)]) from None


def _parse_event(data: dict[str, Any]) -> tuple[EventEnvelope, TriggerPayload | None]:
    """Check an event; EventRejected lists every problem at once."""
    errors: list[str] = []
    envelope = _collect(EventEnvelope, data, "", errors)
    payload = None
    action = data.get("event_action")
    if action == "trigger":
        if not isinstance(data.get("payload"), dict):
            errors.append("'payload' is missing or not an object")
        else:
            payload = _collect(TriggerPayload, data["payload"], "payload.", errors)
    elif action in ("acknowledge", "resolve") and data.get("dedup_key") is None:
        errors.append(f"'dedup_key' is required to {action}")
    if errors or envelope is None:
        raise EventRejected(errors)
    return envelope, payload


def _validated(model: type[M], data: Any, prefix: str) -> M:
    errors: list[str] = []
    checked = _collect(model, data, prefix, errors)
    if checked is None:
        raise EventRejected(errors)
    return checked


def _collect(model: type[M], data: Any, prefix: str, errors: list[str]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors.extend(_describe(problem, prefix) for problem in error.errors())
        return None


def _describe(problem: Any, prefix: str) -> str:
    """One problem as PagerDuty words it: "'payload.summary' is missing"."""
    where = field_path(problem["loc"], prefix)
    kind = problem["type"]
    if kind == "missing":
        return f"'{where}' is missing"
    if where == "routing_key" and kind in ("string_too_short", "string_too_long"):
        return f"Length of 'routing_key' is incorrect (should be {ROUTING_KEY_LENGTH} characters)"
    message = str(problem["msg"]).removeprefix("Value error, ")
    return f"'{where}': {message}" if where else message


def _store_event(
    envelope: EventEnvelope, payload: TriggerPayload | None, now: datetime, session: Session
) -> str:
    """Apply one event (the caller commits); returns the dedup key it was filed under."""
    key = _live_key(session, envelope.routing_key)
    actor = f"integration:{key.id}"
    dedup_key = envelope.dedup_key or alerts.new_dedup_key()
    if envelope.event_action == "trigger":
        assert payload is not None  # _parse_event requires it for triggers
        fields = _alert_fields(envelope, payload)
        alerts.trigger(session, key.service_id, dedup_key, fields, now, actor=actor)
    elif envelope.event_action == "acknowledge":
        alerts.acknowledge(session, key.service_id, dedup_key, now, actor=actor)
    else:
        alerts.resolve(session, key.service_id, dedup_key, now, actor=actor)
    return dedup_key


@dataclass(frozen=True)
class _Received:
    """A trigger event as it was received, checked but not yet written."""

    envelope: EventEnvelope
    payload: TriggerPayload
    now: datetime


def _store_triggers(session: Session, received: list[_Received]) -> list[str | EventRejected]:
    """Apply trigger events in order (the caller commits): for each, the dedup key it was
    filed under, or why it was refused (an unknown routing key; nothing is written for it)."""
    outcomes: list[str | EventRejected] = []
    triggers: list[bulk.Trigger] = []
    for event in received:
        try:
            key = _live_key(session, event.envelope.routing_key)
        except EventRejected as refused:
            outcomes.append(refused)
            continue
        dedup_key = event.envelope.dedup_key or alerts.new_dedup_key()
        fields = _alert_fields(event.envelope, event.payload)
        actor = f"integration:{key.id}"
        triggers.append(bulk.Trigger(key.service_id, dedup_key, fields, event.now, actor))
        outcomes.append(dedup_key)
    bulk.trigger_all(session, triggers)
    return outcomes


def _store_trigger(session: Session, event: _Received) -> str:
    """One trigger event on its own (the caller commits), when its batch failed as a whole:
    through `service.trigger`, which joins an alert another process opened a moment earlier."""
    return _store_event(event.envelope, event.payload, event.now, session)


def _live_key(session: Session, presented: str) -> LiveKey:
    """The live key behind a routing key, looked up once per transaction (events are written
    in batches, which mostly share a few keys); EventRejected when there is none."""
    known: dict[str, LiveKey | None] = session.info.setdefault(_LIVE_KEYS, {})
    if presented not in known:
        known[presented] = find_live_key(session, presented)
    key = known[presented]
    if key is None:
        raise _unknown_key()
    return key


def _alert_fields(envelope: EventEnvelope, payload: TriggerPayload) -> alerts.AlertFields:
    return alerts.AlertFields(
        summary=payload.summary,
        source=payload.source,
        severity=payload.severity,
        component=payload.component,
        group=payload.group,
        class_=payload.class_,
        custom_details=payload.custom_details,
        # As PagerDuty does, a link that is not http(s) is dropped rather than refusing the page.
        links=web_links([link.model_dump(exclude_none=True) for link in envelope.links or []]),
        images=web_images([image.model_dump(exclude_none=True) for image in envelope.images or []]),
        client=envelope.client,
        client_url=web_url(envelope.client_url),
        timestamp=payload.timestamp,
    )


def _store_change(event: ChangeEventV2, now: datetime, session: Session) -> None:
    key = _live_key(session, event.routing_key)
    alerts.record_change(
        session,
        key.service_id,
        summary=event.payload.summary,
        happened_at=_utc(event.payload.timestamp),
        source=event.payload.source,
        custom_details=event.payload.custom_details,
        links=web_links([link.model_dump(exclude_none=True) for link in event.links or []]),
        now=now,
        actor=f"integration:{key.id}",
    )


def _utc(timestamp: str | None) -> datetime | None:
    return None if timestamp is None else utc_time(timestamp)
