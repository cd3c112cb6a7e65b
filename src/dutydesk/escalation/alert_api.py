"""JSON routes for people acting on alerts: list, read, acknowledge, resolve, note, snooze,
reassign. Here, above alerts, because an alert is shown with the pages sent for its group.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from dutydesk.alerts import actions, service
from dutydesk.alerts.schemas import (
    AlertNote,
    AlertRead,
    AlertReassign,
    AlertSnooze,
    AlertStatus,
    alert_read,
)
from dutydesk.deps import CurrentUser, ReadSessionDep, Responder, SessionDep, TeamTimeDep
from dutydesk.escalation.schemas import AlertDetail, alert_detail
from dutydesk.escalation.service import pages_for
from dutydesk.timeparse import parse_duration

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])
MAX_LIMIT = 500


@router.get("", response_model=list[AlertRead], response_model_by_alias=True)
def list_alerts(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    status: Annotated[
        AlertStatus | None, Query(description="Only alerts in this state; default: open ones.")
    ] = None,
    service_id: Annotated[
        str | None, Query(alias="service", max_length=64, description="Only this service's.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many.")] = 100,
) -> list[AlertRead]:
    """Alerts, newest first: the open ones (triggered and acknowledged) unless `status` says."""
    statuses = service.OPEN_STATUSES if status is None else (status,)
    found = service.list_alerts(session, statuses=statuses, service_id=service_id, limit=limit)
    return [alert_read(alert, team_time.zone) for alert in found]


@router.get("/{alert_id}", response_model=AlertDetail, response_model_by_alias=True)
def get_alert(
    alert_id: int, _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> AlertDetail:
    """One alert with its log: every event and action, oldest first."""
    return _detail(session, service.view_alert(session, alert_id), team_time.zone)


@router.post("/{alert_id}/acknowledge", response_model=AlertDetail, response_model_by_alias=True)
def acknowledge_alert(
    alert_id: int, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> AlertDetail:
    """Acknowledge an alert: someone is on it (responder+). A resolved alert is 409."""
    view = service.acknowledge_alert(
        session, alert_id, team_time.now, actor=f"user:{user.username}"
    )
    detail = _detail(session, view, team_time.zone)
    session.commit()
    return detail


@router.post("/{alert_id}/resolve", response_model=AlertDetail, response_model_by_alias=True)
def resolve_alert(
    alert_id: int, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> AlertDetail:
    """Resolve an alert: the problem is over (responder+). An already resolved alert is 409."""
    view = service.resolve_alert(session, alert_id, team_time.now, actor=f"user:{user.username}")
    detail = _detail(session, view, team_time.zone)
    session.commit()
    return detail


@router.post("/{alert_id}/notes", response_model=AlertDetail, response_model_by_alias=True)
def add_note(
    alert_id: int, body: AlertNote, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> AlertDetail:
    """Add a note to an alert's log, in any state (responder+)."""
    view = service.add_note(
        session, alert_id, body.text, team_time.now, actor=f"user:{user.username}"
    )
    detail = _detail(session, view, team_time.zone)
    session.commit()
    return detail


@router.post("/{alert_id}/snooze", response_model=AlertDetail, response_model_by_alias=True)
def snooze_alert(
    alert_id: int, body: AlertSnooze, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> AlertDetail:
    """Acknowledge an alert for a while; still unresolved then, it pages again (responder+)."""
    length = parse_duration(body.duration, field="duration")
    view = actions.snooze_alert(
        session, alert_id, length, team_time.now, actor=f"user:{user.username}"
    )
    detail = _detail(session, view, team_time.zone)
    session.commit()
    return detail


@router.post("/{alert_id}/reassign", response_model=AlertDetail, response_model_by_alias=True)
def reassign_alert(
    alert_id: int,
    body: AlertReassign,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> AlertDetail:
    """Give the alert's group to a person, who is paged at once (responder+)."""
    view = actions.reassign_alert(
        session, alert_id, body.person, team_time.now, actor=f"user:{user.username}"
    )
    detail = _detail(session, view, team_time.zone)
    session.commit()
    return detail


def _detail(session: Session, view: service.AlertView, zone: ZoneInfo) -> AlertDetail:
    # The group's pages as the action left them, read in its transaction.
    return alert_detail(view, pages_for(session, view.alert), zone)
