"""A build result as a CI reports it, checked field by field: the one shape the three doors
(GitHub's webhook, the generic webhook, `dutydesk build record`) hand to intake."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dutydesk.alerts.untrusted import web_url
from dutydesk.builds.models import (
    BRANCH_LENGTH,
    BUILD_ID_LENGTH,
    NAME_LENGTH,
    SHA_LENGTH,
    STATUSES,
    URL_LENGTH,
)
from dutydesk.errors import Invalid
from dutydesk.text import control_character

_SOURCE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
LARGEST_ATTEMPT = 10_000
# A CI's clock may run a little ahead of ours; a time further ahead is a mistake.
FUTURE_ALLOWANCE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """One finished build of a job: which job, which build and attempt, how it ended, where."""

    source: str
    pipeline: str
    job: str
    build_id: str
    attempt: int
    status: str
    branch: str | None
    sha: str | None
    url: str | None
    finished_at: datetime
    workflow_name: str | None = None

    @property
    def job_key(self) -> tuple[str, str, str]:
        return (self.source, self.pipeline, self.job)


def check_source(source: str) -> str:
    """A source's name: lower-case letters, digits, '.', '-' and '_', at most 64."""
    # fullmatch: `$` would let a trailing newline through into secrets, mail subjects, rows.
    if not _SOURCE_RE.fullmatch(source):
        raise Invalid(
            f"source: {source[:80]!r} is not a source name: use lower-case letters, digits,"
            " '.', '-' and '_' (at most 64), such as concourse or github"
        )
    return source


def checked(report: BuildReport, now: datetime) -> BuildReport:
    """The report unchanged when every field is acceptable; Invalid names the first that
    is not."""
    check_source(report.source)
    _text("pipeline", report.pipeline, NAME_LENGTH)
    _text("job", report.job, NAME_LENGTH)
    _text("build_id", report.build_id, BUILD_ID_LENGTH)
    if not 1 <= report.attempt <= LARGEST_ATTEMPT:
        raise Invalid(f"attempt: a number from 1 to {LARGEST_ATTEMPT}")
    if report.status not in STATUSES:
        raise Invalid(f"status: one of {', '.join(STATUSES)}, not {report.status[:40]!r}")
    if report.branch is not None:
        _text("branch", report.branch, BRANCH_LENGTH)
    if report.sha is not None:
        _text("sha", report.sha, SHA_LENGTH)
    if report.url is not None and (len(report.url) > URL_LENGTH or web_url(report.url) is None):
        raise Invalid(f"url: an http(s) address of at most {URL_LENGTH} characters")
    if report.workflow_name is not None:
        _text("workflow_name", report.workflow_name, NAME_LENGTH)
    if report.finished_at.tzinfo is None:
        raise Invalid("finished_at: give a time with its offset, such as 2026-01-14T10:00:00Z")
    if report.finished_at > now + FUTURE_ALLOWANCE:
        raise Invalid(f"finished_at: {report.finished_at.isoformat()} is in the future")
    return report


def _text(name: str, value: str, longest: int) -> None:
    if not value.strip() or len(value) > longest:
        raise Invalid(f"{name}: 1 to {longest} characters")
    found = control_character(value)
    if found is not None:
        raise Invalid(f"{name}: must be one line without control characters (found {found})")
