"""Red spells: a job on a main branch is red from its first failure until its next success.

A result on a main branch moves its job's open spell (at most one per job): a failure opens one
(and the engineer on support is told, notices.py) or adds to it; a success ends it, as flaky
when it passed at the commit that last failed (a re-run), as fixed otherwise. An aborted build
moves nothing. Times are the CI's (`finished_at`), and deliveries may arrive out of order (a
CI's retried delivery, a slow webhook): a success that finished before the spell began, or before
a failure of the spell, does not end it; a failure that finished before a success already
recorded does not turn the job red again (it belongs to the spell that success ended, or to one
recorded as already over, told to nobody).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select, text, true
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.builds.models import FIXED, FLAKY, RED, SUCCEEDED, BuildResult, RedSpell
from dutydesk.builds.notices import tell_support
from dutydesk.builds.results import BuildReport

ACTOR = "builds"


def subject(spell: RedSpell) -> str:
    """What the audit log files a spell's entries under."""
    return f"build-spell:{spell.id}"


# Built once: every result on a main branch asks it. Its id alone, in Core: most jobs are
# green, and the ORM's loading costs more than the query when there is no row to load.
_SPELLS = cast(Table, RedSpell.__table__)
_OPEN_SPELL = (
    select(_SPELLS.c.id)
    .where(
        _SPELLS.c.source == bindparam("source"),
        _SPELLS.c.pipeline == bindparam("pipeline"),
        _SPELLS.c.job == bindparam("job"),
        _SPELLS.c.ended_at.is_(None),
    )
    .with_for_update()
)
# The job's main-branch results finished after a time: what came later by the CI's clock,
# though it arrived first. Through the results' unique key, which starts with the job.
_RESULTS = cast(Table, BuildResult.__table__)
_LATER = (
    _RESULTS.c.source == bindparam("source"),
    _RESULTS.c.pipeline == bindparam("pipeline"),
    _RESULTS.c.job == bindparam("job"),
    _RESULTS.c.on_main.is_(true()),
    _RESULTS.c.finished_at > bindparam("at"),
)
_NEXT_SUCCESS = (
    select(_RESULTS.c.finished_at, _RESULTS.c.sha)
    .where(*_LATER, _RESULTS.c.status == SUCCEEDED)
    .order_by(_RESULTS.c.finished_at)
    .limit(1)
)
_JOB_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_LATER_FAILURE = select(_RESULTS.c.id).where(*_LATER, _RESULTS.c.status.in_(sorted(RED))).limit(1)


def job_name(spell: RedSpell | BuildResult | BuildReport) -> str:
    """`concourse paas-cf/deploy`: the job as people name it."""
    return f"{spell.source} {spell.pipeline}/{spell.job}"


def open_spell(session: Session, source: str, pipeline: str, job: str) -> RedSpell | None:
    """The job's open red spell, locked until commit (PostgreSQL), or None when it is green."""
    if session.get_bind().dialect.name == "postgresql":
        # A green job has no spell row to lock: two first failures at once (two deliveries, two
        # server processes) would each open one. Locking the job's name makes the second wait
        # for the first's commit and then find its spell. (SQLite has one writer at a time.)
        session.execute(_JOB_LOCK, {"key": _job_lock_key(source, pipeline, job)})
    spell_id = session.execute(
        _OPEN_SPELL, {"source": source, "pipeline": pipeline, "job": job}
    ).scalar()
    found = session.get(RedSpell, spell_id) if spell_id is not None else None
    return found


def _job_lock_key(source: str, pipeline: str, job: str) -> int:
    """The job's advisory lock: 64 bits of a hash of its name."""
    digest = hashlib.sha256("\x1f".join(("build-job", source, pipeline, job)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def follow(
    session: Session, result: BuildReport, *, now: datetime, base_url: str
) -> tuple[RedSpell | None, str | None]:
    """Move the job's red spell on a main-branch result; (the spell, how it turned) or
    (None, None) when nothing changed."""
    if result.status not in RED and result.status != SUCCEEDED:
        return None, None
    spell = open_spell(session, result.source, result.pipeline, result.job)
    later = {
        "source": result.source,
        "pipeline": result.pipeline,
        "job": result.job,
        "at": result.finished_at,
    }
    if result.status in RED:
        if spell is not None and result.finished_at >= spell.started_at:
            spell.failures += 1
            spell.last_failing_sha = result.sha
            return spell, "failing"
        success = session.execute(_NEXT_SUCCESS, later).first()
        if spell is not None and (success is None or success.finished_at >= spell.started_at):
            # An earlier failure of the open spell, arriving late: the spell began with it.
            spell.failures += 1
            spell.started_at = result.finished_at
            spell.first_failing_sha, spell.first_failing_url = result.sha, result.url
            return spell, "failing"
        if success is None:
            return _turn_red(session, result, now=now, base_url=base_url), "red"
        return _red_before_arriving(session, result, success, now=now), None
    if spell is None or result.finished_at < spell.started_at:
        return None, None
    if session.execute(_LATER_FAILURE, later).first() is not None:
        return None, None  # the job failed again after this success: it is still red
    ending = FLAKY if result.sha is not None and result.sha == spell.last_failing_sha else FIXED
    spell.ended_at = result.finished_at
    spell.ending = ending
    spell.ended_by_sha = result.sha
    record(
        session,
        actor=ACTOR,
        action="build.green",
        rota_id=None,
        person_ids=[spell.claimed_by] if spell.claimed_by else [],
        summary=f"{job_name(spell)} is green again ({ending}) after {spell.failures}"
        f" failure{'s' if spell.failures != 1 else ''}",
        details={
            "spell": spell.id,
            "ending": spell.ending,
            "sha": result.sha,
            "build_id": result.build_id,
            "attempt": result.attempt,
            "failures": spell.failures,
        },
        now=now,
        subject=subject(spell),
    )
    return spell, ending


def _spell_from(result: BuildReport) -> RedSpell:
    """A red spell begun by its first failure."""
    assert result.branch is not None  # only main-branch results come here
    return RedSpell(
        source=result.source,
        pipeline=result.pipeline,
        job=result.job,
        branch=result.branch,
        started_at=result.finished_at,
        first_failing_sha=result.sha,
        last_failing_sha=result.sha,
        first_failing_url=result.url,
        failures=1,
    )


def _turn_red(session: Session, result: BuildReport, *, now: datetime, base_url: str) -> RedSpell:
    spell = _spell_from(result)
    session.add(spell)
    session.flush()
    spell.told_person_id = tell_support(session, spell, result, now=now, base_url=base_url)
    record(
        session,
        actor=ACTOR,
        action="build.red",
        rota_id=None,
        person_ids=[spell.told_person_id] if spell.told_person_id else [],
        summary=f"{job_name(spell)} turned red on {spell.branch}",
        details={
            "spell": spell.id,
            "sha": result.sha,
            "build_id": result.build_id,
            "attempt": result.attempt,
            "status": result.status,
            "told": spell.told_person_id,
        },
        now=now,
        subject=subject(spell),
    )
    return spell


def _red_before_arriving(
    session: Session,
    result: BuildReport,
    success: Row[Any, Any],
    *,
    now: datetime,
) -> RedSpell:
    """A failure that finished before a success already recorded: the job went green again
    before anyone heard of it. It joins the spell that success ended, or is recorded as a spell
    already over (its red time and flakiness count); nobody is told of a job that is green."""
    spell = session.scalar(
        select(RedSpell).where(
            RedSpell.source == result.source,
            RedSpell.pipeline == result.pipeline,
            RedSpell.job == result.job,
            RedSpell.ended_at == success.finished_at,
            RedSpell.ending.in_((FIXED, FLAKY)),
        )
    )
    if spell is not None:
        spell.failures += 1
        if result.finished_at < spell.started_at:
            spell.started_at = result.finished_at
            spell.first_failing_sha, spell.first_failing_url = result.sha, result.url
        return spell
    spell = _spell_from(result)
    spell.ended_at, spell.ended_by_sha = success.finished_at, success.sha
    spell.ending = FLAKY if result.sha is not None and result.sha == success.sha else FIXED
    session.add(spell)
    session.flush()
    record(
        session,
        actor=ACTOR,
        action="build.red",
        rota_id=None,
        person_ids=[],
        summary=f"{job_name(spell)} was red on {spell.branch} until a later build passed"
        f" ({spell.ending}); the failure arrived after the success",
        details={
            "spell": spell.id,
            "sha": result.sha,
            "build_id": result.build_id,
            "attempt": result.attempt,
            "status": result.status,
            "ending": spell.ending,
            "told": None,
        },
        now=now,
        subject=subject(spell),
    )
    return spell
