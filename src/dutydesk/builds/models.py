"""Build results from CI, the GitHub deliveries already taken, the red spells of jobs on a main
branch, and the team file's `builds:`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

SOURCE_LENGTH = 64
NAME_LENGTH = 200
BUILD_ID_LENGTH = 100
BRANCH_LENGTH = 255
SHA_LENGTH = 64
URL_LENGTH = 500
ACTOR_LENGTH = 200
REASON_LENGTH = 200

FAILED, ERRORED, ABORTED, SUCCEEDED = "failed", "errored", "aborted", "succeeded"
STATUSES = (FAILED, ERRORED, ABORTED, SUCCEEDED)
# What makes a job red: a failure of its own (failed) or of its infrastructure (errored). An
# aborted build says nothing about the code, so it neither starts nor ends a red spell.
RED = frozenset((FAILED, ERRORED))

# How a red spell ended: a success at a new commit fixed it; a success at the commit that
# failed (a re-run that passed) shows the failure was flaky; a responder dismissed it by hand
# when no success will ever come (the job was removed from its pipeline, the pipeline retired).
FIXED, FLAKY, DISMISSED = "fixed", "flaky", "dismissed"
ENDINGS = (FIXED, FLAKY, DISMISSED)


class BuildResult(Base):
    """One finished build of a job, as its CI reported it; a repeat of the same build and
    attempt is dropped by the unique key."""

    __tablename__ = "build_results"
    __table_args__ = (
        UniqueConstraint("source", "pipeline", "job", "build_id", "attempt"),
        # The report's failures in a period.
        Index("ix_build_results_finished_at", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH))
    pipeline: Mapped[str] = mapped_column(String(NAME_LENGTH))
    job: Mapped[str] = mapped_column(String(NAME_LENGTH))
    build_id: Mapped[str] = mapped_column(String(BUILD_ID_LENGTH))
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str | None] = mapped_column(String(BRANCH_LENGTH))
    sha: Mapped[str | None] = mapped_column(String(SHA_LENGTH))
    url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    # GitHub Actions' workflow name (the job is the workflow's file, which a rename keeps).
    workflow_name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    # Whether the branch was a main branch (`builds: main_branches`) when it came in.
    on_main: Mapped[bool] = mapped_column(Boolean)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GithubDelivery(Base):
    """An `X-GitHub-Delivery` already taken, kept for REMEMBERED (builds/github.py): GitHub's
    signature covers no timestamp, so a replayed delivery is refused by its id."""

    __tablename__ = "github_deliveries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RedSpell(Base):
    """A job on a main branch red from its first failure until its next success (or until a
    responder dismissed it), who claimed its fixing, and how it ended."""

    __tablename__ = "red_spells"
    __table_args__ = (
        # The open spell of a job, looked up for every result on a main branch.
        Index("ix_red_spells_job_ended_at", "source", "pipeline", "job", "ended_at"),
        # The report's spells overlapping a period.
        Index("ix_red_spells_started_at", "started_at"),
        # The red builds now (the builds page, the dashboard's panel).
        Index("ix_red_spells_ended_at", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(SOURCE_LENGTH))
    pipeline: Mapped[str] = mapped_column(String(NAME_LENGTH))
    job: Mapped[str] = mapped_column(String(NAME_LENGTH))
    branch: Mapped[str] = mapped_column(String(BRANCH_LENGTH))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_failing_sha: Mapped[str | None] = mapped_column(String(SHA_LENGTH))
    # The latest failure's commit: a success at it ends the spell as flaky.
    last_failing_sha: Mapped[str | None] = mapped_column(String(SHA_LENGTH))
    first_failing_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    failures: Mapped[int] = mapped_column(Integer)
    # Who was told (the engineer on support when it turned red), if anyone was.
    told_person_id: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ending: Mapped[str | None] = mapped_column(String(16))
    ended_by_sha: Mapped[str | None] = mapped_column(String(SHA_LENGTH))
    # A dismissal's who (a person's id, or the user's name when they are no person) and why.
    dismissed_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    dismissal_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))


class BuildSettings(Base):
    """The team file's `builds:` as applied (one row, id "settings"); none: the defaults."""

    __tablename__ = "build_settings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
