"""Who is a member of which rota."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.rotas.models import LayerMember, Rota, RotaLayer


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
