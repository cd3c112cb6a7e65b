"""Real local servers for notification tests: an SMTP server (aiosmtpd), a Slack Web API
stand-in that the real slack_sdk client talks to, and a webhook receiver that checks signatures.

Tests wait for them with `wait_for(n)` (a condition with a deadline), never by sleeping.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from dutydesk.notify.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_signature
from dutydesk.runtime import Runtime as RuntimeType
from dutydesk.settings import Settings

WAIT_SECONDS = 30.0


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Reply:
    """What a fake HTTP server answers: status, headers, JSON body."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    """A request a fake HTTP server received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def params(self) -> dict[str, Any]:
        """The body as JSON or form fields (slack_sdk sends either, depending on the method)."""
        if self.headers.get("content-type", "").startswith("application/json"):
            data: dict[str, Any] = json.loads(self.body)
            return data
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class _BackloggedHTTPServer(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5; two workers open dozens of connections at once,
    # and connections beyond the backlog are reset, as no real receiver would do.
    request_queue_size = 128


class RecordingServer:
    """An HTTP server in a thread that records requests and answers from a script."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.script: list[Reply] = []  # answered in order, then the default
        self.default = Reply()
        self.delay_seconds = 0.0  # how long each answer takes (a slow receiver)
        self._changed = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = Request(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                reply = owner.record(request)
                if owner.delay_seconds:
                    threading.Event().wait(owner.delay_seconds)
                body = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _BackloggedHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def record(self, request: Request) -> Reply:
        """Keep the request; the reply is the next scripted one, or the default."""
        with self._changed:
            self.requests.append(request)
            reply = self.script.pop(0) if self.script else self.default
            self._changed.notify_all()
            return reply

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS) -> bool:
        """Wait until at least `count` requests came in; False if the deadline passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.requests) >= count, timeout)

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    """A started RecordingServer, stopped afterwards."""
    server = RecordingServer().start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Webhook:
    """A webhook a receiver accepted: its idempotency key, JSON body, and signature verdict."""

    key: str
    body: Any
    signature_ok: bool


def webhooks(server: RecordingServer, secret_for: Callable[[str], str], now: int) -> list[Webhook]:
    """The requests a RecordingServer got, checked as webhooks against `secret_for(url)`."""
    checked = []
    for request in list(server.requests):
        secret = secret_for(server.url + request.path)
        ok = verify_signature(
            secret,
            request.headers.get(SIGNATURE_HEADER.lower(), ""),
            request.body,
            now=now,
        )
        checked.append(
            Webhook(request.headers[IDEMPOTENCY_HEADER.lower()], json.loads(request.body), ok)
        )
    return checked


class _Mailbox:
    """The aiosmtpd handler: keeps each message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []
        self.logins: list[str] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        with self._changed:
            self.messages.append(message_from_bytes(content))
            self.recipients.append(list(envelope.rcpt_tos))
            self._changed.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.messages) >= count, timeout)


class SmtpServer:
    """A real SMTP server on a fixed local port, which tests can stop and start again."""

    def __init__(self, *, username: str | None = None, password: str | None = None) -> None:
        self.port = free_port()
        self.mailbox = _Mailbox()
        self.username = username
        self.password = password
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        credentials = f"{self.username}:{self.password}@" if self.username else ""
        return f"smtp://{credentials}127.0.0.1:{self.port}"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (
            data.login.decode(),
            data.password.decode(),
        ) == (self.username, self.password)
        if ok:
            self.mailbox.logins.append(data.login.decode())
        return AuthResult(success=ok)

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.username is not None:
            kwargs = {
                "authenticator": self._authenticate,
                "auth_require_tls": False,
            }
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def reconfigure(runtime: RuntimeType, **changes: Any) -> RuntimeType:
    """The runtime with some settings changed (validated, as if from the environment)."""
    runtime.settings = Settings(**{**runtime.settings.model_dump(), **changes})
    return runtime
