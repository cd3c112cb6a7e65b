"""The dashboard's rota panels: who is on now and next on every rota, and your own shifts."""

from __future__ import annotations

from datetime import datetime, timedelta

from dutydesk.oncall.calendar_view import KIND_LABELS, SHIFT, labelled
from dutydesk.oncall.marks import OverrideMark
from dutydesk.oncall.service import now_and_next, override_marks, person_shifts
from dutydesk.rotas.oncall import Segment
from dutydesk.web.panels import Board, PanelView

# How far ahead the dashboard looks for the next person on a rota and for your own shifts.
NEXT_HORIZON = timedelta(days=31)
YOUR_SHIFTS_AHEAD = timedelta(days=14)


def rotas_now_and_next(board: Board) -> PanelView:
    """A card per rota: who is on now (and whether by a shift or an override), and who is next."""
    now = board.page.now
    rotas = now_and_next(board.session, now, horizon=NEXT_HORIZON)
    marks = override_marks(board.session, now, now + NEXT_HORIZON)
    return PanelView(
        "rotas/_dashboard_now.html",
        {
            "rotas": rotas,
            # Overrides are told apart (override, break cover, swap) as the calendar does.
            "now_kinds": {
                rota.rota_id: _kind_at(rota.current, marks.get(rota.rota_id, []), now)
                for rota in rotas
            },
            "kind_labels": KIND_LABELS,
            "names": board.person_names,
        },
    )


def your_shifts(board: Board) -> PanelView:
    """The signed-in person's shifts in the next two weeks, each stretch with its kind."""
    page = board.page
    person_id = page.user.person_id if page.user is not None else None
    stretches = []
    if person_id is not None:
        end = page.now + YOUR_SHIFTS_AHEAD
        marks = override_marks(board.session, page.now, end)
        stretches = [
            (rota, stretch)
            for rota, segment in person_shifts(board.session, person_id, page.now, end)
            for stretch in labelled(segment, marks.get(rota.id, []))
        ]
    return PanelView(
        "rotas/_dashboard_mine.html",
        {"mine": stretches, "linked": person_id is not None, "kind_labels": KIND_LABELS},
    )


def _kind_at(segment: Segment | None, marks: list[OverrideMark], at: datetime) -> str:
    """How the person on call at `at` came to be: the rota's shift or a kind of override."""
    if segment is None:
        return SHIFT
    return next(
        (kind for start, end, _, kind in labelled(segment, marks) if start <= at < end), SHIFT
    )
