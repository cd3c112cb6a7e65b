"""Webhook POSTs over kept-alive HTTP/1.1 connections, shared by a delivery cycle's threads.

The standard library's http.client rather than httpx: a small signed POST costs it about a
quarter of httpx's CPU time, and a worker's sending threads share one core (the GIL), so that
time is the worker's throughput (docs/adr/0012-webhooks-over-http-client.md). What httpx did
for webhooks is kept: connections are reused, certificates are checked against certifi's
bundle (or SSL_CERT_FILE / SSL_CERT_DIR), the proxy named by HTTP_PROXY / HTTPS_PROXY /
ALL_PROXY is used unless NO_PROXY excludes the host, credentials in a URL are sent as Basic
authentication, and redirects are not followed.
"""

from __future__ import annotations

import base64
import functools
import http.client
import os
import select
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit
from urllib.request import getproxies, proxy_bypass

import certifi

# An answer's body is read (so the connection can carry the next request) up to this size; a
# receiver that says more has its connection closed instead.
MAX_ANSWER_BYTES = 64 * 1024
# Characters a request target may hold as they are: the rest (spaces, non-ASCII) is
# percent-encoded, as httpx did. `%` stays, so what is already encoded is not encoded twice.
_TARGET_SAFE = "/?&=:;@!$'()*+,[]~%-._"


class ProxyNotSupported(Exception):
    """The environment names a proxy this client cannot use (only http:// proxies)."""


@dataclass(frozen=True)
class Answer:
    """What the receiver answered: its status and the Retry-After header, if any."""

    status: int
    retry_after: str | None


@dataclass(frozen=True)
class _Route:
    """How to reach one URL: where to connect, and the request to send there."""

    # Requests with the same key share connections: (scheme, host, port, proxy).
    key: tuple[str, str, int, str | None]
    address: tuple[str, int]  # the receiver's, or the proxy's
    target: str  # the path and query, or the whole URL for a proxy
    headers: Mapping[str, str]
    # Through a proxy to an https receiver: CONNECT to this host and port, with these headers.
    tunnel: tuple[str, int, Mapping[str, str]] | None


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate check for https webhooks; built once (loading the CAs takes ~30 ms)."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


def _basic(username: str | None, password: str | None) -> str:
    pair = f"{unquote(username or '')}:{unquote(password or '')}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


class Connections:
    """Kept-alive connections to webhook receivers, safe to use from several threads.

    A connection is taken for one request at a time and put back once its answer has been
    read whole, so a destination has at most as many connections as threads send to it at once.
    """

    def __init__(self, timeout_seconds: float, tls: ssl.SSLContext | None = None) -> None:
        self._timeout = timeout_seconds
        self._tls = tls  # the certificate check; by default tls_context()
        self._proxies = getproxies()
        self._idle: dict[tuple[str, str, int, str | None], list[http.client.HTTPConnection]] = {}
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        """POST `body` to `url`; raises OSError or http.client.HTTPException when no answer
        came, ProxyNotSupported when the environment's proxy cannot be used."""
        route = self._routes.get(url)
        if route is None:
            route = self._routes[url] = self._route(url)
        connection = self._take(route)
        try:
            connection.request("POST", route.target, body, {**headers, **route.headers})
            response = connection.getresponse()
            try:
                response.read(MAX_ANSWER_BYTES)
                answer = Answer(response.status, response.getheader("Retry-After"))
                # Read whole, and the receiver keeps the connection open: it can carry more.
                reusable = response.isclosed() and not response.will_close
            finally:
                response.close()
        except BaseException:
            connection.close()
            raise
        if reusable:
            with self._lock:
                self._idle.setdefault(route.key, []).append(connection)
        else:
            connection.close()
        return answer

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def _take(self, route: _Route) -> http.client.HTTPConnection:
        with self._lock:
            idle = self._idle.get(route.key)
            reused = idle.pop() if idle else None
        if reused is not None:
            if not _closed_by_peer(reused):
                return reused
            reused.close()
        connection: http.client.HTTPConnection
        if route.key[0] == "https":
            # Straight to the receiver, or through the proxy's tunnel: TLS with the receiver.
            connection = http.client.HTTPSConnection(
                *route.address, timeout=self._timeout, context=self._tls or tls_context()
            )
        else:
            connection = http.client.HTTPConnection(*route.address, timeout=self._timeout)
        if route.tunnel is not None:
            tunnel_host, tunnel_port, tunnel_headers = route.tunnel
            connection.set_tunnel(tunnel_host, tunnel_port, dict(tunnel_headers))
        return connection

    def _route(self, url: str) -> _Route:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        path = quote(parts.path or "/", safe=_TARGET_SAFE)
        target = path + (f"?{quote(parts.query, safe=_TARGET_SAFE)}" if parts.query else "")
        headers: dict[str, str] = {}
        if parts.username is not None or parts.password is not None:
            headers["Authorization"] = _basic(parts.username, parts.password)
        proxy = self._proxy_for(scheme, host, port)
        if proxy is None:
            return _Route((scheme, host, port, None), (host, port), target, headers, None)
        via = urlsplit(proxy)
        address = (via.hostname or "", via.port or 80)
        proxy_headers = {}
        if via.username is not None:
            proxy_headers["Proxy-Authorization"] = _basic(via.username, via.password)
        key = (scheme, host, port, proxy)
        if scheme == "https":
            # Through a CONNECT tunnel: the proxy learns where to, never what is sent.
            return _Route(key, address, target, headers, (host, port, proxy_headers))
        netloc = f"[{host}]" if ":" in host else host
        absolute = f"http://{netloc}:{port}{target}"
        return _Route(key, address, absolute, headers | proxy_headers, None)

    def _proxy_for(self, scheme: str, host: str, port: int) -> str | None:
        proxy = self._proxies.get(scheme) or self._proxies.get("all")
        if not proxy or proxy_bypass(f"{host}:{port}"):
            return None
        if "://" not in proxy:
            proxy = f"http://{proxy}"
        if not proxy.startswith("http://"):
            shown = proxy.split("://", 1)[0]
            raise ProxyNotSupported(f"the {scheme} proxy is {shown}://, only http:// is supported")
        return proxy


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """Whether an idle kept-alive connection was closed by the receiver meanwhile (it is then
    readable: the end of the stream), so a request is not lost on it."""
    sock = connection.sock
    if sock is None:
        return False
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)
