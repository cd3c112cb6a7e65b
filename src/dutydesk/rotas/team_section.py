"""The team file's `rotas`: covered hours, holidays, layers and where handoffs are announced."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dutydesk.external_rotas.models import ExternalRota
from dutydesk.external_rotas.spec import ExternalSpec, MatchSpec, match_document, resolve_url
from dutydesk.rotas.models import LayerMember, Rota, RotaLayer
from dutydesk.rotas.spec import LayerSpec, RotaSpec
from dutydesk.team.sections import KnownIds, Problem, Section, remove_rows, save_in_order
from dutydesk.team.spec import announce_row, announce_spec


def rota_spec(rota: Rota) -> RotaSpec:
    """A stored rota as it would be written in the team file (its feed's URL redacted when
    written out: see external_rotas/spec.py)."""
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
        external=None if rota.external is None else _external_spec(rota.external),
    )


def _external_spec(row: ExternalRota) -> ExternalSpec:
    return ExternalSpec(
        url=row.url,
        refresh=_duration_text(row.refresh_seconds),
        stale_after=_duration_text(row.stale_after_seconds),
        match=MatchSpec.model_validate(row.match),
    )


def _duration_text(seconds: int) -> str:
    days, rest = divmod(seconds // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = "".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n)
    return text or "0m"


def export_rota_document(rota: Rota) -> dict[str, Any]:
    """One rota as `dutydesk export` writes it in the team file's `rotas` list."""
    document = rota_spec(rota).model_dump(mode="python", exclude_none=True)
    _leave_out_empty_fields(document)
    return document


def export_rotas(session: Session) -> list[RotaSpec]:
    """Every stored rota, in the file's order."""
    rotas = session.scalars(
        select(Rota).order_by(Rota.position, Rota.id).options(selectinload(Rota.external))
    )
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
    for index, spec in enumerate(specs):
        if spec.id in changed:
            rota = session.get_one(Rota, spec.id)
            _save_external(rota, spec, now, f"rotas[{index}].external")
    session.flush()


def _save_external(rota: Rota, spec: RotaSpec, now: datetime, where: str) -> None:
    """Keep the rota's `external:`; a changed source is fetched at the worker's next pass.
    Turned into our own rota, the followed shifts go with it."""
    row = rota.external
    if spec.external is None:
        rota.external = None
        return
    written = spec.external
    url = resolve_url(written.url, row.url if row is not None else None, f"{where}.url")
    match = match_document(written.match)
    if row is None:
        row = rota.external = ExternalRota(rota_id=spec.id, events_read=0)
    if row.url != url:
        # Another feed: what the old one's server said of its copy means nothing to the new.
        row.etag = row.last_modified = None
    if row.url != url or row.match != match or row.next_fetch_at is None:
        row.next_fetch_at = now
    row.url, row.match = url, match
    row.refresh_seconds = int(written.refresh_interval.total_seconds())
    row.stale_after_seconds = int(written.stale_after_interval.total_seconds())


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
        if rota.external is not None:
            for feed_name, person_id in rota.external.match.people.items():
                if person_id not in known["people"]:
                    problems.append(
                        (
                            (r, "external", "match", "people", feed_name),
                            f"{person_id!r} is not one of the people in this file",
                        )
                    )
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
    external = rota.get("external")
    if external is not None:
        del rota["layers"]
        match = external["match"]
        if not match["people"]:
            del match["people"]
        if match == {"by": "email"}:
            del external["match"]


SECTION = Section(
    kind="rota",
    item=RotaSpec,
    compared=("name", "hours", "skip_holidays", "layers", "announce", "external"),
    export=export_rotas,
    save=save_rotas,
    remove=remove_rotas,
    problems=rota_problems,
    trim=_leave_out_empty_fields,
    audit_as="rota",
    written_empty=True,
)
