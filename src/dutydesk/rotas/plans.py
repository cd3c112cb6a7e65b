"""Compiled rotas, loaded with plain queries and cached per team revision.

Answering "who is on call" for every rota is on the hot path of the API, the CLI and (later)
every page. Building ORM objects for each rota, layer and member costs far more than the maths,
so plans are read as rows and kept in memory, keyed by the team's revision: every change to the
team file gives the team a new revision, so a cached plan is never stale, in any process. An
external rota's shifts change when its feed is refreshed, with no change to the team file: each
refresh that changes them gives the team a new `feeds_revision`, the key's second part.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.external_rotas.models import ExternalRota, ExternalShift
from dutydesk.hours.weekly import WeeklyHours, parse_hours
from dutydesk.rotas.models import LayerMember, Rota, RotaLayer
from dutydesk.rotas.oncall import ExternalShifts, LayerPlan, RotaPlan
from dutydesk.rotas.timespec import Handoff, ShiftLength, parse_handoff, parse_shift
from dutydesk.team.holidays import team_calendar
from dutydesk.team.models import Team
from dutydesk.timeparse import parse_zone

_CACHED_REVISIONS = 4
_cache: OrderedDict[tuple[str, str | None], dict[str, CompiledRota]] = OrderedDict()


@dataclass(frozen=True, slots=True)
class CompiledRota:
    """A rota's id and name with its plan, ready for the on-call maths, and where it announces:
    its own `announce`, else the team's, as stored (None: nowhere). Announcements reads it;
    the on-call maths, on every command's path, does without the team file's models."""

    id: str
    name: str
    plan: RotaPlan
    announce: Mapping[str, Any] | None = None


def compiled_rotas(session: Session, team: Team) -> dict[str, CompiledRota]:
    """Every rota of the team, compiled, in the team file's order."""
    key = (team.revision, team.feeds_revision)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    compiled = _load(session, team)
    _cache[key] = compiled
    while len(_cache) > _CACHED_REVISIONS:
        _cache.popitem(last=False)
    return compiled


def _load(session: Session, team: Team) -> dict[str, CompiledRota]:
    zone, calendar = parse_zone(team.timezone), team_calendar(team)
    members: dict[int, list[str]] = {}
    for layer_id, person_id in session.execute(
        select(LayerMember.layer_id, LayerMember.person_id).order_by(
            LayerMember.layer_id, LayerMember.position
        )
    ):
        members.setdefault(layer_id, []).append(person_id)
    layers: dict[str, list[LayerPlan]] = {}
    for row in session.execute(
        select(
            RotaLayer.id,
            RotaLayer.rota_id,
            RotaLayer.shift,
            RotaLayer.handoff,
            RotaLayer.start,
            RotaLayer.end,
            RotaLayer.hours,
        ).order_by(RotaLayer.rota_id, RotaLayer.position)
    ):
        layers.setdefault(row.rota_id, []).append(
            LayerPlan(
                members=tuple(members.get(row.id, ())),
                shift=_shift(row.shift),
                handoff=_handoff(row.handoff),
                start=row.start,
                end=row.end,
                hours=_hours(tuple(row.hours)),
            )
        )
    external = _external_shifts(session)
    team_announce = team.announce or None
    compiled: dict[str, CompiledRota] = {}
    for rota_id, name, hours, skip_holidays, announce in session.execute(
        select(Rota.id, Rota.name, Rota.hours, Rota.skip_holidays, Rota.announce).order_by(
            Rota.position, Rota.id
        )
    ):
        plan = RotaPlan(
            timezone=zone,
            hours=_hours(tuple(hours)),
            skip_holidays=skip_holidays,
            holidays=calendar,
            layers=tuple(layers.get(rota_id, ())),
            external=external.get(rota_id),
        )
        compiled[rota_id] = CompiledRota(rota_id, name, plan, announce or team_announce)
    return compiled


def _external_shifts(session: Session) -> dict[str, ExternalShifts]:
    """Every external rota's stored shifts (an external rota with none has an empty set)."""
    found: dict[str, list[tuple[datetime, datetime, str]]] = {
        rota_id: [] for rota_id in session.scalars(select(ExternalRota.rota_id))
    }
    for rota_id, start_at, end_at, person_id in session.execute(
        select(
            ExternalShift.rota_id,
            ExternalShift.start_at,
            ExternalShift.end_at,
            ExternalShift.person_id,
        )
    ):
        # setdefault: a rota made external since the first query (another transaction's
        # commit, read committed) has its shifts all the same.
        found.setdefault(rota_id, []).append((start_at, end_at, person_id))
    return {rota_id: ExternalShifts.of(shifts) for rota_id, shifts in found.items()}


# The same few strings recur across rotas; parse each once.
@lru_cache(maxsize=1024)
def _shift(text: str) -> ShiftLength:
    return parse_shift(text)


@lru_cache(maxsize=1024)
def _handoff(text: str) -> Handoff:
    return parse_handoff(text)


@lru_cache(maxsize=1024)
def _hours(texts: tuple[str, ...]) -> tuple[WeeklyHours, ...]:
    return tuple(parse_hours(text) for text in texts)
