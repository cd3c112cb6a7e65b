"""The public site in front of the framework: the status host's paths, and the site's files
answered straight from memory.

A request whose Host is DUTYDESK_STATUS_HOST is taken as the same path under /status/, so that
host's root is the public status page and nothing of the team's own pages or API can be reached
through it.

A plain GET of one of the site's files (a page, the JSON, a feed) is answered here from the
snapshot in memory (serving.py) with what the middleware would have added (the security
headers, the request's metrics): through the whole stack, the framework's layers cost three
times what finding the bytes does, and the status page is what everyone reloads in an outage.
Anything else (a query string, another method, the subscribe pages, a path the site does not
have, a site not yet readable) goes on to the application untouched.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from dutydesk.http_headers import with_security_headers
from dutydesk.runtime import Runtime
from dutydesk.statuspage.serving import site_of
from dutydesk.statuspage.site import PUBLIC_PREFIX

ROUTE = f"{PUBLIC_PREFIX}/{{path:path}}"
_PREFIX = PUBLIC_PREFIX + "/"
_DYNAMIC = PUBLIC_PREFIX + "/subscribe"


class StatusSite:
    """Maps the status host onto /status/ and answers the site's files; passes the rest on."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.host = runtime.settings.status_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.host and host_of(scope) == self.host:
            path = PUBLIC_PREFIX + scope["path"]
            scope = {**scope, "path": path, "raw_path": path.encode()}
        path = scope["path"]
        if (
            scope["method"] == "GET"
            and path.startswith(_PREFIX)
            and not path.startswith(_DYNAMIC)
            and not scope.get("query_string")
            and not scope.get("root_path")
            and await self._answered(scope, send, path[len(_PREFIX) :])
        ):
            return
        await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, send: Send, path: str) -> bool:
        started = time.perf_counter()
        application: Any = scope.get("app")
        if application is None:
            return False
        try:
            found = site_of(application).file(path)
        except Exception:
            # The application answers it, and maps whatever fails there as it always does.
            return False
        if found is None:
            return False
        headers = with_security_headers(
            [
                (b"content-type", found.media_type.encode()),
                (b"content-length", str(len(found.body)).encode()),
            ]
        )
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": found.body})
        metrics = getattr(application.state, "request_metrics", None)
        if metrics is not None:
            metrics.record(ROUTE, "GET", 200, time.perf_counter() - started)
        return True


def host_of(scope: Scope) -> str:
    """The request's host name, without its port, in lower case."""
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host: str = bytes(value).decode("latin-1").strip().lower()
            if host.startswith("["):  # an IPv6 literal: [::1]:8000
                return host.partition("]")[0] + "]"
            return host.partition(":")[0].rstrip(".")
    return ""
