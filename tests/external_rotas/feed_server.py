"""A real HTTP server in a thread that serves external rotas' feeds the way a test scripts it:
each path answered by a function of the request (an answer, a redirect, a body without end, an
answer held until the test lets it go). It binds 127.0.0.1 on `free_port()`, over TLS if given.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.loopback import free_port

FEEDS = Path(__file__).parent.parent / "rotas" / "feeds"
# How long a held answer waits for the test at most (it is let go at the fixture's end).
HOLD_SECONDS = 30.0
# A body without end stops here even if the client never leaves.
ENDLESS_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Seen:
    """A request the server received: its path (with query) and headers (names lower case)."""

    path: str
    headers: dict[str, str]


Route = Callable[[BaseHTTPRequestHandler], None]


class FeedServer:
    """An HTTP server whose paths (without query) are answered by `routes`; 404 otherwise."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.release = threading.Event()  # lets held answers go
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = owner.routes.get(self.path.split("?", 1)[0], answer(404, b"not here"))
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client left, as it should have

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The URL of `path` on this server, by `host` (127.0.0.1 or localhost)."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    def paths_seen(self) -> list[str]:
        return [seen.path for seen in self.seen]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def feed_server(tls: ssl.SSLContext | None = None) -> Iterator[FeedServer]:
    """A started FeedServer, stopped (and its held answers let go) afterwards."""
    server = FeedServer(tls).start()
    try:
        yield server
    finally:
        server.stop()


def answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    """Answer `status` with `body` (Content-Length set) and `headers`."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return answer(status, b"", {"Location": location})


def calendar_answer(body: bytes, headers: dict[str, str] | None = None) -> Route:
    return answer(200, body, {"Content-Type": "text/calendar; charset=utf-8", **(headers or {})})


def endless_chunks(first: bytes) -> Route:
    """A chunked body that starts with `first` and goes on until the client leaves."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/calendar")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        padding = b"X-FILLER:" + b"x" * (64 * 1024 - 11) + b"\r\n"
        for chunk in [first] + [padding] * (ENDLESS_BYTES // len(padding)):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")

    return route


def declared_but_held(length: int, first: bytes, release: threading.Event) -> Route:
    """Say Content-Length `length`, send `first`, then wait for the test: a client that reads
    the body would wait too."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/calendar")
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.write(first)
        handler.wfile.flush()
        release.wait(HOLD_SECONDS)
        handler.close_connection = True

    return route


def held(release: threading.Event) -> Route:
    """Answer nothing until the test lets go (a server that never answers in time)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        release.wait(HOLD_SECONDS)
        handler.close_connection = True

    return route


def cut_short(length: int, sent: bytes) -> Route:
    """Say Content-Length `length`, send only `sent`, and close the connection."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/calendar")
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.write(sent)
        handler.close_connection = True

    return route
