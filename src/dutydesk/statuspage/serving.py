"""Serving the public site from the snapshot, whatever the database is doing.

Each process keeps the newest page document it has (snapshot.latest) and the files rendered
from it, each made once per version. A request is answered from memory: it never waits for the
database, except the very first in a process, which reads the stored snapshot. A transaction in
this process that changes the page hands the new document over as it commits; changes made by
other processes (another replica, the worker, a command) are picked up by a background read of
the stored version at most every REFRESH_SECONDS, which a request starts and does not wait for.
If that read fails or hangs (the database down, a lock held), the page last seen goes on being
served.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.statuspage import snapshot
from dutydesk.statuspage.public import PublicPage
from dutydesk.statuspage.render import Renderer, SiteFile
from dutydesk.statuspage.site import Site

log = logging.getLogger(__name__)
REFRESH_SECONDS = 1.0


@dataclass
class _Rendered:
    """One version of the page and the files made from it so far."""

    version: int
    renderer: Renderer
    files: dict[str, SiteFile | None] = field(default_factory=dict)


class PublicSite:
    """The public site of one application (one runtime, one database)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._key = runtime.engine.url.render_as_string(hide_password=True)
        self._public_url = Site.of(runtime).public_url
        self._rendered: _Rendered | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._checking = False

    def file(self, path: str) -> SiteFile | None:
        """The site's file at `path` (relative to its root); None when it has none."""
        rendered = self._current()
        if path not in rendered.files:
            rendered.files[path] = rendered.renderer.file(path)
        return rendered.files[path]

    def page(self) -> PublicPage:
        """The page document being served."""
        return self._current().renderer.page

    def renderer(self) -> Renderer:
        """What makes the files of the page being served."""
        return self._current().renderer

    def _current(self) -> _Rendered:
        held = snapshot.latest.get(self._key) if self._rendered is not None else None
        if held is None:
            # The first request of this site reads what is stored: a page kept by the process
            # for the same address may be of a database since restored.
            held = self._read_stored()
        else:
            self._refresh_in_background()
        rendered = self._rendered
        if rendered is None or rendered.renderer.page is not held[1]:
            with self._lock:
                rendered = self._rendered
                if rendered is None or rendered.renderer.page is not held[1]:
                    rendered = _Rendered(held[0], Renderer(held[1], self._public_url))
                    self._rendered = rendered
        return rendered

    def _read_stored(self) -> tuple[int, PublicPage]:
        """The stored snapshot (or, before the first change, the page built now, unstored)."""
        with unit_of_work(self._runtime.read_sessions) as session:
            found = snapshot.stored(session)
            if found is None:
                found = (0, snapshot.build(session, self._runtime.clock.now()))
        snapshot.latest.offer(self._key, *found)
        self._checked_at = time.monotonic()
        return found

    def _refresh_in_background(self) -> None:
        if self._checking or time.monotonic() - self._checked_at < REFRESH_SECONDS:
            return
        with self._lock:
            if self._checking:
                return
            self._checking = True
        self._runtime.in_background(self._refresh, "status-page-refresh")

    def _refresh(self) -> None:
        try:
            held = snapshot.latest.get(self._key)
            seen = held[0] if held is not None else None
            with unit_of_work(self._runtime.read_sessions) as session:
                version = snapshot.stored_version(session)
                if version is not None and version != seen:
                    found = snapshot.stored(session)
                    if found is not None:
                        snapshot.latest.replace(self._key, seen, *found)
        except Exception:
            # The page last seen goes on being served; the next request tries again.
            log.warning("could not read the status page's snapshot", exc_info=True)
        finally:
            self._checked_at = time.monotonic()
            self._checking = False


def site_of(application: Any) -> PublicSite:
    """The public site of a web application (made on its first use)."""
    state = application.state
    site: PublicSite | None = getattr(state, "public_status_site", None)
    if site is None:
        site = PublicSite(state.runtime)
        state.public_status_site = site
    return site
