"""What the public status page shows, as one document: the page, its components with their
uptime bars, open and past incidents with their updates, and maintenance.

This is all the public site ever reads (the snapshot, snapshot.py): nothing internal has a
field here, so nothing internal can be shown. Updates carry their Markdown and the sanitised
HTML made from it when the snapshot was built.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UptimeDayView(_Public):
    """One day of a component's uptime bar."""

    day: date
    uptime: float | None
    level: str
    incidents: tuple[tuple[str, str], ...] = ()


class PublicComponent(_Public):
    """A component as tenants see it; a group lists its components' ids."""

    id: str
    name: str
    description: str
    status: str
    is_group: bool
    group_id: str | None
    position: int
    showcase: bool
    only_show_if_degraded: bool
    start_date: str | None
    created_at: datetime
    updated_at: datetime
    components: tuple[str, ...] = ()
    uptime_days: tuple[UptimeDayView, ...] = ()
    uptime: float | None = None


class AffectedComponent(_Public):
    """What an update did to a component."""

    code: str
    name: str
    old_status: str
    new_status: str


class PublicUpdate(_Public):
    """A published update."""

    id: str
    status: str
    body: str
    body_html: str
    display_at: datetime
    created_at: datetime
    updated_at: datetime
    affected_components: tuple[AffectedComponent, ...] = ()


class PublicIncident(_Public):
    """A status-page incident or maintenance window, its updates newest first."""

    id: str
    kind: str
    name: str
    status: str
    impact: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime
    monitoring_at: datetime | None
    resolved_at: datetime | None
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    components: tuple[str, ...]
    updates: tuple[PublicUpdate, ...]


class PublicPage(_Public):
    """The whole public status page at one moment."""

    id: str
    name: str
    time_zone: str
    updated_at: datetime
    built_at: datetime
    indicator: str
    description: str
    components: tuple[PublicComponent, ...]
    # Open incidents, newest first.
    incidents: tuple[PublicIncident, ...]
    # Maintenance not yet completed (in progress, then upcoming), soonest first.
    maintenances: tuple[PublicIncident, ...]
    # Closed incidents and maintenance of the history window, newest first.
    history: tuple[PublicIncident, ...]

    def component(self, component_id: str) -> PublicComponent | None:
        """The component with this id, if the page has it."""
        return next((c for c in self.components if c.id == component_id), None)

    def incident(self, incident_id: str) -> PublicIncident | None:
        """The incident or maintenance with this id, open or past, if the page has it."""
        for found in (*self.incidents, *self.maintenances, *self.history):
            if found.id == incident_id:
                return found
        return None
