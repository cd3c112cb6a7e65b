"""Pydantic shapes of builds: a red build (spell), a recorded result, the report and the
bodies the API takes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.builds.figures import JobImpact
from dutydesk.builds.models import REASON_LENGTH, BuildResult, RedSpell
from dutydesk.builds.report import WeeklyReport
from dutydesk.timeparse import in_zone


class RedBuildRead(BaseModel):
    """A job's red spell on a main branch: from its first failure to its next success."""

    id: int
    source: str
    pipeline: str
    job: str
    branch: str
    started_at: datetime = Field(description="Its first failure.")
    ended_at: datetime | None = Field(description="Its next success; null while still red.")
    ending: Literal["fixed", "flaky", "dismissed"] | None = Field(
        description="fixed: a success at a new commit; flaky: the failing commit passed again;"
        " dismissed: a responder closed it by hand (its job will never go green)."
    )
    failures: int
    first_failing_sha: str | None
    first_failing_url: str | None
    told: str | None = Field(description="The engineer on support told when it turned red.")
    claimed_by: str | None = Field(description="Who is fixing the build.")
    claimed_at: datetime | None
    task: int | None = Field(description="The task the claim made.")
    dismissed_by: str | None = Field(
        None, description="Who dismissed it: a person's id, or the user's name."
    )
    dismissal_reason: str | None = Field(None, description="Why it was dismissed.")


class BuildResultRead(BaseModel):
    """A finished build as its CI reported it."""

    id: int
    source: str
    pipeline: str
    job: str
    build_id: str
    attempt: int
    status: Literal["failed", "errored", "aborted", "succeeded"]
    branch: str | None
    sha: str | None
    url: str | None
    workflow_name: str | None
    on_main: bool
    finished_at: datetime
    received_at: datetime


class ClaimBody(BaseModel):
    """Who is fixing the build: a person's id; the token's own person when left out."""

    person: str | None = Field(None, max_length=64)


class DismissBody(BaseModel):
    """Why the red build will never go green, such as "job removed from the pipeline"."""

    reason: str = Field(
        max_length=REASON_LENGTH,
        description=f"One line of 1 to {REASON_LENGTH} characters.",
        examples=["job removed from the pipeline"],
    )


class JobWeekRead(BaseModel):
    week: date = Field(description="The ISO week's Monday, in the team's time zone.")
    source: str
    pipeline: str
    job: str
    failures: int
    red_seconds: float
    flaky: int


class JobImpactRead(BaseModel):
    source: str
    pipeline: str
    job: str
    failures: int
    red_seconds: float
    flaky: int
    impact: float = Field(description="Failures × red hours: the most costly first.")


class BuildReportRead(BaseModel):
    """Per job and per ISO week, then the ranking over the whole period."""

    start: datetime
    end: datetime
    weeks: list[JobWeekRead]
    ranking: list[JobImpactRead]


def red_build_read(spell: RedSpell, zone: ZoneInfo) -> RedBuildRead:
    return RedBuildRead(
        id=spell.id,
        source=spell.source,
        pipeline=spell.pipeline,
        job=spell.job,
        branch=spell.branch,
        started_at=spell.started_at.astimezone(zone),
        ended_at=in_zone(spell.ended_at, zone),
        ending=spell.ending,
        failures=spell.failures,
        first_failing_sha=spell.first_failing_sha,
        first_failing_url=spell.first_failing_url,
        told=spell.told_person_id,
        claimed_by=spell.claimed_by,
        claimed_at=in_zone(spell.claimed_at, zone),
        task=spell.task_id,
        dismissed_by=spell.dismissed_by,
        dismissal_reason=spell.dismissal_reason,
    )


def result_read(result: BuildResult, zone: ZoneInfo) -> BuildResultRead:
    return BuildResultRead(
        id=result.id,
        source=result.source,
        pipeline=result.pipeline,
        job=result.job,
        build_id=result.build_id,
        attempt=result.attempt,
        status=result.status,
        branch=result.branch,
        sha=result.sha,
        url=result.url,
        workflow_name=result.workflow_name,
        on_main=result.on_main,
        finished_at=result.finished_at.astimezone(zone),
        received_at=result.received_at.astimezone(zone),
    )


def report_read(report: WeeklyReport, zone: ZoneInfo) -> BuildReportRead:
    return BuildReportRead(
        start=report.start.astimezone(zone),
        end=report.end.astimezone(zone),
        weeks=[
            JobWeekRead(
                week=row.week,
                source=row.job[0],
                pipeline=row.job[1],
                job=row.job[2],
                failures=row.failures,
                red_seconds=row.red_seconds,
                flaky=row.flaky,
            )
            for row in report.weeks
        ],
        ranking=[JobImpactRead(**_impact_fields(row)) for row in report.ranking],
    )


def _impact_fields(row: JobImpact) -> dict[str, object]:
    return {
        "source": row.source,
        "pipeline": row.pipeline,
        "job": row.job,
        "failures": row.failures,
        "red_seconds": row.red_seconds,
        "flaky": row.flaky,
        "impact": row.impact,
    }
