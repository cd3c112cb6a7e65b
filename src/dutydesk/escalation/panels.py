"""The dashboard's panel of open alerts: the newest few, and how many there are."""

from __future__ import annotations

from dutydesk.escalation.alert_views import alert_lines, count_open, names
from dutydesk.web.panels import Board, PanelView

# The newest open alerts shown at the top; the rest are on /alerts.
DASHBOARD_ALERTS = 5


def open_alerts(board: Board) -> PanelView:
    """The newest open alerts, with the count of all of them."""
    session = board.session
    return PanelView(
        "alerts/_dashboard.html",
        {
            "open_alerts": alert_lines(session, names(session), limit=DASHBOARD_ALERTS),
            "open_alert_count": count_open(session),
        },
    )
