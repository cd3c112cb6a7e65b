"""The dashboard's Tickets panel: the tickets nearest breach and those nobody has picked up,
with their countdowns; the queue has the rest."""

from __future__ import annotations

from dutydesk.tickets import service
from dutydesk.tickets.models import RUNNING
from dutydesk.tickets.page_views import Names, queue_rows, tenant_names
from dutydesk.web.panels import Board, PanelView

# Rows of each list: at most eight in all, so the panel stays a glance.
NEAREST_SHOWN = 4
UNASSIGNED_SHOWN = 4


def tickets_panel(board: Board) -> PanelView:
    """The running clocks due soonest, and the unassigned tickets, with how many of each."""
    session = board.session
    nearest = service.list_tickets(session, service.Queue(statuses=RUNNING, limit=NEAREST_SHOWN))
    unassigned_queue = service.Queue(unassigned=True, limit=UNASSIGNED_SHOWN)
    unassigned = service.list_tickets(session, unassigned_queue)
    # Tenants by id for the rows; people come from the board, read once for every panel.
    known = Names(board.person_names, tenant_names(session))
    now = board.page.now
    return PanelView(
        "tickets/_dashboard.html",
        {
            "nearest": queue_rows(nearest, known, now),
            "unassigned": queue_rows(unassigned, known, now),
            "unassigned_count": service.count_tickets(session, unassigned_queue),
            "open_count": service.count_tickets(session, service.Queue()),
        },
    )
