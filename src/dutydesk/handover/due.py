"""The handover worker cycle: invite to each handoff's meeting ahead of it, and make and
deliver the report of the week at the handoff.

It runs only when the team file has `handover:` and `support: rota`, and only for handoffs
after `handover:` was applied. A handoff's row is unique by its time, so two workers never
make two; the report's row is claimed with FOR UPDATE SKIP LOCKED (SQLite: its write lock) and
filled, and its messages queued, in one transaction: a worker killed midway leaves neither.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.handover import delivery
from dutydesk.handover.handoffs import SupportHandoff, support_handoffs
from dutydesk.handover.models import Handover
from dutydesk.handover.policy import HandoverPolicy, handover_policy
from dutydesk.handover.service import make_report, plan_meeting
from dutydesk.notify.service import Outgoing, enqueue_many
from dutydesk.people.models import Person
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team

# Invitations go out at most this far ahead (past the longest lead a team file may set: nine
# working days over holidays).
INVITE_HORIZON = timedelta(days=21)
LONGEST_CATCH_UP = timedelta(days=56)


def handover_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: send the invitations and make the reports that are due; returns how many."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        if find_team(session) is None:
            return 0
        policy = handover_policy(session)
        if policy.since_at is None or policy.rota_id is None:
            return 0
        handoffs = support_handoffs(
            session, policy.rota_id, _reported_until(session, policy, now), now + INVITE_HORIZON
        )
        people = {p.id: p for p in session.scalars(select(Person))}
        messages: list[Outgoing] = []
        handled = 0
        for handoff in handoffs:
            if policy.invite_at(handoff.at) > now:
                continue
            row = plan_meeting(session, policy, handoff, now)
            if row is not None:
                session.flush()
                messages += delivery.invitation_messages(
                    policy,
                    row,
                    people,
                    base_url=runtime.settings.base_url,
                    sender=runtime.settings.smtp_from,
                    now=now,
                )
                handled += 1
            if handoff.at <= now:
                made = _make(session, policy, handoff, now)
                if made is not None:
                    messages += delivery.report_messages(
                        policy, made, people, base_url=runtime.settings.base_url
                    )
                    handled += 1
        enqueue_many(session, messages, now)
        session.commit()
    return handled


def _reported_until(session: Session, policy: HandoverPolicy, now: datetime) -> datetime:
    """Where to look for handoffs from: the latest one reported, the section's start, and no
    further back than LONGEST_CATCH_UP (a worker down for months catches up on weeks only)."""
    assert policy.since_at is not None
    latest = session.scalar(
        select(Handover.handoff_at)
        .where(Handover.made_at.is_not(None))
        .order_by(Handover.handoff_at.desc())
        .limit(1)
    )
    return max(policy.since_at, latest or policy.since_at, now - LONGEST_CATCH_UP)


def _make(
    session: Session, policy: HandoverPolicy, handoff: SupportHandoff, now: datetime
) -> Handover | None:
    """The handoff's row with its report made now, unless made already or held by another."""
    row = session.scalar(
        select(Handover)
        .where(Handover.handoff_at == handoff.at, Handover.made_at.is_(None))
        .with_for_update(skip_locked=True)
    )
    if row is None:
        return None
    return make_report(session, policy, row, handoff, now)
