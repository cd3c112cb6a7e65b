"""Handover use cases: plan a handoff's meeting, make its report, read reports, add the
outgoing engineer's notes and record the incoming engineer's acknowledgement.

Functions take a session and `now` and leave the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.errors import Conflict, Forbidden, Invalid, NotFound
from dutydesk.handover.handoffs import SupportHandoff, latest_handoff
from dutydesk.handover.models import NOTES_LENGTH, Handover
from dutydesk.handover.period import Period
from dutydesk.handover.policy import HandoverPolicy
from dutydesk.handover.report import build_report
from dutydesk.people.models import Person
from dutydesk.text import storable

LISTED = 200
# Ids are 32-bit integers: PostgreSQL refuses to compare a larger number with one.
LARGEST_ID = 2_147_483_647


def plan_meeting(
    session: Session, policy: HandoverPolicy, handoff: SupportHandoff, now: datetime
) -> Handover | None:
    """The row of a handoff's meeting, new (its invitation is to go out now); None when it
    exists already (planned earlier, or by another worker in the meantime)."""
    if find_handover_at(session, handoff.at) is not None:
        return None
    row = Handover(
        rota_id=policy.support_rota(),
        handoff_at=handoff.at,
        period_start_at=handoff.previous_at,
        outgoing_id=handoff.outgoing,
        incoming_id=handoff.incoming,
        invited_at=now,
        notes="",
    )
    try:
        # A savepoint: losing the race for the unique handoff time to another worker leaves
        # this transaction usable, and that worker sends the invitation.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def make_report(
    session: Session, policy: HandoverPolicy, row: Handover, handoff: SupportHandoff, now: datetime
) -> Handover:
    """Fill in the report of the week `row` ends, as it stands at `now`. Who hands over is read
    again: a swap made after the invitation changes them."""
    row.period_start_at = handoff.previous_at
    row.outgoing_id, row.incoming_id = handoff.outgoing, handoff.incoming
    period = Period(
        start=handoff.previous_at,
        end=handoff.at,
        now=now,
        zone=policy.zone,
        hours=policy.hours,
        outgoing_id=handoff.outgoing,
        incoming_id=handoff.incoming,
    )
    people = dict(session.execute(select(Person.id, Person.name)).all())
    row.report = build_report(
        session, period, rota={"id": row.rota_id, "name": policy.rota_name}, people=people
    )
    row.made_at = now
    return row


def make_latest(
    session: Session, policy: HandoverPolicy, now: datetime, *, actor: str
) -> tuple[Handover, bool]:
    """The report of the latest handoff, made now unless it was made already; returns it and
    whether it is new (`dutydesk handover make`)."""
    handoff = latest_handoff(session, policy.support_rota(), now)
    if handoff is None:
        raise NotFound(f"the rota {policy.support_rota()!r} has not handed over in the last weeks")
    row = plan_meeting(session, policy, handoff, now) or find_handover_at(session, handoff.at)
    assert row is not None
    if row.made_at is not None:
        return row, False
    make_report(session, policy, row, handoff, now)
    record(
        session,
        actor=actor,
        action="make handover",
        rota_id=row.rota_id,
        person_ids=[p for p in (row.outgoing_id, row.incoming_id) if p],
        summary=f"made the handover report of {handoff.at.isoformat()}",
        details={"handover": row.id},
        now=now,
        subject=f"handover:{row.id}",
    )
    return row, True


def find_handover_at(session: Session, handoff_at: datetime) -> Handover | None:
    """The row of the handoff at `handoff_at`, if any."""
    return session.scalar(select(Handover).where(Handover.handoff_at == handoff_at))


def get_handover(session: Session, handover_id: int) -> Handover:
    """A handover by id; NotFound names it."""
    row = session.get(Handover, handover_id) if 1 <= handover_id <= LARGEST_ID else None
    if row is None:
        raise NotFound(f"handover {handover_id} not found")
    return row


def list_handovers(session: Session, limit: int = LISTED) -> Sequence[Handover]:
    """Handovers, the latest handoff first (the coming meeting's too, before its report)."""
    return session.scalars(select(Handover).order_by(Handover.handoff_at.desc()).limit(limit)).all()


def add_notes(
    session: Session,
    handover_id: int,
    text: str,
    *,
    person_id: str | None,
    admin: bool,
    actor: str,
    now: datetime,
) -> Handover:
    """Set the outgoing engineer's notes (Markdown). Only the outgoing engineer, or an admin,
    may; until the incoming engineer has acknowledged the handover."""
    row = get_handover(session, handover_id)
    if not admin and (person_id is None or person_id != row.outgoing_id):
        raise Forbidden("only the outgoing engineer (or an admin) writes the handover notes")
    if row.acknowledged_at is not None:
        raise Conflict("the handover is acknowledged: its notes are final")
    notes = storable(text).strip()
    if len(notes) > NOTES_LENGTH:
        raise Invalid(f"notes: at most {NOTES_LENGTH} characters")
    row.notes, row.notes_by, row.notes_at = notes, person_id or actor, now
    record(
        session,
        actor=actor,
        action="write handover notes",
        rota_id=row.rota_id,
        person_ids=[p for p in (row.outgoing_id,) if p],
        summary=f"wrote the notes of handover {row.id}",
        details={"handover": row.id, "characters": len(notes)},
        now=now,
        subject=f"handover:{row.id}",
    )
    return row


def acknowledge(
    session: Session,
    handover_id: int,
    *,
    person_id: str | None,
    admin: bool,
    actor: str,
    now: datetime,
) -> Handover:
    """Record that the incoming engineer has read the report. Only they, or an admin, may;
    once, after the report is made."""
    row = get_handover(session, handover_id)
    if not admin and (person_id is None or person_id != row.incoming_id):
        raise Forbidden("only the incoming engineer (or an admin) acknowledges the handover")
    if row.made_at is None:
        raise Conflict("the report is made at the handoff: there is nothing to acknowledge yet")
    if row.acknowledged_at is not None:
        raise Conflict(f"already acknowledged by {row.acknowledged_by}")
    row.acknowledged_by, row.acknowledged_at = person_id or actor, now
    record(
        session,
        actor=actor,
        action="acknowledge handover",
        rota_id=row.rota_id,
        person_ids=[p for p in (row.incoming_id,) if p],
        summary=f"acknowledged handover {row.id}",
        details={"handover": row.id, "by": row.acknowledged_by},
        now=now,
        subject=f"handover:{row.id}",
    )
    return row
