"""Build use cases besides intake: the red jobs now, one spell, claiming a red job ("fixing the
build: alice"), which makes the fixer a task, and dismissing a red spell that will never go
green (its job removed from the pipeline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.builds.models import DISMISSED, REASON_LENGTH, BuildResult, RedSpell
from dutydesk.builds.spells import job_name, subject
from dutydesk.db import LARGEST_ID
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.people.models import Person
from dutydesk.tasks.service import NewTask, add_task
from dutydesk.text import control_character

RECENT_RESULTS = 50


def red_now(session: Session) -> Sequence[RedSpell]:
    """The open red spells, the longest red first."""
    return session.scalars(
        select(RedSpell).where(RedSpell.ended_at.is_(None)).order_by(RedSpell.started_at)
    ).all()


def get_spell(session: Session, spell_id: int, *, for_update: bool = False) -> RedSpell:
    """One red spell, or NotFound; `for_update` locks it (PostgreSQL) until commit."""
    query = select(RedSpell).where(RedSpell.id == spell_id)
    if for_update:
        query = query.with_for_update()
    spell = session.scalar(query) if 0 < spell_id <= LARGEST_ID else None
    if spell is None:
        raise NotFound(f"no red build {spell_id}")
    return spell


def recent_results(session: Session, limit: int = RECENT_RESULTS) -> Sequence[BuildResult]:
    """The latest results on any branch, newest first."""
    return session.scalars(
        select(BuildResult)
        .order_by(BuildResult.finished_at.desc(), BuildResult.id.desc())
        .limit(limit)
    ).all()


def team_person(session: Session, person_id: str) -> Person:
    """The team's person `person_id`, or Invalid."""
    person = session.get(Person, person_id) if len(person_id) <= 64 else None
    if person is None:
        raise Invalid(f"person: there is no person {person_id[:64]!r} on the team")
    return person


def claim(
    session: Session, spell_id: int, person_id: str, *, actor: str, now: datetime, base_url: str
) -> RedSpell:
    """`person_id` is fixing the build: recorded on the spell, in the audit log, and as a task
    of theirs. Claiming again as the same person changes nothing; a spell someone else fixes,
    or one already green, is a Conflict."""
    spell = get_spell(session, spell_id, for_update=True)
    if spell.ending == DISMISSED:
        raise Conflict(f"red build {spell.id} ({job_name(spell)}) was dismissed")
    if spell.ended_at is not None:
        raise Conflict(f"red build {spell.id} ({job_name(spell)}) is green again")
    if spell.claimed_by == person_id:
        return spell
    if spell.claimed_by is not None:
        raise Conflict(f"red build {spell.id} is already being fixed by {spell.claimed_by}")
    person = team_person(session, person_id)
    task = add_task(
        session,
        NewTask(
            title=f"Fix the build: {spell.pipeline}/{spell.job}"[:300],
            owner_id=person.id,
            link=spell.first_failing_url or f"{base_url.rstrip('/')}/builds",
            description=f"{job_name(spell)} has been red on {spell.branch} since"
            f" {spell.started_at.isoformat(timespec='minutes')}.",
        ),
        source=f"build:{spell.id}",
        actor=actor,
        now=now,
    )
    spell.claimed_by, spell.claimed_at, spell.task_id = person.id, now, task.id
    record(
        session,
        actor=actor,
        action="build.claim",
        rota_id=None,
        person_ids=[person.id],
        summary=f"fixing the build: {person.name} ({job_name(spell)})",
        details={"spell": spell.id, "person": person.id, "task": task.id},
        now=now,
        subject=subject(spell),
    )
    session.flush()
    return spell


def check_reason(reason: str) -> str:
    """Why a red spell is dismissed: one line of 1 to REASON_LENGTH characters, trimmed."""
    found = control_character(reason)
    if found is not None:
        raise Invalid(f"reason: must be one line without control characters (found {found})")
    trimmed = reason.strip()
    if not trimmed:
        raise Invalid("reason: say why the build will not go green, such as: job removed")
    if len(trimmed) > REASON_LENGTH:
        raise Invalid(f"reason: at most {REASON_LENGTH} characters (this has {len(trimmed)})")
    return trimmed


def dismiss(
    session: Session, spell_id: int, reason: str, *, by: str, actor: str, now: datetime
) -> RedSpell:
    """End a red spell by hand now, as dismissed, with who (`by`: a person's id, or a user's
    name) and why: for a job that will never go green (removed from its pipeline, its pipeline
    retired). Its red time counts up to now; the job's next failure starts a new spell. A task
    its claim made stays as it is. A spell already ended is a Conflict."""
    reason = check_reason(reason)
    spell = get_spell(session, spell_id, for_update=True)
    if spell.ended_at is not None:
        raise Conflict(f"red build {spell.id} ({job_name(spell)}) already ended: {spell.ending}")
    spell.ended_at, spell.ending = now, DISMISSED
    spell.dismissed_by, spell.dismissal_reason = by[:200], reason
    record(
        session,
        actor=actor,
        action="build.dismiss",
        rota_id=None,
        person_ids=[by] if len(by) <= 64 and session.get(Person, by) is not None else [],
        summary=f"{job_name(spell)} dismissed after {spell.failures}"
        f" failure{'s' if spell.failures != 1 else ''}: {reason}",
        details={"spell": spell.id, "ending": DISMISSED, "by": by, "reason": reason},
        now=now,
        subject=subject(spell),
    )
    session.flush()
    return spell
