"""The `/metrics` answer, from `dutydesk serve` (a route) and `dutydesk worker --metrics-port`
(a small HTTP server of its own): the token check and the text Prometheus reads."""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from dutydesk.errors import NotFound, Unauthorized
from dutydesk.http_errors import error_body
from dutydesk.settings import Settings

PATH = "/metrics"
# The classic text format, which every Prometheus reads; every name here is a classic one, so
# nothing needs the newer format's escaping.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
_TOKEN_NEEDED = "metrics: send the bearer token set in DUTYDESK_METRICS_TOKEN"

router = APIRouter()


def authorised(settings: Settings, authorization: str | None) -> bool:
    """Whether a request may read the metrics: always when no token is set, else only with
    `Authorization: Bearer <DUTYDESK_METRICS_TOKEN>` (compared in constant time)."""
    if settings.metrics_token is None:
        return True
    scheme, _, presented = (authorization or "").partition(" ")
    expected = settings.metrics_token.get_secret_value()
    # Compared even for a wrong scheme, so the answer takes the same time either way.
    matches = hmac.compare_digest(presented.strip().encode(), expected.encode())
    return scheme.lower() == "bearer" and matches


@router.get(PATH, include_in_schema=False)
def metrics(request: Request) -> Response:
    """The metrics in Prometheus' text format (docs/operations.md, Monitoring)."""
    settings: Settings = request.app.state.runtime.settings
    if not authorised(settings, request.headers.get("authorization")):
        raise Unauthorized(_TOKEN_NEEDED)
    registry: CollectorRegistry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # a scrape every few seconds is not news


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def wsgi_app(
    registry: CollectorRegistry, settings: Settings
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """`/metrics` alone, with the same token check and error shape as `dutydesk serve`."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return _error(start_response, "404 Not Found", NotFound("only /metrics is here"))
        if not authorised(settings, environ.get("HTTP_AUTHORIZATION")):
            return _error(start_response, "401 Unauthorized", Unauthorized(_TOKEN_NEEDED))
        start_response("200 OK", [("Content-Type", CONTENT_TYPE)])
        return [generate_latest(registry)]

    return app


def _error(
    start_response: StartResponse, status: str, error: NotFound | Unauthorized
) -> list[bytes]:
    headers = [("Content-Type", "application/json")]
    if isinstance(error, Unauthorized):
        headers.append(("WWW-Authenticate", "Bearer"))
    start_response(status, headers)
    return [json.dumps(error_body(error)).encode()]


def serve_in_background(
    registry: CollectorRegistry, settings: Settings, host: str, port: int
) -> WSGIServer:
    """Answer `/metrics` on host:port from a daemon thread; OSError if it cannot listen."""
    server = make_server(host, port, wsgi_app(registry, settings), _ThreadingServer, _QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="dutydesk-metrics", daemon=True)
    thread.start()
    return server
