"""The page, components and incidents in Statuspage's JSON shapes: its public API v2
(summary.json and the rest) and its management API v1 answer with these field names and
values, so clients written for Statuspage read Dutydesk's unchanged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dutydesk.statuspage.public import PublicComponent, PublicIncident, PublicPage, PublicUpdate


def when(instant: datetime | None) -> str | None:
    """A time as Statuspage writes it: ISO 8601 in UTC with milliseconds."""
    if instant is None:
        return None
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def page_json(page: PublicPage, public_url: str) -> dict[str, Any]:
    """The page as v2's `page`."""
    return {
        "id": page.id,
        "name": page.name,
        "url": public_url,
        "time_zone": page.time_zone,
        "updated_at": when(page.updated_at),
    }


def status_json(page: PublicPage) -> dict[str, str]:
    """The overall status as v2's `status`."""
    return {"indicator": page.indicator, "description": page.description}


def component_json(component: PublicComponent, page_id: str) -> dict[str, Any]:
    """A component as Statuspage gives it (a group lists its components' ids)."""
    found: dict[str, Any] = {
        "id": component.id,
        "name": component.name,
        "status": component.status,
        "created_at": when(component.created_at),
        "updated_at": when(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": component.showcase,
        "start_date": component.start_date,
        "group_id": component.group_id,
        "page_id": page_id,
        "group": component.is_group,
        "only_show_if_degraded": component.only_show_if_degraded,
    }
    if component.is_group:
        found["components"] = list(component.components)
    return found


def update_json(update: PublicUpdate, incident_id: str) -> dict[str, Any]:
    """An incident update as Statuspage gives it."""
    return {
        "id": update.id,
        "status": update.status,
        "body": update.body,
        "incident_id": incident_id,
        "created_at": when(update.created_at),
        "updated_at": when(update.updated_at),
        "display_at": when(update.display_at),
        "affected_components": [a.model_dump() for a in update.affected_components],
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_json(incident: PublicIncident, page: PublicPage, public_url: str) -> dict[str, Any]:
    """An incident or maintenance as Statuspage gives it, with its updates and components."""
    found: dict[str, Any] = {
        "id": incident.id,
        "name": incident.name,
        "status": incident.status,
        "created_at": when(incident.created_at),
        "updated_at": when(incident.updated_at),
        "monitoring_at": when(incident.monitoring_at),
        "resolved_at": when(incident.resolved_at),
        "impact": incident.impact,
        "shortlink": f"{public_url}/incidents/{incident.id}/",
        "started_at": when(incident.started_at),
        "page_id": page.id,
        "incident_updates": [update_json(u, incident.id) for u in incident.updates],
        "components": [
            component_json(c, page.id)
            for c in (page.component(i) for i in incident.components)
            if c is not None
        ],
    }
    if incident.kind == "maintenance":
        found["scheduled_for"] = when(incident.scheduled_for)
        found["scheduled_until"] = when(incident.scheduled_until)
    return found


def summary_json(page: PublicPage, public_url: str) -> dict[str, Any]:
    """v2's summary.json: the page, its status, components, open incidents and maintenance
    not yet completed."""
    return {
        "page": page_json(page, public_url),
        "status": status_json(page),
        "components": [component_json(c, page.id) for c in page.components],
        "incidents": [incident_json(i, page, public_url) for i in page.incidents],
        "scheduled_maintenances": [incident_json(m, page, public_url) for m in page.maintenances],
    }
