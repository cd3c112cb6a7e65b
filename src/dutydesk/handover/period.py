"""The stretch of time a report covers, and what its sections read it with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dutydesk.hours.support import SupportHours


@dataclass(frozen=True)
class Period:
    """[start, end): the week just ended, from the previous handoff to this one.

    `now` is when the report is made (the handoff, or later for `dutydesk handover make`):
    what is "still open" is read as it stands then. `hours` are the team's working hours, as
    the fairness report reads them (`fairness.service.working_hours`): a page outside them was
    out of hours.
    """

    start: datetime
    end: datetime
    now: datetime
    zone: ZoneInfo
    hours: SupportHours
    outgoing_id: str | None
    incoming_id: str | None
