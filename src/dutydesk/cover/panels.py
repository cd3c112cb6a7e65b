"""The dashboard's panel of break cover: in effect now, or starting within a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from dutydesk.overrides.models import Override
from dutydesk.web.panels import Board, PanelView

# Break cover shown: in effect now, or starting within this long.
COVER_AHEAD = timedelta(hours=24)


def break_cover(board: Board) -> PanelView:
    """Break cover now and in the next day, soonest first."""
    now = board.page.now
    cover = board.session.scalars(
        select(Override)
        .where(
            Override.kind == "cover",
            Override.end_at > now,
            Override.start_at < now + COVER_AHEAD,
        )
        .order_by(Override.start_at)
    ).all()
    return PanelView(
        "cover/_dashboard.html",
        {"cover": cover, "names": board.person_names, "rota_names": board.rota_names},
    )
