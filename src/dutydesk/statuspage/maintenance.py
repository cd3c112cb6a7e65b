"""Scheduled maintenance: a window that moves through scheduled, in progress and completed by
itself at its times, tells subscribers 60 minutes before it starts, puts its components under
maintenance while it runs, and keeps the alerts of their services from paging meanwhile (they
are still recorded and shown)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.errors import Invalid
from dutydesk.statuspage import fanout, reminders, snapshot
from dutydesk.statuspage.components import get_component, new_id
from dutydesk.statuspage.models import (
    COMPLETED,
    IN_PROGRESS,
    MAINTENANCE,
    MAINTENANCE_KIND,
    OPERATIONAL,
    SCHEDULED,
    StatusComponent,
    StatusIncident,
    StatusIncidentComponent,
)
from dutydesk.statuspage.page import page_info
from dutydesk.statuspage.publishing import (
    UpdateDraft,
    audit,
    check_name,
    components_of,
    publish_update,
    set_components,
)
from dutydesk.statuspage.site import Site
from dutydesk.timeparse import local_text, parse_zone

STARTED_TEXT = "Scheduled maintenance is in progress. We will provide updates as necessary."
COMPLETED_TEXT = "The scheduled maintenance has been completed."


@dataclass(frozen=True)
class Window:
    """A maintenance window as asked for."""

    name: str
    body: str
    scheduled_for: datetime
    scheduled_until: datetime
    component_ids: Sequence[str]
    remind_prior: bool = True
    auto_in_progress: bool = True
    auto_completed: bool = True
    deliver_notifications: bool = True


def schedule(
    session: Session, window: Window, *, actor: str, now: datetime, site: Site
) -> StatusIncident:
    """Schedule a window; subscribers of its components hear of it now and an hour before."""
    if window.scheduled_until <= window.scheduled_for:
        raise Invalid("scheduled_until: the window must end after it starts")
    if window.scheduled_until <= now:
        raise Invalid("scheduled_until: the window is over already")
    if not window.component_ids:
        raise Invalid("components: name the components the maintenance concerns")
    for component_id in window.component_ids:
        if get_component(session, component_id).is_group:
            raise Invalid(f"components: {component_id!r} is a group; name its components")
    maintenance = StatusIncident(
        id=new_id(),
        kind=MAINTENANCE_KIND,
        name=check_name(window.name),
        status=SCHEDULED,
        impact="maintenance",
        created_at=now,
        updated_at=now,
        started_at=window.scheduled_for,
        last_update_at=now,
        scheduled_for=window.scheduled_for,
        scheduled_until=window.scheduled_until,
        scheduled_remind_prior=window.remind_prior,
        scheduled_auto_in_progress=window.auto_in_progress,
        scheduled_auto_completed=window.auto_completed,
        created_by=actor,
    )
    session.add(maintenance)
    session.flush()
    set_components(session, maintenance, window.component_ids)
    # The first update names the components without changing their state: they go under
    # maintenance when the window starts.
    current = {c: get_component(session, c).status for c in window.component_ids}
    publish_update(
        session,
        maintenance,
        UpdateDraft(SCHEDULED, window.body, current, window.deliver_notifications),
        actor=actor,
        now=now,
        site=site,
    )
    reminders.maintenance(session, maintenance, now)
    audit(session, maintenance, actor, "statuspage.maintenance.schedule", now)
    return maintenance


def start(session: Session, maintenance: StatusIncident, *, now: datetime, site: Site) -> None:
    """The window has started: in progress, its components under maintenance."""
    if maintenance.status != SCHEDULED:
        return
    states = {c: MAINTENANCE for c in components_of(session, maintenance.id)}
    publish_update(
        session, maintenance, UpdateDraft(IN_PROGRESS, STARTED_TEXT, states),
        actor="dutydesk", now=now, site=site,
    )  # fmt: skip
    reminders.maintenance(session, maintenance, now)


def complete(session: Session, maintenance: StatusIncident, *, now: datetime, site: Site) -> None:
    """The window is over: completed, its components operational again."""
    if maintenance.status == COMPLETED:
        return
    states = {c: OPERATIONAL for c in components_of(session, maintenance.id)}
    publish_update(
        session, maintenance, UpdateDraft(COMPLETED, COMPLETED_TEXT, states),
        actor="dutydesk", now=now, site=site,
    )  # fmt: skip
    reminders.maintenance(session, maintenance, now)


def notice(session: Session, maintenance: StatusIncident, *, now: datetime, site: Site) -> int:
    """Tell the window's subscribers it starts within the hour; returns how many were told."""
    if maintenance.status != SCHEDULED or maintenance.scheduled_for is None:
        return 0
    zone_name = page_info(session).time_zone
    starts = local_text(maintenance.scheduled_for, parse_zone(zone_name))
    snapshot.mark_changed(session, now)
    return fanout.tell_upcoming(
        session,
        maintenance,
        components_of(session, maintenance.id),
        now=now,
        site=site,
        starts_text=f"{starts} ({zone_name})",
    )


def services_in_maintenance(session: Session, at: datetime) -> set[str]:
    """The alert services whose components are in a maintenance window at `at`."""
    windows = select(StatusIncident.id).where(
        StatusIncident.kind == MAINTENANCE_KIND,
        StatusIncident.status.in_((SCHEDULED, IN_PROGRESS)),
        StatusIncident.scheduled_for <= at,
        StatusIncident.scheduled_until > at,
    )
    found: set[str] = set()
    for services in session.scalars(
        select(StatusComponent.services)
        .join(StatusIncidentComponent, StatusIncidentComponent.component_id == StatusComponent.id)
        .where(StatusIncidentComponent.status_incident_id.in_(windows))
    ):
        found.update(services or ())
    return found
