"""The access log of `dutydesk serve`: a line for each HTTP request, in uvicorn's format, with
the secrets a URL may carry redacted (logs.py).

`dutydesk serve` writes it here instead of through uvicorn's access logger. Through the logging
module a line cost about a sixth of the CPU the Events API spends on an event: a log record, a
copy of it for each formatter, the redaction filter run twice over each of the line's parts,
and a flush (a system call) for every line. Here a line is one f-string, redacted once (and only
when it could hold a secret at all), and the lines written during one turn of the event loop
leave in one write, at the end of that turn: a line still reaches the log as soon as its
request is answered, but a busy server does not pay a system call for each.

The line is uvicorn's, colours included when the log is a terminal:
`INFO:     127.0.0.1:50012 - "POST /v2/enqueue HTTP/1.1" 202 Accepted`.
"""

from __future__ import annotations

import asyncio
import http
import sys
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dutydesk.logs import redact

_RESET = "\033[0m"
# uvicorn's colours: the level name green, the request line bold, the status by its class.
_STATUS_COLOURS = {1: "\033[97m", 2: "\033[32m", 3: "\033[33m", 4: "\033[31m", 5: "\033[91m"}
_LEVEL_PREFIX = "INFO:    "
_COLOURED_LEVEL_PREFIX = f"\033[32mINFO{_RESET}:    "


class AccessLog:
    """Writes one access-log line per HTTP request to `stream` (stdout unless given), with the
    status the application answered (500 if it failed before answering)."""

    def __init__(
        self, app: ASGIApp, stream: TextIO | None = None, *, colours: bool | None = None
    ) -> None:
        self.app = app
        self._stream = stream if stream is not None else sys.stdout
        self._colours = self._stream.isatty() if colours is None else colours
        self._prefix = _COLOURED_LEVEL_PREFIX if self._colours else _LEVEL_PREFIX
        self._statuses: dict[int, str] = {}
        self._lines: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def send_and_log(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                self.write(scope, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_log)
        except BaseException:
            if not answered:  # the server answers 500 in the application's stead
                self.write(scope, 500)
            raise

    def write(self, scope: Scope, status: int) -> None:
        """Log the request in `scope` as answered with `status` (written at the loop's turn)."""
        client = scope.get("client")
        where = f"{client[0]}:{client[1]}" if client else ""
        request_line = f"{scope['method']} {_target(scope)} HTTP/{scope['http_version']}"
        if self._colours:
            request_line = f"\033[1m{request_line}{_RESET}"
        self._lines.append(f'{self._prefix} {where} - "{request_line}" {self._status(status)}\n')
        if len(self._lines) == 1:
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Write out the lines logged so far."""
        lines, self._lines = self._lines, []
        try:
            self._stream.write("".join(lines))
            self._stream.flush()
        except (OSError, ValueError):  # the log went away (a closed pipe): serving goes on
            pass

    def _status(self, status: int) -> str:
        text = self._statuses.get(status)
        if text is None:
            try:
                phrase = http.HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            text = f"{status} {phrase}"
            if self._colours and status // 100 in _STATUS_COLOURS:
                text = f"{_STATUS_COLOURS[status // 100]}{text}{_RESET}"
            if len(self._statuses) < 1000:  # status codes a client cannot choose: few
                self._statuses[status] = text
        return text


def _target(scope: Scope) -> str:
    """The path and query as the client sent them, redacted; quotes escaped as uvicorn does."""
    target: str = scope["raw_path"].decode("latin-1") if scope.get("raw_path") else scope["path"]
    if scope.get("query_string"):
        target = f"{target}?{scope['query_string'].decode('ascii', 'replace')}"
    return redact(target.replace('"', "%22"))
