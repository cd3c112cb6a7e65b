"""Which rotas announce, and where: their own `announce`, or else the team's."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dutydesk.rotas.plans import CompiledRota, compiled_rotas
from dutydesk.team.models import Team
from dutydesk.team.spec import AnnounceSpec

_CACHED_REVISIONS = 4
# Read once per team revision, as the compiled rotas are: the worker asks every few seconds.
_cache: OrderedDict[str, list[AnnouncedRota]] = OrderedDict()


@dataclass(frozen=True)
class AnnouncedRota:
    """A rota with its compiled plan and where it announces."""

    rota: CompiledRota
    announce: AnnounceSpec


def announced_rotas(session: Session, team: Team) -> list[AnnouncedRota]:
    """Rotas that announce somewhere: their own `announce`, or else the team's."""
    cached = _cache.get(team.revision)
    if cached is not None:
        _cache.move_to_end(team.revision)
        return cached
    announced = [
        AnnouncedRota(rota, AnnounceSpec.model_validate(rota.announce))
        for rota in compiled_rotas(session, team).values()
        if rota.announce is not None
    ]
    _cache[team.revision] = announced
    while len(_cache) > _CACHED_REVISIONS:
        _cache.popitem(last=False)
    return announced
