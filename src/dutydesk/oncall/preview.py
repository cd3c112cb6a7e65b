"""What a change would do, before it is confirmed: the change is made for real inside a
transaction, by the same service and rules, the schedule read before and after, and the
transaction rolled back. So a preview can never disagree with what confirming does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.oncall.service import shifts
from dutydesk.rotas.oncall import Segment
from dutydesk.runtime import Runtime


@dataclass(frozen=True)
class ScheduleChange:
    """A rota's final schedule over a window, before and after a change."""

    rota_id: str
    start: datetime
    end: datetime
    before: list[Segment]
    after: list[Segment]


def preview_change(
    runtime: Runtime,
    rota_id: str,
    start: datetime,
    end: datetime,
    change: Callable[[Session], object],
) -> ScheduleChange:
    """Run `change` and report the schedule of [start, end) before and after; keep nothing.

    Errors from the change (Invalid, Conflict, …) propagate, so a form can show them.
    """
    with unit_of_work(runtime.sessions) as session:
        before = shifts(session, rota_id, start, end)
        change(session)
        session.flush()
        after = shifts(session, rota_id, start, end)
        session.rollback()
    return ScheduleChange(rota_id, start, end, before, after)
