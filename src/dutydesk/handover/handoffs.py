"""When the support rota hands over: the start of each person's turn (a support week), with
who hands over to whom, from the rota's final schedule (overrides, swaps and cover included).

The end of a working day is not a handoff (the same person is back in the morning), nor is
break cover (the person resumes within hours): announcements' `turns` tells turns from those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dutydesk.announcements.handoffs import turns
from dutydesk.oncall.service import shifts
from dutydesk.rotas.oncall import Segment

# How far back the schedule is read to find the turn before a handoff: a turn longer than
# this reports its last LOOK_BACK.
LOOK_BACK = timedelta(days=42)


@dataclass(frozen=True)
class SupportHandoff:
    """A handoff at `at` from `outgoing` (whose turn began at `previous_at`) to `incoming`."""

    at: datetime
    previous_at: datetime
    outgoing: str | None
    incoming: str


def turn_handoffs(segments: Sequence[Segment]) -> list[SupportHandoff]:
    """The handoffs between the turns of a schedule; the first turn only opens a period."""
    found: list[SupportHandoff] = []
    previous: Segment | None = None
    for turn in turns(segments, None):
        if previous is not None:
            found.append(SupportHandoff(turn.start, previous.start, previous.person, turn.person))
        previous = turn
    return found


def support_handoffs(
    session: Session, rota_id: str, start: datetime, end: datetime
) -> list[SupportHandoff]:
    """The rota's handoffs in (start, end], oldest first."""
    segments = shifts(session, rota_id, start - LOOK_BACK, end + timedelta(microseconds=1))
    return [h for h in turn_handoffs(segments) if start < h.at <= end]


def latest_handoff(session: Session, rota_id: str, at: datetime) -> SupportHandoff | None:
    """The last handoff at or before `at`, within LOOK_BACK."""
    found = support_handoffs(session, rota_id, at - LOOK_BACK, at)
    return found[-1] if found else None
