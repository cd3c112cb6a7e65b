"""The dashboard's suggestion of a task for the engineer on support, when support work leaves
them free.

The engineer on support is whoever the support rota (`support: rota`) has on call now. They are
free when no alert is open (triggered or acknowledged: alerts page rotas, not one person, so
the team's open alerts are theirs) and no open ticket is unassigned (new, open or pending with
nobody on it, as the tickets panel counts them). Then the suggestion is the oldest fitting
task: open, nobody has it, and its size fits the support time left in their day, up to the end
of their shift (tasks/sizing.py says what fits). docs/tasks.md gives the reasons.

This reads alerts, tickets, the rotas and tasks, so it lives in overview, above them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert, Service
from dutydesk.hours.support import SupportHours
from dutydesk.oncall.service import who
from dutydesk.tasks.models import OPEN, Task
from dutydesk.tasks.sizing import sizes_that_fit
from dutydesk.tickets.queue import Queue, list_tickets
from dutydesk.tickets.support import support_policy
from dutydesk.web.panels import Board, PanelView

# Why nothing is suggested now.
OPEN_ALERTS = "open alerts"
UNASSIGNED_TICKETS = "unassigned tickets"
NO_TIME_LEFT = "no support time left"
NOTHING_FITS = "nothing fits"


@dataclass(frozen=True)
class NextTask:
    """What the dashboard says about the engineer on support's next task."""

    person_id: str
    time_left: timedelta
    # The suggestion; None when there is none, for `reason`.
    task: Task | None
    reason: str | None = None


def support_time_left(
    hours: SupportHours, now: datetime, shift_ends_at: datetime | None
) -> timedelta:
    """The support time from `now` to the end of the local day or of the shift, if sooner."""
    local = now.astimezone(hours.timezone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=hours.timezone)
    end = midnight if shift_ends_at is None else min(midnight, shift_ends_at)
    return hours.elapsed(now, end)


def next_task(session: Session, now: datetime) -> NextTask | None:
    """The suggestion for the engineer on support at `now`; None when nobody is on support."""
    policy = support_policy(session)
    if policy.rota is None:
        return None
    [on_call] = who(session, [policy.rota], now)
    person_id = on_call.now.person
    if person_id is None:
        return None
    time_left = support_time_left(policy.hours, now, on_call.now.end)
    if any_open_alert(session):
        return NextTask(person_id, time_left, None, OPEN_ALERTS)
    if list_tickets(session, Queue(unassigned=True, limit=1)):
        return NextTask(person_id, time_left, None, UNASSIGNED_TICKETS)
    if time_left <= timedelta(0):
        return NextTask(person_id, time_left, None, NO_TIME_LEFT)
    task = oldest_fitting_task(session, time_left)
    return NextTask(person_id, time_left, task, None if task else NOTHING_FITS)


def any_open_alert(session: Session) -> bool:
    """Whether any alert is triggered or acknowledged.

    An alert keeps its dedup key in `open_key` exactly while it is open (alerts/service.py,
    resolve_one), so each service's open alerts are one search of the unique (service_id,
    open_key) index, however many resolved alerts there are; services are a short list.
    """
    open_on_service = (
        select(Alert.id).where(Alert.service_id == Service.id, Alert.open_key.is_not(None)).exists()
    )
    return session.scalar(select(Service.id).where(open_on_service).limit(1)) is not None


def oldest_fitting_task(session: Session, time_left: timedelta) -> Task | None:
    """The oldest open task nobody has whose size fits `time_left` (unsized ones fit any):
    the first entries of (owner NULL, open) in ix_tasks_owner_id_status_created_at."""
    fitting = sizes_that_fit(time_left)
    query = (
        select(Task)
        .where(
            Task.owner_id.is_(None),
            Task.status == OPEN,
            or_(Task.size.is_(None), Task.size.in_(fitting)),
        )
        .order_by(Task.created_at, Task.id)
        .limit(1)
    )
    return session.scalar(query)


def next_task_panel(board: Board) -> PanelView | None:
    """The suggestion, or why there is none; no panel when nobody is on support."""
    suggestion = next_task(board.session, board.page.now)
    if suggestion is None:
        return None
    user = board.page.user
    return PanelView(
        "overview/_next_task.html",
        {
            "suggestion": suggestion,
            "engineer": board.person_names.get(suggestion.person_id, suggestion.person_id),
            "is_engineer": user is not None and user.person_id == suggestion.person_id,
            "may_pick": board.page.may("responder"),
        },
    )
