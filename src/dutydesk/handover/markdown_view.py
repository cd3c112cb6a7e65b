"""A stored handover as its Markdown, for the page, the API and the command line."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dutydesk.errors import Conflict
from dutydesk.handover.delivery import handover_link
from dutydesk.handover.markdown import report_markdown
from dutydesk.handover.models import Handover
from dutydesk.runtime import Runtime
from dutydesk.team.service import team_zone
from dutydesk.timeparse import local_text


def acknowledgement_text(row: Handover, session: Session) -> str | None:
    """ "Acknowledged by … at …", or None."""
    if row.acknowledged_at is None:
        return None
    when = local_text(row.acknowledged_at, team_zone(session))
    return f"Acknowledged by {row.acknowledged_by} at {when}."


def markdown_of(session: Session, row: Handover, runtime: Runtime) -> str:
    """The report's Markdown; Conflict before the handoff has come."""
    if row.report is None:
        raise Conflict(f"handover {row.id}: the report is made at the handoff")
    return report_markdown(
        row.report,
        notes=row.notes,
        acknowledged=acknowledgement_text(row, session),
        link=handover_link(runtime.settings.base_url, row.id),
        zone=team_zone(session),
    )
