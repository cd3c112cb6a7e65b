"""When the support rota hands over: the start of each turn its layers give (a support week),
with who hands over to whom on the final schedule (overrides, swaps and cover included).

The times come from the layers alone: a day swapped or an hour of break cover moves nobody's
week, so it is not a handover meeting; a swap of a whole week changes who meets, not when.
The end of a working day is not a handoff either (the same person is back in the morning):
announcements' `turns` tells turns from those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy.orm import Session

from dutydesk.announcements.handoffs import turns
from dutydesk.errors import NotFound
from dutydesk.oncall.service import shifts
from dutydesk.rotas.oncall import Segment, schedule
from dutydesk.rotas.plans import compiled_rotas
from dutydesk.team.service import get_team

# How far back the schedule is read to find the turn before a handoff: a turn longer than
# this reports its last LOOK_BACK.
LOOK_BACK = timedelta(days=42)


@dataclass(frozen=True)
class SupportHandoff:
    """A handoff at `at` from `outgoing` (whose turn began at `previous_at`) to `incoming`."""

    at: datetime
    previous_at: datetime
    outgoing: str | None
    incoming: str | None


def turn_starts(planned: Sequence[Segment]) -> list[datetime]:
    """When each turn of a layers-only schedule starts."""
    return [turn.start for turn in turns(planned, None)]


def person_before(final: Sequence[Segment], at: datetime) -> str | None:
    """Who was on call last before `at` on the final schedule (gaps skipped)."""
    earlier = [s for s in final if s.start < at]
    return earlier[-1].person if earlier else None


def person_from(final: Sequence[Segment], at: datetime) -> str | None:
    """Who is on call from `at` on the final schedule (the first stretch ending after it)."""
    later = [s for s in final if s.end > at]
    return later[0].person if later else None


def pair_handoffs(starts: Sequence[datetime], final: Sequence[Segment]) -> list[SupportHandoff]:
    """The handoffs at each turn start after the first (which only opens a period)."""
    return [
        SupportHandoff(at, previous, person_before(final, at), person_from(final, at))
        for previous, at in pairwise(starts)
    ]


def support_handoffs(
    session: Session, rota_id: str, start: datetime, end: datetime
) -> list[SupportHandoff]:
    """The rota's handoffs in (start, end], oldest first."""
    rota = compiled_rotas(session, get_team(session)).get(rota_id)
    if rota is None:
        raise NotFound(f"rota {rota_id!r} not found")
    since, until = start - LOOK_BACK, end + LOOK_BACK
    starts = turn_starts(schedule(rota.plan, [], since, until))
    final = shifts(session, rota_id, since, until)
    return [h for h in pair_handoffs(starts, final) if start < h.at <= end]


def latest_handoff(session: Session, rota_id: str, at: datetime) -> SupportHandoff | None:
    """The last handoff at or before `at`, within LOOK_BACK."""
    found = support_handoffs(session, rota_id, at - LOOK_BACK, at)
    return found[-1] if found else None
