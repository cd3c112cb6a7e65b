"""The home page: who is on now and next on every rota, your shifts, swaps you could take."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.overrides.models import Override
from dutydesk.people.service import list_people
from dutydesk.rotas.service import list_rotas, now_and_next, person_shifts
from dutydesk.swaps.service import list_swaps
from dutydesk.web.page import SignedInPage

router = APIRouter(include_in_schema=False)

# How far ahead the dashboard looks for the next person on a rota and for your own shifts.
NEXT_HORIZON = timedelta(days=31)
YOUR_SHIFTS_AHEAD = timedelta(days=14)
# Break cover shown: in effect now, or starting within this long.
COVER_AHEAD = timedelta(hours=24)


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
        cover = session.scalars(
            select(Override)
            .where(
                Override.kind == "cover",
                Override.end_at > now,
                Override.start_at < now + COVER_AHEAD,
            )
            .order_by(Override.start_at)
        ).all()
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
    return page.render(
        "dashboard.html",
        {
            "active": "dashboard",
            "names": names,
            "rota_names": rota_names,
            "rotas": rotas,
            "mine": mine,
            "linked": person_id is not None,
            "takeable": takeable,
            "asked_by_me": asked_by_me,
            "cover": cover,
        },
    )
