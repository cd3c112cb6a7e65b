"""The list of rotas: each rota's covered hours, who is on it now and who is next.

Each rota's calendar, with its feeds, is dutydesk/calendars/pages.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from dutydesk.db import unit_of_work
from dutydesk.external_rotas.service import FeedStatus, feed_statuses
from dutydesk.oncall.calendar_view import covered_hours_text
from dutydesk.oncall.service import NowAndNext, names_on_call, now_and_next
from dutydesk.rotas.service import list_rotas
from dutydesk.web.page import SignedInPage

router = APIRouter(include_in_schema=False)

# How far ahead the list looks for who is next on a rota.
NEXT_HORIZON = timedelta(days=31)


@dataclass(frozen=True)
class RotaRow:
    """One rota in the list: its covered hours in words and who is on it now."""

    id: str
    name: str
    hours: str
    on_call: NowAndNext
    external: FeedStatus | None = None  # set for a rota another tool owns


@router.get("/rotas", response_class=HTMLResponse)
def rota_list(page: SignedInPage) -> HTMLResponse:
    """Every rota: its covered hours and who is on it now."""
    if not page.has_team:
        return page.render("no_team.html", {"active": "rotas"})
    with unit_of_work(page.runtime.read_sessions) as session:
        names = names_on_call(session)
        on_call = {a.rota_id: a for a in now_and_next(session, page.now, horizon=NEXT_HORIZON)}
        external = {status.rota_id: status for status in feed_statuses(session, page.now)}
        rows = [
            RotaRow(
                rota.id,
                rota.name,
                "as its feed gives"
                if rota.id in external
                else covered_hours_text(rota.hours, skip_holidays=rota.skip_holidays),
                on_call[rota.id],
                external.get(rota.id),
            )
            for rota in list_rotas(session)
        ]
    return page.render("rotas/list.html", {"active": "rotas", "rows": rows, "names": names})
