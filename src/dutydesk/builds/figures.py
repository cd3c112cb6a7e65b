"""The build report's maths, with no database: per job and per ISO week (in the team's zone)
the failures, the red time and the flaky runs, and the impact ranking.

- Failures: failed or errored results on a main branch, counted in the week they finished.
- Red time: each red spell from its first failure to the next success, clipped to the week and
  the period; a spell still open counts up to now. Red time adds up across jobs: two jobs red
  for the same hour make two red hours.
- Flaky: spells that ended with a pass at the commit that failed (a re-run), counted in the
  week they ended.
- Impact: frequency × red time, as failures × red hours ("failure-hours"): a job that fails
  often and stays red long comes first; one that fails once and is fixed at once, last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# (source, pipeline, job)
JobKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Failure:
    job: JobKey
    at: datetime


@dataclass(frozen=True, slots=True)
class Spell:
    """A red spell as the report reads it; `ended_at` None while the job is still red."""

    job: JobKey
    started_at: datetime
    ended_at: datetime | None
    flaky: bool = False


@dataclass(frozen=True, slots=True)
class JobWeek:
    """One job's figures in one ISO week (its Monday, in the team's zone)."""

    job: JobKey
    week: date
    failures: int
    red_seconds: float
    flaky: int


@dataclass(frozen=True, slots=True)
class JobImpact:
    """One job's figures over the whole period and its impact (failures × red hours)."""

    source: str
    pipeline: str
    job: str
    failures: int
    red_seconds: float
    flaky: int
    impact: float


def impact(failures: int, red_seconds: float) -> float:
    """Frequency × red time: failures × red hours."""
    return failures * red_seconds / 3600


def week_of(instant: datetime, zone: ZoneInfo) -> date:
    """The Monday of the ISO week `instant` falls in, in `zone`."""
    local = instant.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def week_start(monday: date, zone: ZoneInfo) -> datetime:
    """Midnight starting that Monday in `zone` (a DST change keeps local midnight), in UTC.

    In UTC because Python subtracts two times of the same zone by their wall clocks: a week
    the clocks change in would be an hour too long or short.
    """
    return datetime.combine(monday, time(0), zone).astimezone(UTC)


def weeks_between(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    """The Mondays of the weeks that [start, end) touches."""
    weeks: list[date] = []
    monday = week_of(start, zone)
    while week_start(monday, zone) < end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> float:
    return max(0.0, (min(a_end, b_end) - max(a_start, b_start)).total_seconds())


def weekly(
    failures: Iterable[Failure],
    spells: Iterable[Spell],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    now: datetime,
) -> list[JobWeek]:
    """Each job's figures in each week of [start, end) where it has any, by week then job."""
    counts: dict[tuple[JobKey, date], list[float]] = {}

    def cell(job: JobKey, week: date) -> list[float]:
        return counts.setdefault((job, week), [0, 0.0, 0])

    for failure in failures:
        if start <= failure.at < end:
            cell(failure.job, week_of(failure.at, zone))[0] += 1
    for spell in spells:
        red_until = min(spell.ended_at or now, now)
        first, last = max(spell.started_at, start), min(red_until, end)
        if first < last:
            for monday in weeks_between(first, last, zone):
                seconds = _overlap(
                    first,
                    last,
                    week_start(monday, zone),
                    week_start(monday + timedelta(days=7), zone),
                )
                if seconds:
                    cell(spell.job, monday)[1] += seconds
        if spell.flaky and spell.ended_at is not None and start <= spell.ended_at < end:
            cell(spell.job, week_of(spell.ended_at, zone))[2] += 1
    return [
        JobWeek(job, week, int(values[0]), values[1], int(values[2]))
        for (job, week), values in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def ranking(weeks: Iterable[JobWeek]) -> list[JobImpact]:
    """Each job's totals over the weeks, the most costly first (then the most failures, then
    by name, so that the order is stable)."""
    totals: dict[JobKey, list[float]] = {}
    for row in weeks:
        total = totals.setdefault(row.job, [0, 0.0, 0])
        total[0] += row.failures
        total[1] += row.red_seconds
        total[2] += row.flaky
    ranked = [
        JobImpact(
            job[0],
            job[1],
            job[2],
            int(values[0]),
            values[1],
            int(values[2]),
            impact(int(values[0]), values[1]),
        )
        for job, values in totals.items()
    ]
    ranked.sort(
        key=lambda row: (
            -row.impact,
            -row.failures,
            -row.red_seconds,
            row.source,
            row.pipeline,
            row.job,
        )
    )
    return ranked
