"""Real local servers for notification tests: an SMTP server (aiosmtpd), a Slack Web API
stand-in that the real slack_sdk client talks to, a webhook receiver that checks signatures
(over plain HTTP or TLS), and a forward HTTP proxy.

Tests wait for them with `wait_for(n)` (a condition with a deadline), never by sleeping.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from bench.loopback import free_port

from dutydesk.notify.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_signature
from dutydesk.runtime import Runtime as RuntimeType

WAIT_SECONDS = 30.0


@dataclass
class Reply:
    """What a fake HTTP server answers: status, headers, JSON body."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection after answering without saying so (as a receiver does with a
    # kept-alive connection it has let sit idle too long).
    hang_up: bool = False


@dataclass
class Request:
    """A request a fake HTTP server received."""

    path: str
    headers: dict[str, str]
    body: bytes
    # The sender's address and port: requests with the same one came on the same connection.
    peer: tuple[str, int] = ("", 0)

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

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Request] = []
        self.script: list[Reply] = []  # answered in order, then the default
        self.default = Reply()
        self.delay_seconds = 0.0  # how long each answer takes (a slow receiver)
        self.hung_up = 0  # connections this server has closed
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
                    self.client_address[:2],
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
                self.close_connection = self.close_connection or reply.hang_up

            def finish(self) -> None:
                super().finish()
                # Closed here rather than after this returns, so `hung_up` counts closed ones.
                self.connection.close()
                with owner._changed:
                    owner.hung_up += 1
                    owner._changed.notify_all()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _BackloggedHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

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

    def wait_for_hang_ups(self, count: int, timeout: float = WAIT_SECONDS) -> bool:
        """Wait until this server has closed at least `count` connections."""
        with self._changed:
            return self._changed.wait_for(lambda: self.hung_up >= count, timeout)

    def connections(self) -> set[tuple[str, int]]:
        """The connections the requests so far came on."""
        return {request.peer for request in list(self.requests)}

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def recording_server(tls: ssl.SSLContext | None = None) -> Iterator[RecordingServer]:
    """A started RecordingServer (over TLS with `tls`), stopped afterwards."""
    server = RecordingServer(tls).start()
    try:
        yield server
    finally:
        server.stop()


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key, made by openssl."""
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-days", "2",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(key), "-out", str(certificate),
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


class ForwardProxy:
    """A forward HTTP proxy: plain requests (absolute URLs) are passed on and answered, CONNECT
    opens a tunnel. It notes each request line and Proxy-Authorization header it gets."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                owner.seen.append((self.requestline, self.headers.get("Proxy-Authorization")))
                target = urlsplit(self.path)
                upstream = http.client.HTTPConnection(
                    target.hostname or "", target.port, timeout=10
                )
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() != "proxy-authorization"
                }
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path = target.path + (f"?{target.query}" if target.query else "")
                upstream.request("POST", path, body, headers)
                answer = upstream.getresponse()
                content = answer.read()
                upstream.close()
                self.send_response(answer.status)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def do_CONNECT(self) -> None:
                owner.seen.append((self.requestline, self.headers.get("Proxy-Authorization")))
                host, port = self.path.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=10)
                self.send_response(200, "Connection established")
                self.end_headers()
                self.wfile.flush()
                ends = [self.connection, upstream]
                while True:
                    readable, _, _ = select.select(ends, [], [], 10)
                    if not readable:
                        break
                    data = readable[0].recv(65536)
                    if not data:
                        break
                    (upstream if readable[0] is self.connection else self.connection).sendall(data)
                upstream.close()
                self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _BackloggedHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


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
    runtime.settings = runtime.settings.replaced(**changes)
    return runtime
