"""The builds worker cycle: tell the engineer who next comes on support of the jobs that
turned red while nobody was on support (outside the support rota's hours, or a gap in it).

Open spells nobody was told of (`told_person_id` NULL) are claimed with FOR UPDATE SKIP LOCKED,
so several workers on PostgreSQL never take the same one; the notice is queued in the outbox
(keyed by the spell, notices.late_key) and the spell records who was told in the same
transaction, so a worker killed at any point leaves both or neither: each is told once. A spell
that went green (or was dismissed) before anyone came on support is told of to nobody: it no
longer needs fixing, and the report still counts it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.builds.models import RedSpell
from dutydesk.builds.notices import support_person, tell_late
from dutydesk.builds.spells import ACTOR, job_name, subject
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.timeparse import local_text, parse_zone

BATCH = 100


def builds_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: tell the engineer on support now of the red jobs nobody was told of; returns
    how many spells they were told of (none while nobody is on support)."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        untold = untold_spells(session)
        if not untold:
            return 0
        person = support_person(session, now)
        team = find_team(session)
        if person is None or team is None:
            return 0
        zone, base_url = parse_zone(team.timezone), runtime.settings.base_url
        for spell in untold:
            tell_late(session, spell, person, zone=zone, now=now, base_url=base_url)
            spell.told_person_id = person.id
            record(
                session,
                actor=ACTOR,
                action="build.told",
                rota_id=None,
                person_ids=[person.id],
                summary=f"{person.name} told that {job_name(spell)} is red (since"
                f" {local_text(spell.started_at, zone)}, when nobody was on support)",
                details={"spell": spell.id, "told": person.id},
                now=now,
                subject=subject(spell),
            )
        session.commit()
    return len(untold)


def untold_spells(session: Session, limit: int = BATCH) -> list[RedSpell]:
    """The open spells nobody was told of, the longest red first, locked for this pass."""
    return list(
        session.scalars(
            select(RedSpell)
            .where(RedSpell.ended_at.is_(None), RedSpell.told_person_id.is_(None))
            .order_by(RedSpell.started_at, RedSpell.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
