"""Which rotas announce, and where: their own `announce`, or else the team's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dutydesk.rotas.plans import CompiledRota, compiled_rotas
from dutydesk.team.models import Team
from dutydesk.team.spec import AnnounceSpec


@dataclass(frozen=True)
class AnnouncedRota:
    """A rota with its compiled plan and where it announces."""

    rota: CompiledRota
    announce: AnnounceSpec


def announced_rotas(session: Session, team: Team) -> list[AnnouncedRota]:
    """Rotas that announce somewhere: their own `announce`, or else the team's."""
    return [
        AnnouncedRota(rota, rota.announce)
        for rota in compiled_rotas(session, team).values()
        if rota.announce is not None
    ]
