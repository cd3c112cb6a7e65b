"""Maintenance holds paging: the status page's answer to escalation's `PagingHolds`
(escalation/holds.py), wired by the composition root.

A service's alerts do not page while a maintenance window of one of the components it is
mapped to (`StatusComponent.services`) runs: from the window's scheduled start to its scheduled
end while it is still scheduled (the worker may not have started it yet), and for as long as it
is in progress or verifying (a window started early or running late is still running: the page
says so). They are still recorded and shown.

Asked by the escalation worker for every run whose first step falls due, so the open windows
are read once a transaction (one query on the (kind, status) index, nearly always finding
none) and every later question in it is answered from memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.statuspage.models import (
    IN_PROGRESS,
    MAINTENANCE_KIND,
    SCHEDULED,
    VERIFYING,
    StatusComponent,
    StatusIncident,
    StatusIncidentComponent,
)

_CACHE = "dutydesk.statuspage.holds"
_RUNNING = (IN_PROGRESS, VERIFYING)


@dataclass(frozen=True, slots=True)
class OpenWindow:
    """A maintenance window not yet completed, and the alert services of its components."""

    name: str
    status: str
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    services: frozenset[str]

    def holds(self, service_id: str, at: datetime) -> bool:
        """Whether this window keeps the service from paging at `at`."""
        if service_id not in self.services:
            return False
        if self.status in _RUNNING:
            return True
        return (
            self.scheduled_for is not None
            and self.scheduled_until is not None
            and self.scheduled_for <= at < self.scheduled_until
        )


class MaintenanceHolds:
    """Paging held for the services of components in maintenance."""

    def held(self, session: Session, service_id: str, at: datetime) -> str | None:
        """Why the service is held at `at` ("maintenance window 'DB upgrade'"), or None."""
        for window in open_windows(session):
            if window.holds(service_id, at):
                return f"maintenance window {window.name!r}"
        return None


def open_windows(session: Session) -> tuple[OpenWindow, ...]:
    """The maintenance windows not completed, read once per transaction of the session."""
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE)
    if cached is not None and transaction is not None and cached[0] is transaction:
        windows: tuple[OpenWindow, ...] = cached[1]
        return windows
    services: dict[str, set[str]] = {}
    found: dict[str, OpenWindow] = {}
    for window_id, name, status, starts, ends, component_services in session.execute(
        select(
            StatusIncident.id,
            StatusIncident.name,
            StatusIncident.status,
            StatusIncident.scheduled_for,
            StatusIncident.scheduled_until,
            StatusComponent.services,
        )
        .join(
            StatusIncidentComponent,
            StatusIncidentComponent.status_incident_id == StatusIncident.id,
        )
        .join(StatusComponent, StatusComponent.id == StatusIncidentComponent.component_id)
        .where(
            StatusIncident.kind == MAINTENANCE_KIND,
            StatusIncident.status.in_((SCHEDULED, *_RUNNING)),
        )
        .order_by(StatusIncident.created_at, StatusIncident.id)
    ):
        found.setdefault(window_id, OpenWindow(name, status, starts, ends, frozenset()))
        services.setdefault(window_id, set()).update(component_services or ())
    windows = tuple(
        OpenWindow(w.name, w.status, w.scheduled_for, w.scheduled_until, frozenset(services[i]))
        for i, w in found.items()
    )
    # Kept with the transaction it was read in (begun by the query, if not before): the next
    # transaction reads again.
    session.info[_CACHE] = (session.get_transaction(), windows)
    return windows
