"""The home page: who is on now and next on every rota, your shifts, swaps you could take."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.views import alert_lines, count_open
from dutydesk.alerts.views import names as alert_names
from dutydesk.db import unit_of_work
from dutydesk.overrides.models import Override
from dutydesk.people.service import list_people
from dutydesk.rotas.calendar_view import KIND_LABELS, SHIFT, OverrideMark, labelled
from dutydesk.rotas.oncall import Segment
from dutydesk.rotas.service import list_rotas, now_and_next, person_shifts
from dutydesk.swaps.service import list_swaps
from dutydesk.web.page import SignedInPage

router = APIRouter(include_in_schema=False)

# How far ahead the dashboard looks for the next person on a rota and for your own shifts.
NEXT_HORIZON = timedelta(days=31)
YOUR_SHIFTS_AHEAD = timedelta(days=14)
# Break cover shown: in effect now, or starting within this long.
COVER_AHEAD = timedelta(hours=24)
# The newest open alerts shown at the top; the rest are on /alerts.
DASHBOARD_ALERTS = 5


@router.get("/", response_class=HTMLResponse)
def dashboard(page: SignedInPage) -> HTMLResponse:
    """The dashboard."""
    assert page.user is not None
    if not page.has_team:
        return page.render("no_team.html", {"active": "dashboard"})
    now = page.now
    person_id = page.user.person_id
    with unit_of_work(page.runtime.read_sessions) as session:
        names = {p.id: p.name for p in list_people(session)}
        rota_names = {r.id: r.name for r in list_rotas(session)}
        rotas = now_and_next(session, now, horizon=NEXT_HORIZON)
        mine = (
            person_shifts(session, person_id, now, now + YOUR_SHIFTS_AHEAD)
            if person_id is not None
            else []
        )
        open_swaps = list_swaps(session, open_only=True)
        marks = _override_marks(session, now, now + max(NEXT_HORIZON, YOUR_SHIFTS_AHEAD))
        cover = session.scalars(
            select(Override)
            .where(
                Override.kind == "cover",
                Override.end_at > now,
                Override.start_at < now + COVER_AHEAD,
            )
            .order_by(Override.start_at)
        ).all()
        open_alerts = alert_lines(session, alert_names(session), limit=DASHBOARD_ALERTS)
        open_alert_count = count_open(session)
    takeable = [
        view
        for view in open_swaps
        if person_id is not None
        and person_id in view.offered_to
        and person_id not in view.declined_by
        and view.swap.requester_id != person_id
        and view.swap.start_at > now
    ]
    asked_by_me = [v for v in open_swaps if v.swap.requester_id == person_id]
    # Overrides are told apart (override, break cover, swap) as the calendar does.
    my_stretches = [
        (rota, stretch)
        for rota, segment in mine
        for stretch in labelled(segment, marks.get(rota.id, []))
    ]
    now_kinds = {
        rota.rota_id: _kind_at(rota.current, marks.get(rota.rota_id, []), now) for rota in rotas
    }
    return page.render(
        "dashboard.html",
        {
            "active": "dashboard",
            "names": names,
            "rota_names": rota_names,
            "rotas": rotas,
            "mine": my_stretches,
            "now_kinds": now_kinds,
            "kind_labels": KIND_LABELS,
            "linked": person_id is not None,
            "takeable": takeable,
            "asked_by_me": asked_by_me,
            "cover": cover,
            "open_alerts": open_alerts,
            "open_alert_count": open_alert_count,
        },
    )


def _override_marks(
    session: Session, start: datetime, end: datetime
) -> dict[str, list[OverrideMark]]:
    """Each rota's overrides touching [start, end), oldest first (later ones win)."""
    rows = session.scalars(
        select(Override)
        .where(Override.end_at > start, Override.start_at < end)
        .order_by(Override.created_at, Override.id)
    )
    marks: dict[str, list[OverrideMark]] = {}
    for row in rows:
        marks.setdefault(row.rota_id, []).append(
            OverrideMark(row.person_id, row.start_at, row.end_at, row.kind)
        )
    return marks


def _kind_at(segment: Segment | None, marks: list[OverrideMark], at: datetime) -> str:
    """How the person on call at `at` came to be: the rota's shift or a kind of override."""
    if segment is None:
        return SHIFT
    return next(
        (kind for start, end, _, kind in labelled(segment, marks) if start <= at < end), SHIFT
    )
