"""The public site's files, made from the public page document alone: its HTML pages,
Statuspage's v2 JSON, the feeds and the stylesheet.

Every link between the site's pages is relative, so the same HTML serves under /status/, at the
root of DUTYDESK_STATUS_HOST and from any static host (`dutydesk status export`). A page of the
live site links to the subscribe form beside it; a static copy links to the live service's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from dutydesk.statuspage import feeds, shapes
from dutydesk.statuspage.levels import IMPACT_NAMES, STATE_NAMES, STATUS_NAMES
from dutydesk.statuspage.public import PublicComponent, PublicIncident, PublicPage
from dutydesk.timeparse import parse_zone
from dutydesk.web.templating import render_template

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
# The days of history the front page lists under "Past incidents"; the rest is on history/.
FRONT_HISTORY_DAYS = 14
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class SiteFile:
    """One file of the site: its bytes and their media type."""

    body: bytes
    media_type: str


@dataclass(frozen=True)
class Renderer:
    """Makes the site's files for one page document.

    `public_url`: the site's root (links in feeds and JSON); `subscribe_url`: where the
    subscribe links go (relative on the live site, the live service's for a static copy).
    """

    page: PublicPage
    public_url: str
    subscribe_url: str = "subscribe/"

    # --- paths of the site, relative to its root -----------------------------------------

    def paths(self) -> list[str]:
        """Every path the site has (for a static copy), incident pages included."""
        fixed = [
            "",
            "history/",
            "status.css",
            "history.atom",
            "history.rss",
            "maintenance.ics",
            *(f"api/v2/{name}" for name in JSON_FILES),
        ]
        return fixed + [f"incidents/{i.id}/" for i in self._every_incident()]

    def file(self, path: str) -> SiteFile | None:
        """The file at `path` (relative to the root, "" for the front page); None: none."""
        if path.startswith("incidents/") and path.endswith("/"):
            found = self.page.incident(path[len("incidents/") : -1])
            return None if found is None else self._html(self.incident_html(found))
        made = _FIXED.get(path)
        return None if made is None else made(self)

    # --- HTML ------------------------------------------------------------------------------

    def front_html(self) -> str:
        """The front page: the overall status, open incidents, maintenance, components with
        their uptime bars, and the past fortnight."""
        zone = self.zone
        recent_since = self.page.built_at - timedelta(days=FRONT_HISTORY_DAYS)
        recent = [h for h in self.page.history if (h.resolved_at or h.updated_at) >= recent_since]
        return render_template(
            "status/front.html",
            {
                **self.common(root=""),
                "incidents": self.page.incidents,
                "maintenances": self.page.maintenances,
                "groups": self._grouped(),
                "past_days": _by_day(recent, zone),
            },
        )

    def incident_html(self, incident: PublicIncident) -> str:
        """One incident or maintenance with every update."""
        names = [c.name for c in (self.page.component(i) for i in incident.components) if c]
        return render_template(
            "status/incident.html",
            {**self.common(root="../../"), "incident": incident, "component_names": names},
        )

    def history_html(self) -> str:
        """Incidents and maintenance of the last 90 days, by day."""
        return render_template(
            "status/history.html",
            {**self.common(root="../"), "past_days": _by_day(self.page.history, self.zone)},
        )

    # --- JSON, feeds, stylesheet -----------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """v2's summary.json."""
        return shapes.summary_json(self.page, self.public_url)

    def json_file(self, name: str) -> SiteFile:
        """One of v2's JSON files, by name."""
        page, url = self.page, self.public_url
        head = {"page": shapes.page_json(page, url)}
        bodies: dict[str, Callable[[], dict[str, Any]]] = {
            "summary.json": self.summary,
            "status.json": lambda: {**head, "status": shapes.status_json(page)},
            "components.json": lambda: {
                **head,
                "components": [shapes.component_json(c, page.id) for c in page.components],
            },
            "incidents.json": lambda: {
                **head,
                "incidents": [
                    shapes.incident_json(i, page, url)
                    for i in (*page.incidents, *(h for h in page.history if h.kind == "incident"))
                ],
            },
            "incidents/unresolved.json": lambda: {
                **head,
                "incidents": [shapes.incident_json(i, page, url) for i in page.incidents],
            },
            "scheduled-maintenances.json": lambda: {
                **head,
                "scheduled_maintenances": [
                    shapes.incident_json(m, page, url)
                    for m in (
                        *page.maintenances,
                        *(h for h in page.history if h.kind == "maintenance"),
                    )
                ],
            },
            "scheduled-maintenances/upcoming.json": lambda: {
                **head,
                "scheduled_maintenances": [
                    shapes.incident_json(m, page, url)
                    for m in page.maintenances
                    if m.status == "scheduled"
                ],
            },
            "scheduled-maintenances/active.json": lambda: {
                **head,
                "scheduled_maintenances": [
                    shapes.incident_json(m, page, url)
                    for m in page.maintenances
                    if m.status in ("in_progress", "verifying")
                ],
            },
        }
        body = json.dumps(bodies[name](), separators=(",", ":"), ensure_ascii=False)
        return SiteFile(body.encode(), JSON_TYPE)

    @property
    def zone(self) -> ZoneInfo:
        """The page's time zone, in which every time is shown."""
        return parse_zone(self.page.time_zone)

    def _html(self, text: str) -> SiteFile:
        return SiteFile(text.encode(), HTML_TYPE)

    def common(self, *, root: str) -> dict[str, Any]:
        """What every page's layout needs, its links relative to `root`."""
        return {
            "page": self.page,
            "root": root,
            "subscribe_href": (
                self.subscribe_url if "://" in self.subscribe_url else f"{root}{self.subscribe_url}"
            ),
            "when": self._when,
            "state_names": STATE_NAMES,
            "status_names": STATUS_NAMES,
            "impact_names": IMPACT_NAMES,
            "percent": _percent,
        }

    def _when(self, instant: datetime | None) -> str:
        """'3 Dec 2026, 14:05 GMT' in the page's zone."""
        if instant is None:
            return ""
        local = instant.astimezone(self.zone)
        return (
            f"{local.day} {_MONTHS[local.month - 1]} {local.year}, "
            f"{local.hour:02d}:{local.minute:02d} {local.tzname()}"
        )

    def _grouped(self) -> list[tuple[PublicComponent | None, list[PublicComponent]]]:
        """Top-level components and groups in page order, each group with its components;
        a component shown only when degraded is left out while it is operational."""
        shown = [
            c
            for c in self.page.components
            if c.showcase and not (c.only_show_if_degraded and c.status == "operational")
        ]
        found: list[tuple[PublicComponent | None, list[PublicComponent]]] = []
        for component in shown:
            if component.is_group:
                members = [c for c in shown if c.group_id == component.id]
                if members:
                    found.append((component, members))
            elif component.group_id is None or self.page.component(component.group_id) is None:
                found.append((None, [component]))
        return found

    def _every_incident(self) -> list[PublicIncident]:
        seen: dict[str, PublicIncident] = {}
        for incident in (*self.page.incidents, *self.page.maintenances, *self.page.history):
            seen.setdefault(incident.id, incident)
        return list(seen.values())


def _by_day(
    incidents: tuple[PublicIncident, ...] | list[PublicIncident], zone: ZoneInfo
) -> list[tuple[str, list[PublicIncident]]]:
    """Closed incidents by the local day they ended, newest first."""
    days: dict[str, list[PublicIncident]] = {}
    for incident in incidents:
        ended = (incident.resolved_at or incident.updated_at).astimezone(zone)
        label = f"{ended.day} {_MONTHS[ended.month - 1]} {ended.year}"
        days.setdefault(label, []).append(incident)
    return list(days.items())


def _percent(fraction: float | None) -> str:
    """An uptime as people read it: '99.95%' (never rounded up to 100 when short of it)."""
    if fraction is None:
        return "no data"
    hundredths = int(fraction * 10_000)
    return f"{hundredths / 100:.2f}%"


def _stylesheet(_renderer: Renderer) -> SiteFile:
    text = resources.files("dutydesk").joinpath("static/status.css").read_bytes()
    return SiteFile(text, "text/css; charset=utf-8")


JSON_FILES = (
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
)
_FIXED: dict[str, Callable[[Renderer], SiteFile]] = {
    "": lambda r: r._html(r.front_html()),
    "history/": lambda r: r._html(r.history_html()),
    "status.css": _stylesheet,
    "history.atom": lambda r: SiteFile(
        feeds.atom_feed(r.page, base_url=r.public_url), "application/atom+xml; charset=utf-8"
    ),
    "history.rss": lambda r: SiteFile(
        feeds.rss_feed(r.page, base_url=r.public_url), "application/rss+xml; charset=utf-8"
    ),
    "maintenance.ics": lambda r: SiteFile(
        feeds.maintenance_calendar(r.page, base_url=r.public_url), "text/calendar; charset=utf-8"
    ),
}
for _name in JSON_FILES:
    _FIXED[f"api/v2/{_name}"] = partial(Renderer.json_file, name=_name)
