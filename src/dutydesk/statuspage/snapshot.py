"""The public page as one stored document, rebuilt in the transaction of every change.

A change to the page (a component's state, an incident, an update, a maintenance step, the
team file's `status_page:`) marks the session; just before it commits, the whole public page is
built from the tables once (public.py's document) and stored with a new version
(`status_snapshots`). The public site reads nothing else (serving.py), so a slow or locked
database never slows it, and what it can show is only what the document holds.

Within a process, the page built is handed to the site as soon as its transaction commits;
other processes see the new version when they next look (serving.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from dutydesk.incidents.document import render
from dutydesk.statuspage import uptime
from dutydesk.statuspage.levels import worst_impact, worst_state
from dutydesk.statuspage.models import (
    CLOSED_STATUSES,
    IDENTIFIED,
    IN_PROGRESS,
    INCIDENT,
    INVESTIGATING,
    MAINTENANCE,
    MAINTENANCE_KIND,
    MONITORING,
    SCHEDULED,
    VERIFYING,
    StatusComponent,
    StatusComponentChange,
    StatusIncident,
    StatusIncidentComponent,
    StatusIncidentUpdate,
    StatusSnapshot,
)
from dutydesk.statuspage.page import page_info
from dutydesk.statuspage.public import (
    AffectedComponent,
    PublicComponent,
    PublicIncident,
    PublicPage,
    PublicUpdate,
    UptimeDayView,
)
from dutydesk.timeparse import parse_zone

SNAPSHOT_ID = "public"
HISTORY_DAYS = uptime.DEFAULT_DAYS
# The history the page lists; older incidents are in the feeds' and the API's past.
HISTORY_LIMIT = 200
_DIRTY = "status_page_changed_at"
OPEN_STATUSES = (INVESTIGATING, IDENTIFIED, MONITORING, SCHEDULED, IN_PROGRESS, VERIFYING)
_BUILT = "status_page_built"
DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}


def mark_changed(session: Session, now: datetime) -> None:
    """The page changed in this transaction: rebuild the snapshot once, as it commits."""
    if _DIRTY not in session.info:
        event.listen(session, "before_commit", _rebuild_before_commit, once=True)
    session.info[_DIRTY] = now


def _rebuild_before_commit(session: Session) -> None:
    now = session.info.pop(_DIRTY, None)
    if now is None:
        return
    version, page = store(session, now)
    session.info[_BUILT] = (version, page)
    event.listen(session, "after_commit", _hand_over_after_commit, once=True)


def _hand_over_after_commit(session: Session) -> None:
    built = session.info.pop(_BUILT, None)
    if built is not None:
        latest.offer(database_key(session), *built)


def database_key(session: Session) -> str:
    """Which database a session is of: the processes' snapshots are kept per database."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def store(session: Session, now: datetime) -> tuple[int, PublicPage]:
    """Build the page as it is now and store it as the next version."""
    page = build(session, now)
    row = session.get(StatusSnapshot, SNAPSHOT_ID, with_for_update=True)
    document = page.model_dump(mode="json")
    if row is None:
        row = StatusSnapshot(id=SNAPSHOT_ID, version=1, built_at=now, document=document)
        session.add(row)
    else:
        row.version += 1
        row.built_at = now
        row.document = document
    session.flush()
    return row.version, page


def stored(session: Session) -> tuple[int, PublicPage] | None:
    """The stored snapshot, if one was built."""
    row = session.get(StatusSnapshot, SNAPSHOT_ID)
    if row is None:
        return None
    return row.version, PublicPage.model_validate(row.document)


def stored_version(session: Session) -> int | None:
    """The stored snapshot's version, read alone."""
    found = session.scalar(select(StatusSnapshot.version).where(StatusSnapshot.id == SNAPSHOT_ID))
    return None if found is None else int(found)


def build(session: Session, now: datetime) -> PublicPage:
    """The whole public page from the tables, as of `now`."""
    info = page_info(session)
    zone = parse_zone(info.time_zone)
    window_start = now - timedelta(days=HISTORY_DAYS + 1)
    components = session.scalars(
        select(StatusComponent).order_by(StatusComponent.position, StatusComponent.name)
    ).all()
    shown = _shown_incidents(session, now, window_start)
    updates = _updates(session, [i.id for i in shown])
    concerned = _components_of(session, [i.id for i in shown])
    public = {
        i.id: public_incident(i, updates.get(i.id, []), concerned.get(i.id, [])) for i in shown
    }
    bars = _uptime(session, components, shown, concerned, now, zone, window_start)
    public_components = tuple(_public_component(c, components, bars.get(c.id)) for c in components)
    open_incidents = tuple(
        public[i.id] for i in shown if i.kind == INCIDENT and i.status not in CLOSED_STATUSES
    )
    maintenances = tuple(
        sorted(
            (
                public[i.id]
                for i in shown
                if i.kind == MAINTENANCE_KIND and i.status not in CLOSED_STATUSES
            ),
            key=lambda m: (m.scheduled_for or m.created_at, m.id),
        )
    )
    history = tuple(
        sorted(
            (public[i.id] for i in shown if i.status in CLOSED_STATUSES),
            key=lambda h: (h.resolved_at or h.updated_at, h.id),
            reverse=True,
        )
    )[:HISTORY_LIMIT]
    indicator = overall(
        [c.status for c in components if not c.is_group],
        [i.impact for i in open_incidents],
        any(m.status == "in_progress" for m in maintenances),
    )
    updated_at = max(
        [c.updated_at for c in components] + [i.updated_at for i in shown], default=now
    )
    return PublicPage(
        id=info.id,
        name=info.name,
        time_zone=info.time_zone,
        updated_at=updated_at,
        built_at=now,
        indicator=indicator,
        description=DESCRIPTIONS[indicator],
        components=public_components,
        incidents=open_incidents,
        maintenances=maintenances,
        history=history,
    )


def overall(states: Sequence[str], impacts: Sequence[str], maintenance_now: bool) -> str:
    """The page's indicator: the worst of the open incidents' impacts and what the components'
    states imply; "maintenance" when that is nothing but maintenance is under way."""
    worst = worst_impact(impacts, states)
    if worst == "none" and (maintenance_now or MAINTENANCE in states):
        return "maintenance"
    return worst


def _shown_incidents(
    session: Session, now: datetime, window_start: datetime
) -> Sequence[StatusIncident]:
    """Open incidents, maintenance not completed, and what closed within the history window
    (two searches, each on an index), newest first."""
    open_now = session.scalars(
        select(StatusIncident).where(
            StatusIncident.kind.in_((INCIDENT, MAINTENANCE_KIND)),
            StatusIncident.status.in_(OPEN_STATUSES),
        )
    ).all()
    closed = session.scalars(
        select(StatusIncident).where(StatusIncident.resolved_at >= window_start)
    ).all()
    every = {i.id: i for i in (*open_now, *closed)}
    return sorted(every.values(), key=lambda i: (i.created_at, i.id), reverse=True)


def _updates(session: Session, ids: Sequence[str]) -> dict[str, list[StatusIncidentUpdate]]:
    found: dict[str, list[StatusIncidentUpdate]] = {}
    if not ids:
        return found
    for update in session.scalars(
        select(StatusIncidentUpdate)
        .where(StatusIncidentUpdate.status_incident_id.in_(list(ids)))
        .order_by(StatusIncidentUpdate.display_at.desc(), StatusIncidentUpdate.created_at.desc())
    ):
        found.setdefault(update.status_incident_id, []).append(update)
    return found


def _components_of(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if not ids:
        return found
    for incident_id, component_id in session.execute(
        select(
            StatusIncidentComponent.status_incident_id, StatusIncidentComponent.component_id
        ).where(StatusIncidentComponent.status_incident_id.in_(list(ids)))
    ):
        found.setdefault(incident_id, []).append(component_id)
    return found


def public_incident(
    incident: StatusIncident, updates: Sequence[StatusIncidentUpdate], components: Sequence[str]
) -> PublicIncident:
    return PublicIncident(
        id=incident.id,
        kind=incident.kind,
        name=incident.name,
        status=incident.status,
        impact=incident.impact,
        created_at=incident.created_at,
        updated_at=incident.updated_at,
        started_at=incident.started_at,
        monitoring_at=incident.monitoring_at,
        resolved_at=incident.resolved_at,
        scheduled_for=incident.scheduled_for,
        scheduled_until=incident.scheduled_until,
        components=tuple(sorted(components)),
        updates=tuple(public_update(u) for u in updates),
    )


def public_update(update: StatusIncidentUpdate) -> PublicUpdate:
    """An update as tenants see it: its Markdown rendered and sanitised."""
    return PublicUpdate(
        id=update.id,
        status=update.status,
        body=update.body,
        body_html=render(update.body, shift=2),
        display_at=update.display_at,
        created_at=update.created_at,
        updated_at=update.updated_at,
        affected_components=tuple(
            AffectedComponent.model_validate(a) for a in update.affected_components
        ),
    )


def _public_component(
    component: StatusComponent,
    every: Sequence[StatusComponent],
    bar: list[uptime.UptimeDay] | None,
) -> PublicComponent:
    children = (
        tuple(c.id for c in every if c.group_id == component.id) if component.is_group else ()
    )
    status = component.status
    if component.is_group:
        states = [c.status for c in every if c.group_id == component.id]
        status = worst_state(states)
    return PublicComponent(
        id=component.id,
        name=component.name,
        description=component.description,
        status=status,
        is_group=component.is_group,
        group_id=component.group_id,
        position=component.position,
        showcase=component.showcase,
        only_show_if_degraded=component.only_show_if_degraded,
        start_date=component.start_date,
        created_at=component.created_at,
        updated_at=component.updated_at,
        components=children,
        uptime_days=tuple(
            UptimeDayView(day=d.day, uptime=d.uptime, level=d.level, incidents=d.incidents)
            for d in bar or ()
        ),
        uptime=uptime.period_uptime(bar) if bar else None,
    )


def _uptime(
    session: Session,
    components: Sequence[StatusComponent],
    shown: Sequence[StatusIncident],
    concerned: dict[str, list[str]],
    now: datetime,
    zone: ZoneInfo,
    window_start: datetime,
) -> dict[str, list[uptime.UptimeDay]]:
    """Each component's uptime bar, from its state changes and the incidents that concerned
    it (two queries for every component together)."""
    changes: dict[str, list[tuple[datetime, str]]] = {}
    for component_id, at, status in session.execute(
        select(
            StatusComponentChange.component_id,
            StatusComponentChange.at,
            StatusComponentChange.status,
        )
        .where(StatusComponentChange.at >= window_start)
        .order_by(StatusComponentChange.at, StatusComponentChange.id)
    ):
        changes.setdefault(component_id, []).append((at, status))
    for component_id in list(changes):
        # Its state as the window starts: the last change before it (one indexed search per
        # component that changed within the window; the others were in their state throughout).
        before = session.execute(
            select(StatusComponentChange.at, StatusComponentChange.status)
            .where(
                StatusComponentChange.component_id == component_id,
                StatusComponentChange.at < window_start,
            )
            .order_by(StatusComponentChange.at.desc(), StatusComponentChange.id.desc())
            .limit(1)
        ).first()
        if before is not None:
            changes[component_id].insert(0, (before[0], before[1]))
    for component in components:
        if component.id not in changes and not component.is_group:
            changes[component.id] = [(component.status_since, component.status)]
    marks: dict[str, list[uptime.IncidentMark]] = {}
    for incident in sorted(shown, key=lambda i: i.started_at):
        if incident.kind == MAINTENANCE_KIND and incident.status == "scheduled":
            continue
        mark = uptime.IncidentMark(
            incident.id, incident.name, incident.impact, incident.started_at, incident.resolved_at
        )
        for component_id in concerned.get(incident.id, []):
            marks.setdefault(component_id, []).append(mark)
    bars = {}
    for component in components:
        if component.is_group:
            continue
        bars[component.id] = uptime.uptime_days(
            _in_order(changes.get(component.id, [])),
            marks.get(component.id, []),
            component.created_at,
            now,
            zone,
        )
    return bars


def _in_order(changes: list[tuple[datetime, str]]) -> list[tuple[datetime, str]]:
    return sorted(changes, key=lambda change: change[0])


class _Latest:
    """The newest snapshot this process has seen of each database, handed over by the
    transaction that built it or read by the site (serving.py).

    Versions are compared for equality, not order: a database restored from a backup (or
    emptied by a test) starts its versions again, and its page must still replace the one
    kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, tuple[int, PublicPage]] = {}

    def offer(self, key: str, version: int, page: PublicPage) -> None:
        """Keep this page: it was just committed or read, so it is the newest known."""
        with self._lock:
            self._pages[key] = (version, page)

    def replace(self, key: str, seen: int | None, version: int, page: PublicPage) -> bool:
        """Keep this page unless another was kept since the one of version `seen` (a commit
        of this process that a slower read must not undo); True when it was kept."""
        with self._lock:
            kept = self._pages.get(key)
            if (kept[0] if kept is not None else None) != seen:
                return False
            self._pages[key] = (version, page)
            return True

    def get(self, key: str) -> tuple[int, PublicPage] | None:
        """The newest page kept, with its version."""
        return self._pages.get(key)


latest = _Latest()
