"""Webhooks from monitoring, the integration key in the URL: Prometheus Alertmanager
(`/hooks/alertmanager/{key}`), Grafana (`/hooks/grafana/{key}`) and Dutydesk's own generic
shape (`/hooks/generic/{key}`).

Bad input is answered in Dutydesk's `{"error": "invalid", "message"}` shape with 400 — the
status monitoring tools log as the sender's fault — and each request is one transaction, so a
notification with one bad alert stores none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from dutydesk.alerts import service as alerts
from dutydesk.alerts.intake import BadBody, field_path, json_body_openapi, read_json_object
from dutydesk.alerts.integrations import find_live_key
from dutydesk.alerts.models import FIELD_LENGTH, SUMMARY_LENGTH
from dutydesk.alerts.untrusted import web_url
from dutydesk.alerts.webhook_schemas import (
    AlertmanagerWebhook,
    GenericAccepted,
    GenericEvent,
    GrafanaAlert,
    GrafanaWebhook,
    PrometheusAlert,
    WebhookAccepted,
)
from dutydesk.db import unit_of_work
from dutydesk.deps import RuntimeDep
from dutydesk.errors import DutydeskError, Invalid, NotFound
from dutydesk.http_errors import ErrorRead, error_body
from dutydesk.runtime import Runtime

router = APIRouter(tags=["webhooks"])
M = TypeVar("M", bound=BaseModel)
Route = TypeVar("Route", bound=Callable[..., Any])

# Label values people use for severity, mapped to the four Dutydesk (and PagerDuty) knows.
SEVERITY_OF = {
    "critical": "critical",
    "crit": "critical",
    "page": "critical",
    "fatal": "critical",
    "emergency": "critical",
    "high": "critical",
    "p1": "critical",
    "error": "error",
    "err": "error",
    "major": "error",
    "p2": "error",
    "warning": "warning",
    "warn": "warning",
    "minor": "warning",
    "medium": "warning",
    "p3": "warning",
    "info": "info",
    "informational": "info",
    "notice": "info",
    "low": "info",
    "none": "info",
    "p4": "info",
}
DEFAULT_SEVERITY = "error"
SUMMARY_LABELS = 3  # how many labels besides alertname a made-up summary names

_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorRead, "description": "The body is invalid; `message` names the field."},
    404: {"model": ErrorRead, "description": "The key is not a live integration key."},
}


def _hook(
    sender: str, accepted: type[BaseModel], body: type[BaseModel]
) -> Callable[[Route], Route]:
    """The route decorator of `/hooks/<sender>/{key}`, its body documented as `body`."""
    return router.post(
        f"/hooks/{sender}/{{key}}",
        response_model=accepted,
        responses=_RESPONSES,
        openapi_extra=json_body_openapi(body),
    )


@_hook("alertmanager", WebhookAccepted, AlertmanagerWebhook)
async def alertmanager(key: str, request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Take a Prometheus Alertmanager notification (payload version 4): firing alerts trigger,
    resolved ones resolve, each deduplicated by its fingerprint."""
    return await _take_notification(request, runtime, key, AlertmanagerWebhook, "alertmanager")


@_hook("grafana", WebhookAccepted, GrafanaWebhook)
async def grafana(key: str, request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Take a Grafana webhook contact point notification (payload version 1), as Alertmanager's."""
    return await _take_notification(request, runtime, key, GrafanaWebhook, "grafana")


@_hook("generic", GenericAccepted, GenericEvent)
async def generic(key: str, request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Trigger, acknowledge or resolve an alert in Dutydesk's own JSON shape."""
    try:
        event = _validated(GenericEvent, await _read(request))
        if event.action == "trigger" and event.summary is None:
            raise Invalid("summary: required to trigger")
        if event.action != "trigger" and event.dedup_key is None:
            raise Invalid(f"dedup_key: required to {event.action}")
        dedup_key = await run_in_threadpool(_process_generic, runtime, key, event)
    except DutydeskError as error:
        return _refused(error)
    return JSONResponse({"status": "success", "dedup_key": dedup_key})


async def _take_notification(
    request: Request,
    runtime: Runtime,
    key: str,
    model: type[AlertmanagerWebhook | GrafanaWebhook],
    sender: str,
) -> JSONResponse:
    try:
        notification = _validated(model, await _read(request))
        count = await run_in_threadpool(_process_alerts, runtime, key, notification.alerts, sender)
    except DutydeskError as error:
        return _refused(error)
    return JSONResponse({"status": "success", "alerts": count})


async def _read(request: Request) -> dict[str, Any]:
    try:
        return await read_json_object(request)
    except BadBody as bad:
        raise Invalid(str(bad)) from None


def _validated(model: type[M], data: dict[str, Any]) -> M:
    """The body checked against the model; Invalid names the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        message = str(problem["msg"]).removeprefix("Value error, ")
        raise Invalid(f"{field_path(problem['loc'])}: {message}") from None


def _refused(error: DutydeskError) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=404 if isinstance(error, NotFound) else 400)


def _service_of(session: Any, key: str) -> tuple[str, str]:
    """(service id, actor) of a live key; the same NotFound whether it never existed or was
    revoked, so a caller learns nothing about which services exist."""
    found = find_live_key(session, key)
    if found is None:
        raise NotFound("no live integration key at this address")
    return found.service_id, f"integration:{found.id}"


def _process_alerts(
    runtime: Runtime, key: str, received: Sequence[PrometheusAlert], sender: str
) -> int:
    """Store every alert of one notification in one transaction; returns how many there were."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        service_id, actor = _service_of(session, key)
        for alert in received:
            if alert.status == "firing":
                fields = alert_fields(alert, sender)
                alerts.trigger(session, service_id, alert.fingerprint, fields, now, actor=actor)
            else:
                alerts.resolve(session, service_id, alert.fingerprint, now, actor=actor)
        session.commit()
    return len(received)


def _process_generic(runtime: Runtime, key: str, event: GenericEvent) -> str:
    """Store one generic event in one transaction; returns the dedup key it was filed under."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        service_id, actor = _service_of(session, key)
        dedup_key = event.dedup_key or alerts.new_dedup_key()
        if event.action == "trigger":
            assert event.summary is not None  # generic() requires it for triggers
            fields = alerts.AlertFields(
                summary=event.summary,
                source=event.source or "webhook",
                severity=event.severity,
                custom_details=event.details,
            )
            alerts.trigger(session, service_id, dedup_key, fields, now, actor=actor)
        elif event.action == "acknowledge":
            alerts.acknowledge(session, service_id, dedup_key, now, actor=actor)
        else:
            alerts.resolve(session, service_id, dedup_key, now, actor=actor)
        session.commit()
    return dedup_key


def alert_fields(alert: PrometheusAlert, sender: str) -> alerts.AlertFields:
    """What a firing Alertmanager or Grafana alert says, in Dutydesk's alert fields."""
    labels, annotations = alert.labels, alert.annotations
    source = labels.get("instance") or labels.get("job") or sender
    severity = SEVERITY_OF.get(labels.get("severity", "").strip().lower(), DEFAULT_SEVERITY)
    return alerts.AlertFields(
        summary=(annotations.get("summary") or _made_up_summary(labels))[:SUMMARY_LENGTH],
        source=source[:FIELD_LENGTH],
        severity=severity,
        custom_details={"labels": labels, "annotations": annotations},
        links=_links(alert),
        client=sender.capitalize() if sender == "grafana" else "Alertmanager",
        timestamp=alert.startsAt,
    )


def _made_up_summary(labels: dict[str, str]) -> str:
    """`HighLatency (instance=web-1, job=api)`: the alert's name and a few of its labels."""
    name = labels.get("alertname") or "alert"
    others = [f"{k}={v}" for k, v in sorted(labels.items()) if k not in ("alertname", "severity")]
    return f"{name} ({', '.join(others[:SUMMARY_LABELS])})" if others else name


def _links(alert: PrometheusAlert) -> list[dict[str, str]]:
    candidates = [("Source", alert.generatorURL)]
    if isinstance(alert, GrafanaAlert):
        candidates += [
            ("Dashboard", alert.dashboardURL),
            ("Panel", alert.panelURL),
            ("Silence", alert.silenceURL),
        ]
    # A link too long to store, or not http(s), is left out rather than refusing the alert.
    return [
        {"href": url, "text": text}
        for text, url in candidates
        if url and len(url) <= FIELD_LENGTH and web_url(url)
    ]
