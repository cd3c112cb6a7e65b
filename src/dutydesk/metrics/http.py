"""Timing every HTTP request by its route template, and counting the events monitoring sends.

A plain ASGI middleware: Starlette's `@app.middleware("http")` runs each request through a task
group and memory streams, a cost the Events API would notice. Labels are the route's template
(`/api/v1/alerts/{alert_id}`), never the path a client sent: a path can hold a secret
(integration keys, heartbeat tokens, feed URLs) and every distinct one would be a new series.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from prometheus_client.metrics import Counter, Histogram
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dutydesk.metrics.instruments import EVENT_OUTCOMES, Metrics

# Every request no route answered (a 404, a redirect to add a slash), under one label.
UNMATCHED = "unmatched"
# Methods outside this set share one label, so made-up methods cannot add series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The routes monitoring sends events to, and the integration kind each one counts as.
INGEST_ROUTES = {
    "/v2/enqueue": "events_v2",
    "/v2/change/enqueue": "change_events",
    "/hooks/alertmanager/{key}": "alertmanager",
    "/hooks/grafana/{key}": "grafana",
    "/hooks/generic/{key}": "generic",
    "/hooks/heartbeat/{token}": "heartbeat",
}


def route_label(scope: Scope, routes: Sequence[BaseRoute]) -> str:
    """The template of the route that answered, or UNMATCHED.

    The router leaves the route in the scope, except for a mount (static files), which leaves
    only its app as the endpoint.
    """
    route = scope.get("route")
    if route is None and (endpoint := scope.get("endpoint")) is not None:
        route = next((r for r in routes if isinstance(r, Mount) and r.app is endpoint), None)
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    if isinstance(route, Mount):  # the mount, not the file asked for
        return f"{path}/{{path}}"
    return path


def outcome_of(status: int) -> str:
    """An event's outcome from its answer's status."""
    if status < 400:
        return "accepted"
    return "refused" if status < 500 else "failed"


@dataclass
class _Series:
    """The label children of one route and method, looked up once rather than per request."""

    duration: Histogram
    requests: Counter
    # By outcome, on routes that take events; empty on the others.
    events: dict[str, Counter]
    by_status: dict[int, Counter] = field(default_factory=dict)


class RequestMetrics:
    """What each HTTP request records: its duration and status by route template and method,
    and on the routes that take events, the event's outcome."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        # Bounded: route templates (plus UNMATCHED) times the methods above.
        self._series: dict[tuple[str, str], _Series] = {}

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        """One request to `route` (a template) answered with `status` after `seconds`."""
        method = method if method in _METHODS else "OTHER"
        series = self._series.get((route, method))
        if series is None:
            series = self._series[(route, method)] = self._new_series(route, method)
        series.duration.observe(seconds)
        requests = series.by_status.get(status)
        if requests is None:
            requests = series.by_status[status] = series.requests.labels(route, method, status)
        requests.inc()
        if series.events:
            series.events[outcome_of(status)].inc()

    def _new_series(self, route: str, method: str) -> _Series:
        kind = INGEST_ROUTES.get(route)
        events = self.metrics.events
        return _Series(
            duration=self.metrics.http_duration.labels(route, method),
            requests=self.metrics.http_requests,
            events={} if kind is None else {o: events.labels(kind, o) for o in EVENT_OUTCOMES},
        )


class RecordRequests:
    """Records each HTTP request's duration and status; counts events by kind and outcome."""

    def __init__(self, app: ASGIApp, recorder: RequestMetrics, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.recorder = recorder
        self.routes = routes  # the application's, for naming mounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # An exception that escapes the app becomes a 500 further out (ServerErrorMiddleware).
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self.recorder.record(
                route_label(scope, self.routes),
                scope["method"],
                status,
                time.perf_counter() - started,
            )
