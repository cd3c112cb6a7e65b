"""Reading overrides for the on-call maths: on the path of every `who`, so it needs none of
the use cases' dependencies (the audit log, people)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from dutydesk.overrides.models import Override


def overrides_touching(
    session: Session, start: datetime, end: datetime, rota_ids: Sequence[str] | None = None
) -> Sequence[Row[str, str, datetime, datetime, str]]:
    """(rota_id, person_id, start_at, end_at, kind) of the overrides touching [start, end), of
    the named rotas (every rota's when None), oldest first: where overrides overlap, the one
    created later wins, so whoever stacks them in this order gets the right answer."""
    query = select(
        Override.rota_id, Override.person_id, Override.start_at, Override.end_at, Override.kind
    ).where(Override.end_at > start, Override.start_at < end)
    if rota_ids is not None:
        query = query.where(Override.rota_id.in_(rota_ids))
    return session.execute(query.order_by(Override.created_at, Override.id)).all()
