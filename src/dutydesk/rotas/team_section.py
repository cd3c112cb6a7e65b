"""The team file's `rotas`: covered hours, holidays, layers and where handoffs are announced."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.rotas.models import LayerMember, Rota, RotaLayer
from dutydesk.rotas.spec import LayerSpec, RotaSpec
from dutydesk.team.sections import KnownIds, Problem, Section, remove_rows, save_in_order
from dutydesk.team.spec import announce_row, announce_spec


def rota_spec(rota: Rota) -> RotaSpec:
    """A stored rota as it would be written in the team file."""
    return RotaSpec(
        id=rota.id,
        name=rota.name,
        hours=list(rota.hours),
        skip_holidays=rota.skip_holidays,
        announce=announce_spec(rota.announce),
        layers=[
            LayerSpec(
                members=[m.person_id for m in layer.members],
                shift=layer.shift,
                handoff=layer.handoff,
                start=layer.start,
                end=layer.end,
                hours=list(layer.hours),
            )
            for layer in rota.layers
        ],
    )


def export_rota_document(rota: Rota) -> dict[str, Any]:
    """One rota as `dutydesk export` writes it in the team file's `rotas` list."""
    document = rota_spec(rota).model_dump(mode="python", exclude_none=True)
    _leave_out_empty_fields(document)
    return document


def export_rotas(session: Session) -> list[RotaSpec]:
    """Every stored rota, in the file's order."""
    rotas = session.scalars(select(Rota).order_by(Rota.position, Rota.id))
    return [rota_spec(rota) for rota in rotas]


def save_rotas(
    session: Session, specs: Sequence[RotaSpec], changed: Collection[str], now: datetime
) -> None:
    """Create or update the rotas whose ids are given; a changed rota's layers are replaced."""

    def fill(rota: Rota, spec: RotaSpec) -> None:
        # A new rota's calendar feed gets its own secret part of the address.
        rota.feed_salt = rota.feed_salt or secrets.token_hex(16)
        rota.name = spec.name
        rota.hours = list(spec.hours)
        rota.skip_holidays = spec.skip_holidays
        rota.announce = announce_row(spec.announce)
        rota.layers = [_layer_row(i, layer) for i, layer in enumerate(spec.layers)]

    save_in_order(session, Rota, specs, changed, fill)


def remove_rotas(session: Session, ids: Collection[str], now: datetime) -> None:
    """Remove rotas with their layers (and, through the database, their past overrides)."""
    remove_rows(session, Rota, ids)


def rota_problems(specs: Sequence[RotaSpec], known: KnownIds) -> list[Problem]:
    """Each rota once; every member one of the file's people."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for r, rota in enumerate(specs):
        if rota.id in seen:
            problems.append(((r, "id"), f"duplicate rota id {rota.id!r}"))
        seen.add(rota.id)
        for layer_index, layer in enumerate(rota.layers):
            for m, member in enumerate(layer.members):
                if member not in known["people"]:
                    problems.append(
                        (
                            (r, "layers", layer_index, "members", m),
                            f"{member!r} is not one of the people in this file",
                        )
                    )
    return problems


def _layer_row(position: int, layer: LayerSpec) -> RotaLayer:
    return RotaLayer(
        position=position,
        shift=layer.shift,
        handoff=layer.handoff,
        start=layer.start,
        end=layer.end,
        hours=list(layer.hours),
        members=[LayerMember(position=i, person_id=m) for i, m in enumerate(layer.members)],
    )


def _leave_out_empty_fields(rota: dict[str, Any]) -> None:
    for key in ("hours",):
        if not rota[key]:
            del rota[key]
    if not rota["skip_holidays"]:
        del rota["skip_holidays"]
    for layer in rota["layers"]:
        if not layer["hours"]:
            del layer["hours"]


SECTION = Section(
    kind="rota",
    item=RotaSpec,
    compared=("name", "hours", "skip_holidays", "layers", "announce"),
    export=export_rotas,
    save=save_rotas,
    remove=remove_rotas,
    problems=rota_problems,
    trim=_leave_out_empty_fields,
    audit_as="rota",
    written_empty=True,
)
