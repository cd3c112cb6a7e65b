"""Break cover: someone covers a rota for a short while ("cover me for 45 minutes from 12:30").

Cover is an override of kind "cover" on top of the person on call, who must be someone else;
the rota's channels are told (announcements), in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.announcements.break_cover import announce_break_cover
from dutydesk.audit.service import record
from dutydesk.errors import Conflict, Invalid
from dutydesk.external_rotas.service import refuse_if_external
from dutydesk.oncall.service import who
from dutydesk.overrides.models import Override
from dutydesk.overrides.service import new_override

LONGEST_COVER = timedelta(hours=12)
# "Now" typed a moment ago is still now: a start this far in the past is taken as now.
_GRACE = timedelta(minutes=1)


def add_cover(
    session: Session,
    *,
    rota_id: str,
    person_id: str,
    start: datetime,
    length: timedelta,
    note: str | None,
    actor: str,
    now: datetime,
) -> Override:
    """Put `person_id` on the rota for a short window, and tell the rota's channels."""
    refuse_if_external(session, rota_id, "break cover")
    if start < now - _GRACE:
        raise Invalid(f"from: cover cannot start in the past ({start.isoformat()})")
    start = max(start, now)
    if length <= timedelta(0):
        raise Invalid("for: the cover must last at least a minute")
    if length > LONGEST_COVER:
        raise Invalid(
            f"for: break cover lasts at most {LONGEST_COVER.seconds // 3600} hours;"
            " use an override for longer"
        )
    end = start + length
    clash = session.scalar(
        select(Override).where(
            Override.rota_id == rota_id,
            Override.kind == "cover",
            Override.start_at < end,
            Override.end_at > start,
        )
    )
    if clash is not None:
        raise Conflict(
            f"overlaps cover {clash.id} by {clash.person_id}"
            f" ({clash.start_at.isoformat()} to {clash.end_at.isoformat()})"
        )
    [covered] = who(session, [rota_id], start)
    if covered.now.person is None:
        raise Invalid(
            f"from: nobody is on {rota_id} at {start.isoformat()}, so there is no one to cover"
        )
    if covered.now.person == person_id:
        raise Invalid(
            f"by: {person_id} is the one on call on {rota_id} then; cover is by someone else"
        )
    cover = new_override(
        session,
        rota_id=rota_id,
        person_id=person_id,
        start=start,
        end=end,
        note=note,
        actor=actor,
        now=now,
    )
    cover.kind = "cover"
    covering_for = covered.now.person
    record(
        session,
        actor=actor,
        action="cover.add",
        rota_id=rota_id,
        person_ids=[person_id] + ([covering_for] if covering_for else []),
        summary=f"cover {cover.id}: {person_id} covers {rota_id}"
        f" from {start.isoformat()} until {end.isoformat()}",
        details={"override": cover.id, "covering_for": covering_for, "note": note},
        now=now,
    )
    # A step of its own, asked of announcements: queued in this transaction, so the channels
    # are told of the cover if and only if it is made.
    announce_break_cover(session, cover, covering_for=covering_for, now=now)
    session.flush()
    return cover
