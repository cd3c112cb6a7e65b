"""Taking a build result in: stored once (a repeat of the same build and attempt is dropped),
and, on a main branch, followed by its job's red spell (spells.py).

One function for every door: GitHub's webhook, the generic webhook and `dutydesk build record`.
It does not commit; the caller's unit of work (or the webhooks' group commit) does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.builds.branches import main_branches
from dutydesk.builds.models import BuildResult
from dutydesk.builds.results import BuildReport, checked
from dutydesk.builds.spells import follow


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
    report = checked(report, now)
    seen = session.scalar(
        select(BuildResult.id).where(
            BuildResult.source == report.source,
            BuildResult.pipeline == report.pipeline,
            BuildResult.job == report.job,
            BuildResult.build_id == report.build_id,
            BuildResult.attempt == report.attempt,
        )
    )
    if seen is not None:
        return Recorded(None)
    on_main = report.branch is not None and report.branch in main_branches(session)
    result = BuildResult(
        source=report.source,
        pipeline=report.pipeline,
        job=report.job,
        build_id=report.build_id,
        attempt=report.attempt,
        status=report.status,
        branch=report.branch,
        sha=report.sha,
        url=report.url,
        workflow_name=report.workflow_name,
        on_main=on_main,
        finished_at=report.finished_at,
        received_at=now,
    )
    session.add(result)
    session.flush()
    if not on_main:
        return Recorded(result.id)
    spell, turned = follow(session, result, now=now, base_url=base_url)
    return Recorded(result.id, spell.id if spell is not None else None, turned)
