"""Security headers on every answer: pages, error pages, JSON, feeds and files alike.

A plain ASGI middleware that adds headers to the response's start message, so it costs the
Events API a few list operations per request (Starlette's `@app.middleware("http")` would run
each request through a task group and memory streams).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages: only our own stylesheet and script; no framing (clickjacking), no sniffing.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self';"
    " base-uri 'none'"
)
# Anything else (JSON, calendars, files) is never a document: it may load nothing at all.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
_NO_STORE = (b"cache-control", b"no-store")
# The package's stylesheets, scripts and Swagger UI may be cached; nothing else holds still.
_CACHEABLE_PREFIX = "/static/"


class SecurityHeaders:
    """Adds nosniff, a Content-Security-Policy, a referrer policy and (except for static
    files) `Cache-Control: no-store` to every HTTP answer that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(_CACHEABLE_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(
                    list(message.get("headers", ())), cacheable=cacheable
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(
    headers: list[tuple[bytes, bytes]], *, cacheable: bool = False
) -> list[tuple[bytes, bytes]]:
    """The raw headers of an answer with the security headers it lacks added."""
    present = {name.lower() for name, _ in headers}
    content_type = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    policy = PAGE_POLICY if content_type.startswith(b"text/html") else OTHER_POLICY
    wanted = [*_ALWAYS, (b"content-security-policy", policy.encode())]
    if not cacheable:
        wanted.append(_NO_STORE)
    headers.extend(header for header in wanted if header[0] not in present)
    return headers


def secure(response: Response) -> Response:
    """A response with the security headers, for answers sent outside the middleware (the
    last-resort 500 handler runs outside every middleware Starlette lets an app add)."""
    response.raw_headers = with_security_headers(list(response.raw_headers))
    return response
