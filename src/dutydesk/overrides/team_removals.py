"""What removing a person or a rota from the team file does to overrides: a removal is refused
while an override for it is still to come; past overrides go with it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from dutydesk.errors import Conflict
from dutydesk.overrides.models import Override


def make_way_for_removed_people(session: Session, ids: Collection[str], now: datetime) -> None:
    """Refuse while an override for one of these people is to come; delete their past ones."""
    _refuse_while_upcoming(session, Override.person_id, ids, "person", now)
    session.execute(delete(Override).where(Override.person_id.in_(ids)))


def make_way_for_removed_rotas(session: Session, ids: Collection[str], now: datetime) -> None:
    """Refuse while an override on one of these rotas is to come (the database deletes the
    past ones with the rota)."""
    _refuse_while_upcoming(session, Override.rota_id, ids, "rota", now)


def _refuse_while_upcoming(
    session: Session,
    column: InstrumentedAttribute[str],
    ids: Collection[str],
    kind: str,
    now: datetime,
) -> None:
    """Removing a person or rota must not silently drop an override that is still to come."""
    upcoming = session.execute(
        select(column, func.count())
        .where(column.in_(ids), Override.end_at > now)
        .group_by(column)
        .order_by(column)
    ).first()
    if upcoming is not None:
        subject, count = upcoming
        raise Conflict(
            f"cannot remove {kind} {subject}: {count} override(s) for it are still to come;"
            " remove those first (dutydesk override list ROTA, dutydesk override remove)"
        )
