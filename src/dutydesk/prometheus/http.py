"""Timing every HTTP request by its route template, and counting the events monitoring sends.

A plain ASGI middleware: Starlette's `@app.middleware("http")` runs each request through a task
group and memory streams, a cost the Events API would notice. Labels are the route's template
(`/api/v1/alerts/{alert_id}`), never the path a client sent: a path can hold a secret
(integration keys, heartbeat tokens, feed URLs) and every distinct one would be a new series.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dutydesk.metrics.requests import RequestMetrics

# Every request no route answered (a 404, a redirect to add a slash), under one label.
UNMATCHED = "unmatched"


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
