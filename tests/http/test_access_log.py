"""The access log `dutydesk serve` writes: uvicorn's lines, secrets redacted, one write a turn."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter

from dutydesk.access_log import AccessLog


def answering(status: int) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


async def failing(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("broken")


def request(path: str, query: bytes = b"", method: str = "POST") -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "http_version": "1.1",
        "client": ("127.0.0.1", 50012),
        "headers": [],
    }


def served(log: AccessLog, *scopes: dict[str, Any]) -> None:
    """Each request through the access log, then one more turn of the loop (the flush)."""

    async def nothing() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def discard(message: Any) -> None:
        return None

    async def serve_all() -> None:
        for scope in scopes:
            with contextlib.suppress(RuntimeError):  # the failing app's error, logged
                await log(scope, nothing, discard)
        await asyncio.sleep(0)

    asyncio.run(serve_all())


def uvicorns_line(scope: dict[str, Any], status: int, *, colours: bool) -> str:
    """The line uvicorn's own access logger writes for this request."""
    formatter = AccessFormatter(LOGGING_CONFIG["formatters"]["access"]["fmt"], use_colors=colours)
    target = scope["raw_path"].decode()
    if scope["query_string"]:
        target += "?" + scope["query_string"].decode()
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:50012", scope["method"], target, "1.1", status),
        None,
    )
    return formatter.format(record)


@pytest.mark.parametrize("colours", [False, True])
@pytest.mark.parametrize("status", [202, 303, 404, 500, 299])
def test_each_line_is_the_one_uvicorn_writes(status, colours):
    stream = io.StringIO()
    scope = request("/api/v1/alerts", b"status=triggered", method="GET")
    served(AccessLog(answering(status), stream, colours=colours), scope)
    assert stream.getvalue() == uvicorns_line(scope, status, colours=colours) + "\n"


def test_secrets_in_the_path_and_query_are_redacted():
    stream = io.StringIO()
    log = AccessLog(answering(202), stream, colours=False)
    served(
        log,
        request("/hooks/generic/0123456789abcdef0123456789abcdef"),
        request("/v2/enqueue", b"routing_key=0123456789abcdef0123456789abcdef"),
        request("/api/v1/oncall", b"at=2026-01-14&token=ddk_abcdefghijkl", method="GET"),
    )
    assert stream.getvalue().splitlines() == [
        'INFO:     127.0.0.1:50012 - "POST /hooks/generic/… HTTP/1.1" 202 Accepted',
        'INFO:     127.0.0.1:50012 - "POST /v2/enqueue?routing_key=… HTTP/1.1" 202 Accepted',
        'INFO:     127.0.0.1:50012 - "GET /api/v1/oncall?at=2026-01-14&token=… HTTP/1.1"'
        " 202 Accepted",
    ]


def test_a_request_that_fails_before_an_answer_is_logged_as_the_500_the_server_sends():
    stream = io.StringIO()
    served(AccessLog(failing, stream, colours=False), request("/v2/enqueue"))
    assert stream.getvalue().endswith('"POST /v2/enqueue HTTP/1.1" 500 Internal Server Error\n')


def test_the_lines_of_one_turn_of_the_loop_are_written_together():
    class CountingWrites(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            self.writes += 1
            return super().write(text)

    stream = CountingWrites()
    log = AccessLog(answering(202), stream, colours=False)

    async def three_at_once() -> None:
        async def nothing() -> dict[str, Any]:
            return {"type": "http.disconnect"}

        async def discard(message: Any) -> None:
            return None

        await asyncio.gather(*(log(request(f"/v2/{n}"), nothing, discard) for n in range(3)))
        await asyncio.sleep(0)

    asyncio.run(three_at_once())
    assert len(stream.getvalue().splitlines()) == 3
    assert stream.writes == 1
