"""Override use cases: add, list and remove; adding and removing are audited.

Overrides sit beside rotas, not above them: what needs both (who is on call, a rota's final
schedule) is the on-call layer (dutydesk/oncall). So the rota an override names is checked
against the rotas table, by name as the foreign key names it, not through rotas' code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.db import id_exists
from dutydesk.errors import Invalid, NotFound
from dutydesk.external_rotas.service import refuse_if_external
from dutydesk.overrides.models import Override
from dutydesk.people.service import get_person
from dutydesk.timeparse import check_range

LONGEST_OVERRIDE = timedelta(days=366)
NOTE_LENGTH = 500
# Ids are 32-bit integers in the database; a larger one cannot exist (and PostgreSQL would
# refuse to compare with it).
_LARGEST_ID = 2**31 - 1
# The rotas table, as Override.rota_id's foreign key ("rotas.id") knows it: only the columns
# the check below reads.
_ROTAS = table("rotas", column("id"), column("position"))


def add_override(
    session: Session,
    *,
    rota_id: str,
    person_id: str,
    start: datetime,
    end: datetime,
    note: str | None,
    actor: str,
    now: datetime,
) -> Override:
    """Put a person on a rota between two instants; it wins over the layers and older overrides."""
    override = new_override(
        session,
        rota_id=rota_id,
        person_id=person_id,
        start=start,
        end=end,
        note=note,
        actor=actor,
        now=now,
    )
    record(
        session,
        actor=actor,
        action="override.add",
        rota_id=rota_id,
        person_ids=[person_id],
        summary=f"override {override.id}: {person_id} on {rota_id}"
        f" from {start.isoformat()} until {end.isoformat()}",
        details=_override_details(override),
        now=now,
    )
    return override


def new_override(
    session: Session,
    *,
    rota_id: str,
    person_id: str,
    start: datetime,
    end: datetime,
    note: str | None,
    actor: str,
    now: datetime,
) -> Override:
    """Check and create an override without an audit entry: for use cases that record their own.

    A swap, say, makes one or two overrides and records one entry saying why.
    """
    check_rota(session, rota_id)
    refuse_if_external(session, rota_id, "an override")
    try:
        get_person(session, person_id)
    except NotFound:
        # The rota in the path exists; what is wrong is a field of the request.
        raise Invalid(f"person: no person {person_id!r} in the team") from None
    check_range(start, end, longest=LONGEST_OVERRIDE)
    if end <= now:
        raise Invalid(f"until: the override ends in the past ({end.isoformat()})")
    if note is not None and len(note) > NOTE_LENGTH:
        raise Invalid(f"note: at most {NOTE_LENGTH} characters")
    override = Override(
        rota_id=rota_id,
        person_id=person_id,
        start_at=start,
        end_at=end,
        note=note,
        created_at=now,
        created_by=actor,
    )
    session.add(override)
    session.flush()
    return override


def list_overrides(
    session: Session,
    rota_id: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Sequence[Override]:
    """A rota's overrides, optionally only those touching [start, end), by start time."""
    check_rota(session, rota_id)
    query = select(Override).where(Override.rota_id == rota_id)
    if start is not None:
        query = query.where(Override.end_at > start)
    if end is not None:
        query = query.where(Override.start_at < end)
    return session.scalars(query.order_by(Override.start_at, Override.id)).all()


def get_override(session: Session, rota_id: str, override_id: int) -> Override:
    """One override of a rota, or NotFound."""
    check_rota(session, rota_id)
    override = session.get(Override, override_id) if 0 < override_id <= _LARGEST_ID else None
    if override is None or override.rota_id != rota_id:
        raise NotFound(f"no override {override_id} on rota {rota_id!r}")
    return override


def remove_override(
    session: Session, rota_id: str, override_id: int, *, actor: str, now: datetime
) -> Override:
    """Delete an override; returns what was removed."""
    override = get_override(session, rota_id, override_id)
    details = _override_details(override)
    session.delete(override)
    session.flush()
    record(
        session,
        actor=actor,
        action="override.remove",
        rota_id=rota_id,
        person_ids=[override.person_id],
        summary=f"override {override.id} removed: {override.person_id} on {rota_id}"
        f" from {override.start_at.isoformat()} until {override.end_at.isoformat()}",
        details=details,
        now=now,
    )
    return override


def check_rota(session: Session, rota_id: str) -> None:
    """NotFound unless the rota exists, naming the rotas that do (as rotas' get_rota does)."""
    if id_exists(session, "rotas", rota_id):
        return
    known = session.scalars(select(_ROTAS.c.id).order_by(_ROTAS.c.position, _ROTAS.c.id))
    raise NotFound(f"no rota {rota_id!r} (rotas: {', '.join(known) or 'none yet'})")


def _override_details(override: Override) -> dict[str, object]:
    """What the audit log keeps of an override (it outlives the row)."""
    return {
        "override": override.id,
        "person": override.person_id,
        "from": override.start_at.isoformat(),
        "until": override.end_at.isoformat(),
        "note": override.note,
    }
