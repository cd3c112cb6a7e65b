"""`POST /v2/enqueue`, the busiest route by far, answered in front of the framework.

Monitoring sends events by the thousand a second, and through FastAPI each one passed about
fifteen layers: four middleware of Dutydesk's, Starlette's error and exception layers, FastAPI's
body-limit, telemetry and exit-stack layers, the router, and the route's request and response
objects. Together they cost more CPU than checking and storing the event. This serves the
common request directly, with the same functions as the route (events_api.py), and does for it
what those layers do: the security headers, the request and event metrics, and the error
mapper's 500 when something unexpected fails.

It takes only a POST to exactly `/v2/enqueue`, with no query string, whose body declares its
length and is within both size limits. Every other request goes on to the application,
untouched, and is answered by the full stack as before: a query string (where a NUL character
may hide), a chunked body or one over a limit (refused there with 413 or PagerDuty's 400),
another method or path. The FastAPI route stays, for those and for the OpenAPI document.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import cast

from fastapi import FastAPI
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from dutydesk.alerts.events_api import (
    EventRejected,
    accepted_body,
    event_writer,
    store_event,
)
from dutydesk.alerts.intake import (
    MAX_BODY_BYTES,
    BadBody,
    check_media_type,
    json_object,
    too_large,
)
from dutydesk.http_headers import with_security_headers
from dutydesk.metrics.requests import RequestMetrics

PATH = "/v2/enqueue"
# What every JSON answer carries after its length, security headers included (http_headers.py),
# in the order the middleware would have given them.
_JSON_HEADERS = with_security_headers([(b"content-type", b"application/json")])

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class EnqueueFastPath:
    """Answers the common `POST /v2/enqueue` itself; passes everything else to `app` (the
    application's middleware stack)."""

    def __init__(self, app: ASGIApp, application: FastAPI) -> None:
        self.app = app
        self._state = application.state
        settings = application.state.runtime.settings
        self._limit_bytes = min(settings.max_body_bytes, MAX_BODY_BYTES)
        # The error mapper's last resort (http_errors.py): logs the error, answers 500.
        self._unexpected = cast(ErrorHandler, application.exception_handlers[Exception])
        self._metrics: RequestMetrics | None = getattr(application.state, "request_metrics", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("query_string")
            or scope.get("root_path")
        ):
            await self.app(scope, receive, send)
            return
        content_type = _content_type_if_taken(scope["headers"], self._limit_bytes)
        if content_type is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, answered = 500, False
        try:
            status, body = await self._answer(content_type, receive)
            headers = [(b"content-length", b"%d" % len(body)), *_JSON_HEADERS]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            answered = True
            await send({"type": "http.response.body", "body": body})
        except Exception as error:
            # As Starlette's ServerErrorMiddleware: the error mapper logs it and answers 500
            # (unless an answer was begun), and the error goes on to the server.
            response = await self._unexpected(Request(scope, receive), error)
            if not answered:
                status = 500
                await response(scope, receive, send)
            raise
        finally:
            if self._metrics is not None:
                self._metrics.record(PATH, "POST", status, time.perf_counter() - started)

    async def _answer(self, content_type: str, receive: Receive) -> tuple[int, bytes]:
        runtime, writer = event_writer(self._state)
        try:
            check_media_type(content_type)
            data = json_object(await _body(receive, self._limit_bytes))
            dedup_key = await store_event(runtime, writer, data)
        except BadBody as bad:
            refused = EventRejected([str(bad)])
            return refused.status, refused.body()
        except EventRejected as refused:
            return refused.status, refused.body()
        return 202, accepted_body(dedup_key)


def _content_type_if_taken(headers: list[tuple[bytes, bytes]], limit_bytes: int) -> str | None:
    """The request's Content-Type when its body is one this takes: a single declared length
    of at most `limit_bytes`, not chunked. None for any other request."""
    length = -1
    content_type = None
    for name, value in headers:
        if name == b"content-length":
            if length >= 0 or not value.isdigit():
                return None
            length = int(value)
        elif name == b"content-type":
            if content_type is None:
                content_type = value.decode("latin-1")
        elif name == b"transfer-encoding":
            return None
    if length < 0 or length > limit_bytes:
        return None
    return content_type or ""


async def _body(receive: Receive, limit_bytes: int) -> bytes:
    """The request's body. The server delivers no more than the declared length, which was
    within the limit; counted all the same."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit_bytes:
            raise too_large()
        if not message.get("more_body", False):
            if not chunks:
                return bytes(chunk)
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)
