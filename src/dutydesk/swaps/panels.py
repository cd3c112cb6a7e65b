"""The dashboard's panel of swap requests: those the user could take, and their own."""

from __future__ import annotations

from dutydesk.swaps.service import list_swaps
from dutydesk.web.panels import Board, PanelView


def swaps_for_you(board: Board) -> PanelView:
    """Open requests the user could take, and the user's own still waiting for an answer."""
    page = board.page
    person_id = page.user.person_id if page.user is not None else None
    open_swaps = list_swaps(board.session, open_only=True)
    return PanelView(
        "swaps/_dashboard.html",
        {
            "takeable": [
                view
                for view in open_swaps
                if person_id is not None and view.takeable_by(person_id, page.now)
            ],
            "asked_by_me": [view for view in open_swaps if view.swap.requester_id == person_id],
            "names": board.person_names,
            "rota_names": board.rota_names,
        },
    )
