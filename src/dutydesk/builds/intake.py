"""Taking a build result in: stored once (a repeat of the same build and attempt is dropped),
and, on a main branch, followed by its job's red spell (spells.py).

One function for every door: GitHub's webhook, the generic webhook and `dutydesk build record`.
It does not commit; the caller's unit of work (or the webhooks' group commit) does.

A CI sends results by the hundred a second when a pipeline fans out, so the common path is
kept to one statement (insert it unless it is a repeat) and, on a main branch, one more (the
job's open spell): statements built once here, not per result, and a Core insert rather than
the ORM's unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dutydesk.builds.branches import main_branches
from dutydesk.builds.models import BuildResult
from dutydesk.builds.results import BuildReport, checked
from dutydesk.builds.spells import follow

_RESULTS = cast(Table, BuildResult.__table__)
_IDENTITY = ["source", "pipeline", "job", "build_id", "attempt"]
# INSERT … ON CONFLICT DO NOTHING RETURNING id: a repeat returns no row, and nothing is read
# before the write (SQLite 3.35 and PostgreSQL both take it).
_INSERT_NEW: dict[str, Insert] = {
    "postgresql": postgresql.insert(_RESULTS)
    .on_conflict_do_nothing(index_elements=_IDENTITY)
    .returning(_RESULTS.c.id),
    "sqlite": sqlite.insert(_RESULTS)
    .on_conflict_do_nothing(index_elements=_IDENTITY)
    .returning(_RESULTS.c.id),
}


@dataclass(frozen=True, slots=True)
class Recorded:
    """What came of a result: its row (None when it was a repeat), and the job's red spell
    when the result started, added to or ended one (`turned`: red, failing, fixed, flaky)."""

    result_id: int | None
    spell_id: int | None = None
    turned: str | None = None

    @property
    def duplicate(self) -> bool:
        return self.result_id is None


def record_result(
    session: Session, report: BuildReport, *, now: datetime, base_url: str
) -> Recorded:
    """Store a finished build (Invalid names a bad field) and follow its job's red spell."""
    return record_checked(session, checked(report, now), now=now, base_url=base_url)


def record_checked(
    session: Session, report: BuildReport, *, now: datetime, base_url: str
) -> Recorded:
    """`record_result` for a report already `checked` (the webhooks check it before queueing
    it for the group commit, so that a bad one never reaches the writer)."""
    identity: dict[str, Any] = {
        "source": report.source,
        "pipeline": report.pipeline,
        "job": report.job,
        "build_id": report.build_id,
        "attempt": report.attempt,
    }
    on_main = report.branch is not None and report.branch in main_branches(session)
    result_id: int | None = session.execute(
        _INSERT_NEW[session.get_bind().dialect.name],
        identity
        | {
            "status": report.status,
            "branch": report.branch,
            "sha": report.sha,
            "url": report.url,
            "workflow_name": report.workflow_name,
            "on_main": on_main,
            "finished_at": report.finished_at,
            "received_at": now,
        },
    ).scalar()
    if result_id is None:
        return Recorded(None)
    if not on_main:
        return Recorded(result_id)
    spell, turned = follow(session, report, now=now, base_url=base_url)
    return Recorded(result_id, spell.id if spell is not None else None, turned)
