"""On-call use cases: who is on call now, at a time, or over a range, on the rotas' plans with
their overrides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dutydesk.external_rotas.service import contact_names
from dutydesk.oncall.marks import OverrideMark
from dutydesk.overrides.queries import overrides_touching
from dutydesk.people.service import person_names
from dutydesk.rotas.models import Rota
from dutydesk.rotas.oncall import (
    OnCallNow,
    OverridePlan,
    Segment,
    on_call_at,
    schedule,
)
from dutydesk.rotas.plans import compiled_rotas
from dutydesk.rotas.service import get_rota, list_rotas
from dutydesk.team.service import get_team
from dutydesk.timeparse import check_range

LONGEST_SCHEDULE = timedelta(days=800)
# on_call_at looks at most this far either side of the instant (see oncall._SEARCH_WINDOWS).
_WHO_REACH = timedelta(days=400)


@dataclass(frozen=True)
class RotaOnCall:
    """Who is on one rota at an instant."""

    rota_id: str
    rota_name: str
    now: OnCallNow


def names_on_call(session: Session) -> dict[str, str]:
    """The names of everyone a schedule may show: the team's people, and the contacts external
    rotas' feeds put on call."""
    return contact_names(session) | person_names(session)


def overrides_between(
    session: Session,
    rota_ids: Sequence[str],
    start: datetime,
    end: datetime,
    *,
    every_rota: bool = False,
) -> dict[str, list[OverridePlan]]:
    """Overrides touching [start, end) per rota, oldest first (so later ones win).

    With `every_rota`, the rota filter is left out of the query (it would list every id).
    """
    found: dict[str, list[OverridePlan]] = {rota_id: [] for rota_id in rota_ids}
    for row in overrides_touching(session, start, end, None if every_rota else rota_ids):
        if row.rota_id in found:
            found[row.rota_id].append(OverridePlan(row.person_id, row.start_at, row.end_at))
    return found


def override_marks(
    session: Session, start: datetime, end: datetime, rota_ids: Sequence[str] | None = None
) -> dict[str, list[OverrideMark]]:
    """Each rota's overrides touching [start, end) with their kinds, oldest first (later ones
    win), as the calendar and the dashboard tell them apart; every rota's when none is named."""
    marks: dict[str, list[OverrideMark]] = {}
    for row in overrides_touching(session, start, end, rota_ids):
        marks.setdefault(row.rota_id, []).append(
            OverrideMark(row.person_id, row.start_at, row.end_at, row.kind)
        )
    return marks


def who(session: Session, rota_ids: Sequence[str], at: datetime) -> list[RotaOnCall]:
    """Who is on call at `at` on each named rota (all rotas when none are named)."""
    compiled = compiled_rotas(session, get_team(session))
    for rota_id in rota_ids:
        if rota_id not in compiled:
            get_rota(session, rota_id)  # raises NotFound naming the rotas that exist
    chosen = [compiled[r] for r in rota_ids] if rota_ids else list(compiled.values())
    overrides = overrides_between(
        session, [r.id for r in chosen], at - _WHO_REACH, at + _WHO_REACH, every_rota=not rota_ids
    )
    return [RotaOnCall(r.id, r.name, on_call_at(r.plan, overrides[r.id], at)) for r in chosen]


def shifts(session: Session, rota_id: str, start: datetime, end: datetime) -> list[Segment]:
    """The final schedule of one rota in [start, end)."""
    check_range(start, end, longest=LONGEST_SCHEDULE, names=("from", "to"))
    rota = compiled_rotas(session, get_team(session)).get(rota_id)
    if rota is None:
        get_rota(session, rota_id)  # raises NotFound naming the rotas that exist
        raise AssertionError("unreachable")
    overrides = overrides_between(session, [rota_id], start, end)[rota_id]
    return schedule(rota.plan, overrides, start, end)


@dataclass(frozen=True)
class NowAndNext:
    """Who is on a rota now (None: nobody, outside its hours) and until when, and who takes
    over next (the first stretch of someone else)."""

    rota_id: str
    rota_name: str
    current: Segment | None
    # When the current stretch (or the gap without anyone) ends; None: not in the next weeks.
    until: datetime | None
    following: Segment | None


def now_and_next(session: Session, at: datetime, *, horizon: timedelta) -> list[NowAndNext]:
    """For every rota: who is on call at `at`, until when, and the next person within `horizon`."""
    answers = []
    for rota in list_rotas(session):
        segments = shifts(session, rota.id, at, at + horizon)
        current = segments[0] if segments and segments[0].start <= at else None
        later = segments[1:] if current is not None else segments
        # The next handoff to someone else: an in-hours rota's person is back tomorrow
        # morning, which is not news; who takes over from them is.
        following = next((s for s in later if current is None or s.person != current.person), None)
        until = current.end if current is not None else (later[0].start if later else None)
        answers.append(NowAndNext(rota.id, rota.name, current, until, following))
    return answers


def person_shifts(
    session: Session, person_id: str, start: datetime, end: datetime
) -> list[tuple[Rota, Segment]]:
    """One person's stretches on call, on every rota, in [start, end), by start."""
    found = [
        (rota, segment)
        for rota in list_rotas(session)
        for segment in shifts(session, rota.id, start, end)
        if segment.person == person_id
    ]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0].position))
