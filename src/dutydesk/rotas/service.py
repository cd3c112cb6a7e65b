"""Rota use cases: list the rotas, find one by its id, and who is on which rota's layers.

Who is on a rota (its plan with the overrides over it) is the on-call layer's question
(dutydesk/oncall/service.py): rotas know nothing of overrides.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.errors import NotFound
from dutydesk.rotas.models import LayerMember, Rota, RotaLayer


def list_rotas(session: Session) -> Sequence[Rota]:
    """All rotas in the team file's order."""
    return session.scalars(select(Rota).order_by(Rota.position, Rota.id)).all()


def get_rota(session: Session, rota_id: str) -> Rota:
    """The rota with this id; NotFound names the rotas that do exist."""
    rota = session.get(Rota, rota_id)
    if rota is None:
        known = ", ".join(r.id for r in list_rotas(session)) or "none yet"
        raise NotFound(f"no rota {rota_id!r} (rotas: {known})")
    return rota


def rotas_of_people(session: Session) -> dict[str, list[tuple[str, str]]]:
    """For each person on any rota's layers, the rotas (id, name), in the team file's order."""
    rows = session.execute(
        select(LayerMember.person_id, Rota.id, Rota.name)
        .join(RotaLayer, RotaLayer.id == LayerMember.layer_id)
        .join(Rota, Rota.id == RotaLayer.rota_id)
        .order_by(Rota.position, Rota.id)
    )
    found: dict[str, dict[str, str]] = {}
    for person_id, rota_id, rota_name in rows:
        found.setdefault(person_id, {})[rota_id] = rota_name
    return {person_id: list(rotas.items()) for person_id, rotas in found.items()}
