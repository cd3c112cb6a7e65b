"""A cap on request bodies (DUTYDESK_MAX_BODY_BYTES), enforced before any route reads one.

A body that declares a larger Content-Length is refused before a byte of it is read; a body
sent without one (chunked) is counted as it arrives, and reading stops at the cap. Either way
the answer is 413, in the JSON error shape for programs and as a page for browsers.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """The request's body is over the cap. An HTTPException, so that FastAPI's body reading
    passes it on unchanged and the error mapper answers it (http_errors.py)."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(413, f"the body is larger than {size_text(limit_bytes)}")


def size_text(limit_bytes: int) -> str:
    """1048576 -> '1 MiB', 524288 -> '512 KiB', 1000 -> '1000 bytes'."""
    for unit, size in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit_bytes >= size and limit_bytes % size == 0:
            return f"{limit_bytes // size} {unit}"
    return f"{limit_bytes} bytes"


class LimitRequestBody:
    """Refuses bodies over `limit_bytes`: from Content-Length at once (answered by `refuse`,
    the error mapper's answer to BodyTooLarge), or while reading (by raising BodyTooLarge)."""

    def __init__(
        self,
        app: ASGIApp,
        limit_bytes: int,
        refuse: Callable[[Request, BodyTooLarge], Response],
    ) -> None:
        self.app = app
        self.limit_bytes = limit_bytes
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit_bytes:
            refusal = self.refuse(Request(scope), BodyTooLarge(self.limit_bytes))
            await refusal(scope, receive, send)
            return
        if declared is not None:
            # The server delivers no more than Content-Length: nothing to count (the Events API
            # is a hot path, and this keeps its cost to one header lookup).
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit_bytes:
                    raise BodyTooLarge(self.limit_bytes)
            return message

        await self.app(scope, counted_receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared length, or None when there is none to trust (absent, or chunked too)."""
    length = None
    for name, value in scope["headers"]:
        if name == b"transfer-encoding":
            return None
        if name == b"content-length" and value.isdigit():
            length = int(value)
    return length
