"""The build webhooks answered in front of the framework's layers: CI posts results by the
hundred a second when a pipeline fans out, and through FastAPI each request passed a dozen
layers (Dutydesk's middleware, Starlette's exception layers, FastAPI's body limit, telemetry and
exit stack, the router) that cost more CPU than checking the signature and storing the result.

This takes a POST to exactly `/hooks/builds/github/{source}` or `/hooks/builds/generic/{source}`
with no query string and a declared body length within the limits, and answers it with the
same functions as the routes (hooks.py), doing for it what the skipped layers do: the security
headers and the request metrics. An unexpected error goes on to the server error layer outside,
which answers 500 through the error mapper. Every other request goes on to the application,
untouched (the routes stay, for those and for the OpenAPI document).
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from dutydesk.alerts.intake import MAX_BODY_BYTES
from dutydesk.builds.hooks import GENERIC_PATH, GITHUB_PATH, answer_generic, answer_github
from dutydesk.http_headers import with_security_headers
from dutydesk.runtime import Runtime

_PREFIX = "/hooks/builds/"
_ANSWERS = {"github": (answer_github, GITHUB_PATH), "generic": (answer_generic, GENERIC_PATH)}
_JSON_HEADERS = with_security_headers([(b"content-type", b"application/json")])


class BuildHooksFastPath:
    """Answers the common build webhook request itself; passes everything else to `app`."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self._limit_bytes = min(runtime.settings.max_body_bytes, MAX_BODY_BYTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        taken = self._taken(scope)
        if taken is None:
            await self.app(scope, receive, send)
            return
        answer, template, source = taken
        started = time.perf_counter()
        status = 500
        try:
            body = await _body(receive, self._limit_bytes)
            application = scope["app"]
            status, content = await answer(application.state, source, Headers(scope=scope), body)
            encoded = _json(content)
            headers = [(b"content-length", b"%d" % len(encoded)), *_JSON_HEADERS]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": encoded})
        finally:
            metrics = getattr(scope["app"].state, "request_metrics", None)
            if metrics is not None:
                metrics.record(template, "POST", status, time.perf_counter() - started)

    def _taken(self, scope: Scope) -> tuple[Any, str, str] | None:
        """(the answering function, the route's template, the source) of a request this
        takes; None for any other."""
        path: str = scope.get("path", "") if scope["type"] == "http" else ""
        if (
            not path.startswith(_PREFIX)
            or scope["method"] != "POST"
            or scope.get("query_string")
            or scope.get("root_path")
        ):
            return None
        kind, _, source = path[len(_PREFIX) :].partition("/")
        if kind not in _ANSWERS or not source or "/" in source:
            return None
        length = -1
        for name, value in scope["headers"]:
            if name == b"content-length":
                if length >= 0 or not value.isdigit():
                    return None
                length = int(value)
            elif name == b"transfer-encoding":
                return None
        if not 0 <= length <= self._limit_bytes:
            return None
        answer, template = _ANSWERS[kind]
        return answer, template, source


async def _body(receive: Receive, limit_bytes: int) -> bytes:
    """The request's body (its declared length was within the limit; counted all the same)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit_bytes:
            raise ClientDisconnect()
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _json(content: dict[str, Any]) -> bytes:
    """The answer's JSON, as FastAPI's JSONResponse encodes it."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")
