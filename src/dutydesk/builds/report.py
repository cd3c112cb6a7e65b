"""The build report read from the database: per job and per week, the impact ranking, the
CSV, and the summary the support-week handover includes (`summary`).

The maths is figures.py's; this reads the failures and spells of a period and hands them over.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dutydesk.builds.figures import (
    Failure,
    JobImpact,
    JobWeek,
    Spell,
    ranking,
    week_of,
    week_start,
    weekly,
)
from dutydesk.builds.models import FLAKY, RED, BuildResult, RedSpell
from dutydesk.errors import Invalid

LONGEST_WEEKS = 104
# Characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_FIELDS = ("week", "source", "pipeline", "job", "failures", "red_hours", "flaky", "impact")

__all__ = ["BuildSummary", "JobImpact", "JobWeek", "WeeklyReport", "summary"]


@dataclass(frozen=True)
class BuildSummary:
    """A period's build failures in all: failures, red time (added up across jobs), flaky
    runs, and the jobs by impact, the most costly first."""

    failures: int
    red_seconds: float
    flaky: int
    top_jobs: list[JobImpact]


@dataclass(frozen=True)
class WeeklyReport:
    """The report of a period: each job's weeks, and the ranking over the whole period."""

    start: datetime
    end: datetime
    weeks: list[JobWeek]
    ranking: list[JobImpact]


def period_of_weeks(weeks: int, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """The last `weeks` ISO weeks up to and including this one: [their first Monday, the
    next Monday), in `zone`."""
    if not 1 <= weeks <= LONGEST_WEEKS:
        raise Invalid(f"weeks: a number from 1 to {LONGEST_WEEKS}")
    this_week = week_of(now, zone)
    first = this_week - timedelta(days=7 * (weeks - 1))
    return week_start(first, zone), week_start(this_week + timedelta(days=7), zone)


def weekly_report(
    session: Session, start: datetime, end: datetime, zone: ZoneInfo, now: datetime
) -> WeeklyReport:
    """The report of [start, end) in the team's zone; spells still open count up to `now`."""
    weeks = weekly(
        _failures(session, start, end), _spells(session, start, end), start, end, zone, now
    )
    return WeeklyReport(start, end, weeks, ranking(weeks))


def summary(
    session: Session, start: datetime, end: datetime, zone: ZoneInfo, now: datetime
) -> BuildSummary:
    """The build failures of [start, end) in all, for the support-week handover."""
    report = weekly_report(session, start, end, zone, now)
    return BuildSummary(
        failures=sum(row.failures for row in report.ranking),
        red_seconds=sum(row.red_seconds for row in report.ranking),
        flaky=sum(row.flaky for row in report.ranking),
        top_jobs=report.ranking,
    )


def report_csv(report: WeeklyReport) -> str:
    """One row per job and week, oldest week first; cells a spreadsheet cannot run."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in report.weeks:
        writer.writerow(
            [
                row.week.isoformat(),
                *(_cell(part) for part in row.job),
                row.failures,
                f"{row.red_seconds / 3600:.2f}",
                row.flaky,
                f"{row.failures * row.red_seconds / 3600:.2f}",
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _failures(session: Session, start: datetime, end: datetime) -> list[Failure]:
    rows = session.execute(
        select(
            BuildResult.source, BuildResult.pipeline, BuildResult.job, BuildResult.finished_at
        ).where(
            BuildResult.finished_at >= start,
            BuildResult.finished_at < end,
            BuildResult.on_main.is_(True),
            BuildResult.status.in_(sorted(RED)),
        )
    )
    return [Failure((source, pipeline, job), at) for source, pipeline, job, at in rows]


def _spells(session: Session, start: datetime, end: datetime) -> list[Spell]:
    rows = session.execute(
        select(
            RedSpell.source,
            RedSpell.pipeline,
            RedSpell.job,
            RedSpell.started_at,
            RedSpell.ended_at,
            RedSpell.ending,
        ).where(
            RedSpell.started_at < end,
            or_(RedSpell.ended_at.is_(None), RedSpell.ended_at >= start),
        )
    )
    return [
        Spell((source, pipeline, job), started_at, ended_at, ending == FLAKY)
        for source, pipeline, job, started_at, ended_at, ending in rows
    ]
