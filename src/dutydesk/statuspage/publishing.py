"""Publishing to tenants: status-page incidents and maintenance windows, and their updates.

An update has a status, a Markdown body and the states it puts the incident's components in;
it can be previewed before it is published. Publishing one for an incident of the team goes
into that incident's timeline and starts its update cadence again; subscribers hear of it only
when it concerns at least one component (fanout.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.errors import Invalid, NotFound
from dutydesk.incidents import service as incidents
from dutydesk.incidents import timeline
from dutydesk.incidents.document import render
from dutydesk.incidents.models import OPEN_STATUSES, Incident
from dutydesk.incidents.policy import incident_policy
from dutydesk.statuspage import fanout, reminders, snapshot
from dutydesk.statuspage.components import check_state, get_component, new_id, set_state
from dutydesk.statuspage.levels import STATUS_NAMES, worst_impact
from dutydesk.statuspage.models import (
    BODY_LENGTH,
    CLOSED_STATUSES,
    IMPACTS,
    IN_PROGRESS,
    INCIDENT,
    INCIDENT_STATUSES,
    MAINTENANCE_KIND,
    MAINTENANCE_STATUSES,
    MONITORING,
    NAME_LENGTH,
    StatusComponent,
    StatusIncident,
    StatusIncidentComponent,
    StatusIncidentUpdate,
)
from dutydesk.statuspage.site import Site
from dutydesk.text import storable


@dataclass(frozen=True)
class UpdateDraft:
    """An update as written: its status, its Markdown, and the state to put each of the
    incident's components in (the components it concerns)."""

    status: str
    body: str
    components: Mapping[str, str] = field(default_factory=dict)
    deliver_notifications: bool = True


@dataclass(frozen=True)
class Preview:
    """What publishing a draft would show and do, without doing it."""

    status_name: str
    body_html: str
    affected: list[dict[str, str]]
    subscribers: int


def get_status_incident(
    session: Session, status_incident_id: str, *, lock: bool = False
) -> StatusIncident:
    """One status-page incident or maintenance; NotFound if there is none with that id."""
    query = select(StatusIncident).where(StatusIncident.id == status_incident_id)
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(f"no status page incident {status_incident_id!r}")
    return found


def list_status_incidents(
    session: Session, *, kind: str | None = None, statuses: Sequence[str] = (), limit: int = 100
) -> Sequence[StatusIncident]:
    """Status-page incidents and maintenance, the newest first."""
    query = select(StatusIncident).order_by(StatusIncident.created_at.desc()).limit(limit)
    if kind is not None:
        query = query.where(StatusIncident.kind == kind)
    if statuses:
        query = query.where(StatusIncident.status.in_(list(statuses)))
    return session.scalars(query).all()


def updates_of(session: Session, status_incident_id: str) -> Sequence[StatusIncidentUpdate]:
    """An incident's updates, the newest first."""
    return session.scalars(
        select(StatusIncidentUpdate)
        .where(StatusIncidentUpdate.status_incident_id == status_incident_id)
        .order_by(StatusIncidentUpdate.display_at.desc(), StatusIncidentUpdate.created_at.desc())
    ).all()


def components_of(session: Session, status_incident_id: str) -> list[str]:
    """The ids of the components an incident concerns."""
    return list(
        session.scalars(
            select(StatusIncidentComponent.component_id).where(
                StatusIncidentComponent.status_incident_id == status_incident_id
            )
        )
    )


def create_incident(
    session: Session,
    *,
    name: str,
    draft: UpdateDraft,
    actor: str,
    now: datetime,
    site: Site,
    incident_id: int | None = None,
    impact_override: str | None = None,
) -> StatusIncident:
    """A status-page incident with its first update; from an incident of the team when
    `incident_id` is given (its timeline records what tenants were told)."""
    _check_status(INCIDENT, draft.status)
    linked = _linked_incident(session, incident_id)
    status_incident = StatusIncident(
        id=new_id(),
        kind=INCIDENT,
        name=check_name(name or (linked.title if linked else "")),
        status=draft.status,
        impact="none",
        impact_override=_impact(impact_override),
        incident_id=linked.id if linked else None,
        created_at=now,
        updated_at=now,
        started_at=now,
        last_update_at=now,
        scheduled_remind_prior=False,
        scheduled_auto_in_progress=False,
        scheduled_auto_completed=False,
        created_by=actor,
    )
    session.add(status_incident)
    session.flush()
    publish_update(session, status_incident, draft, actor=actor, now=now, site=site)
    audit(session, status_incident, actor, "statuspage.incident.create", now)
    return status_incident


def publish_update(
    session: Session,
    status_incident: StatusIncident,
    draft: UpdateDraft,
    *,
    actor: str,
    now: datetime,
    site: Site,
) -> StatusIncidentUpdate:
    """Publish an update: the incident takes its status, its components their states, the
    linked incident's timeline records it, and subscribers of those components are told."""
    _check_status(status_incident.kind, draft.status)
    body = _body(draft.body)
    states = _states(draft.components)
    affected = _apply_states(session, status_incident, states, now)
    _move_status(status_incident, draft.status, now)
    update = StatusIncidentUpdate(
        id=new_id(),
        status_incident_id=status_incident.id,
        status=draft.status,
        body=body,
        display_at=now,
        created_at=now,
        updated_at=now,
        deliver_notifications=draft.deliver_notifications,
        affected_components=affected,
        notified=0,
        created_by=actor,
    )
    session.add(update)
    status_incident.last_update_at = now
    status_incident.updated_at = now
    status_incident.impact = impact_of(session, status_incident)
    session.flush()
    _into_timeline(session, status_incident, update, actor=actor, now=now)
    if draft.deliver_notifications and states:
        update.notified = fanout.tell_subscribers(
            session, status_incident, update, list(states), now=now, site=site
        )
    reminders.no_update(session, status_incident, now)
    snapshot.mark_changed(session, now)
    return update


def preview(
    session: Session, status_incident: StatusIncident | None, draft: UpdateDraft
) -> Preview:
    """What publishing `draft` would show tenants and how many subscribers it would reach."""
    kind = status_incident.kind if status_incident is not None else INCIDENT
    _check_status(kind, draft.status)
    body = _body(draft.body)
    states = _states(draft.components)
    affected = []
    for component_id, state in states.items():
        component = get_component(session, component_id)
        affected.append(
            {"code": component.id, "name": component.name, "old_status": component.status,
             "new_status": state}
        )  # fmt: skip
    reached = (
        fanout.count_subscribers(session, list(states))
        if draft.deliver_notifications and states
        else 0
    )
    return Preview(STATUS_NAMES[draft.status], render(body, shift=2), affected, reached)


def change_incident(
    session: Session,
    status_incident: StatusIncident,
    *,
    name: str | None = None,
    impact_override: str | None = None,
    component_ids: Sequence[str] | None = None,
    now: datetime,
) -> None:
    """Change what an incident is called, its impact or its components (no update)."""
    if name is not None:
        status_incident.name = check_name(name)
    if impact_override is not None:
        status_incident.impact_override = _impact(impact_override) if impact_override else None
    if component_ids is not None:
        set_components(session, status_incident, component_ids)
    status_incident.updated_at = now
    status_incident.impact = impact_of(session, status_incident)
    snapshot.mark_changed(session, now)


def edit_update(
    session: Session,
    status_incident: StatusIncident,
    update_id: str,
    *,
    body: str | None = None,
    display_at: datetime | None = None,
    deliver_notifications: bool | None = None,
    now: datetime,
) -> StatusIncidentUpdate:
    """Correct a published update's text or shown time (nobody is told again)."""
    update = session.get(StatusIncidentUpdate, update_id)
    if update is None or update.status_incident_id != status_incident.id:
        raise NotFound(f"no update {update_id!r} of status page incident {status_incident.id!r}")
    if body is not None:
        update.body = _body(body)
    if display_at is not None:
        update.display_at = display_at
    if deliver_notifications is not None:
        update.deliver_notifications = deliver_notifications
    update.updated_at = now
    status_incident.updated_at = now
    snapshot.mark_changed(session, now)
    return update


def delete_incident(
    session: Session, status_incident: StatusIncident, *, actor: str, now: datetime
) -> None:
    """Take an incident or maintenance off the page, its updates with it."""
    audit(session, status_incident, actor, "statuspage.incident.delete", now)
    reminders.forget_incident(session, status_incident.id)
    session.delete(status_incident)
    session.flush()
    snapshot.mark_changed(session, now)


def impact_of(session: Session, status_incident: StatusIncident) -> str:
    """The impact shown: the override if given, maintenance for a window, else the worst its
    components' states imply (none when all are operational)."""
    if status_incident.impact_override:
        return status_incident.impact_override
    if status_incident.kind == MAINTENANCE_KIND:
        return "maintenance"
    states = session.scalars(
        select(StatusComponent.status)
        .join(StatusIncidentComponent, StatusIncidentComponent.component_id == StatusComponent.id)
        .where(StatusIncidentComponent.status_incident_id == status_incident.id)
    ).all()
    # A closed incident keeps the impact it had at its worst: its components are operational
    # again, but the history still shows what tenants went through.
    kept = [status_incident.impact] if status_incident.status in CLOSED_STATUSES else []
    return worst_impact(kept, states)


def _apply_states(
    session: Session, status_incident: StatusIncident, states: Mapping[str, str], now: datetime
) -> list[dict[str, Any]]:
    """Put each named component in its state and make it one of the incident's components;
    returns the affected components as Statuspage lists them."""
    affected: list[dict[str, Any]] = []
    known = set(components_of(session, status_incident.id))
    for component_id, state in states.items():
        component = get_component(session, component_id, lock=True)
        if component.is_group:
            raise Invalid(f"components: {component_id!r} is a group; name its components")
        old = component.status
        set_state(session, component, state, now=now)
        affected.append(
            {"code": component.id, "name": component.name, "old_status": old, "new_status": state}
        )
        if component_id not in known:
            session.add(
                StatusIncidentComponent(
                    status_incident_id=status_incident.id, component_id=component_id
                )
            )
            known.add(component_id)
    session.flush()
    return affected


def set_components(
    session: Session, status_incident: StatusIncident, component_ids: Sequence[str]
) -> None:
    for component_id in component_ids:
        get_component(session, component_id)
    session.execute(
        delete(StatusIncidentComponent).where(
            StatusIncidentComponent.status_incident_id == status_incident.id
        )
    )
    for component_id in dict.fromkeys(component_ids):
        session.add(
            StatusIncidentComponent(
                status_incident_id=status_incident.id, component_id=component_id
            )
        )
    session.flush()


def _move_status(status_incident: StatusIncident, status: str, now: datetime) -> None:
    status_incident.status = status
    if status == MONITORING and status_incident.monitoring_at is None:
        status_incident.monitoring_at = now
    if status in CLOSED_STATUSES:
        status_incident.resolved_at = status_incident.resolved_at or now
    else:
        status_incident.resolved_at = None
    if status == IN_PROGRESS and status_incident.kind == MAINTENANCE_KIND:
        status_incident.started_at = now


def _into_timeline(
    session: Session,
    status_incident: StatusIncident,
    update: StatusIncidentUpdate,
    *,
    actor: str,
    now: datetime,
) -> None:
    """An update for an incident of the team is what its tenants were told: into its timeline,
    and (while it is open) its update cadence starts again."""
    if status_incident.incident_id is None:
        return
    incident = session.get(Incident, status_incident.incident_id)
    if incident is None:
        return
    said = f"Status page, {STATUS_NAMES[update.status]}: {update.body}"
    if incident.status in OPEN_STATUSES:
        incidents.record_update(
            session, incident_policy(session), incident, said, actor=actor, now=now
        )
    else:
        timeline.automatic(session, incident, "update", f"Tenant update by {actor}: {said}", now)


def _linked_incident(session: Session, incident_id: int | None) -> Incident | None:
    if incident_id is None:
        return None
    return incidents.get_incident(session, incident_id)


def _check_status(kind: str, status: str) -> None:
    allowed = MAINTENANCE_STATUSES if kind == MAINTENANCE_KIND else INCIDENT_STATUSES
    if status not in allowed:
        raise Invalid(f"status: {status!r} is not one of {', '.join(allowed)}")


def _states(components: Mapping[str, str]) -> dict[str, str]:
    states = {}
    for component_id, state in components.items():
        check_state(state)
        states[str(component_id)] = state
    return states


def check_name(text: str) -> str:
    name = " ".join(storable(text).split())
    if not name or len(name) > NAME_LENGTH:
        raise Invalid(f"name: 1 to {NAME_LENGTH} characters")
    return name


def _body(text: str) -> str:
    body = storable(text).strip()
    if not body:
        raise Invalid("body: say what tenants should know")
    if len(body) > BODY_LENGTH:
        raise Invalid(f"body: at most {BODY_LENGTH} characters")
    return body


def _impact(impact: str | None) -> str | None:
    if impact is None:
        return None
    if impact not in IMPACTS:
        raise Invalid(f"impact_override: {impact!r} is not one of {', '.join(IMPACTS)}")
    return impact


def audit(
    session: Session, status_incident: StatusIncident, actor: str, action: str, now: datetime
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        rota_id=None,
        person_ids=[],
        summary=f"{status_incident.kind} {status_incident.name!r}",
        details={"status_incident": status_incident.id},
        now=now,
        subject=f"status_incident:{status_incident.id}",
    )
