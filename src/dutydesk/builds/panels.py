"""The dashboard's Builds panel: the jobs red now and who is fixing each; nothing when every
job on a main branch is green."""

from __future__ import annotations

from dutydesk.builds import service
from dutydesk.timeparse import duration_text
from dutydesk.web.panels import Board, PanelView

SHOWN = 5


def builds_panel(board: Board) -> PanelView | None:
    """The red builds, the longest red first; None (no panel) when there are none."""
    red = list(service.red_now(board.session))
    if not red:
        return None
    now = board.page.now
    rows = [
        {
            "spell": spell,
            "red_for": duration_text(now - spell.started_at),
            "fixer": board.person_names.get(spell.claimed_by, spell.claimed_by)
            if spell.claimed_by
            else None,
        }
        for spell in red[:SHOWN]
    ]
    return PanelView("builds/_dashboard.html", {"rows": rows, "more": len(red) - len(rows)})
