"""Dutydesk's own build webhook: a documented JSON shape any CI can send (docs/integrations.md),
signed as Dutydesk signs its outgoing webhooks (notify/signing.py): `Dutydesk-Signature:
t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with the source's secret.

A signature older (or newer) than TOLERANCE is refused, so a captured request cannot be sent
again later; within it, a replay names the same build and attempt and is dropped as a repeat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from dutydesk.builds.models import (
    BRANCH_LENGTH,
    BUILD_ID_LENGTH,
    NAME_LENGTH,
    SHA_LENGTH,
    SOURCE_LENGTH,
    URL_LENGTH,
)
from dutydesk.builds.results import LARGEST_ATTEMPT, BuildReport
from dutydesk.notify.signing import SIGNATURE_HEADER, verify_signature

TOLERANCE_SECONDS = 300


class GenericBuild(BaseModel):
    """One finished build, as any CI tells Dutydesk."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        None,
        max_length=SOURCE_LENGTH,
        description="The source's name; the URL's when left out, and it must match it.",
    )
    pipeline: str = Field(max_length=NAME_LENGTH, description="The pipeline (or repository).")
    job: str = Field(max_length=NAME_LENGTH, description="The job within the pipeline.")
    build_id: str = Field(max_length=BUILD_ID_LENGTH, description="The build's id or number.")
    attempt: int = Field(1, ge=1, le=LARGEST_ATTEMPT, description="1, or more for a re-run.")
    status: Literal["failed", "errored", "aborted", "succeeded"]
    branch: str | None = Field(None, max_length=BRANCH_LENGTH)
    sha: str | None = Field(None, max_length=SHA_LENGTH, description="The commit built.")
    url: str | None = Field(None, max_length=URL_LENGTH, description="The build's page.")
    finished_at: AwareDatetime | None = Field(
        None, description="When it finished (ISO 8601 with offset); when received if left out."
    )

    def report(self, source: str, now: datetime) -> BuildReport:
        """The build as intake takes it."""
        return BuildReport(
            source=source,
            pipeline=self.pipeline,
            job=self.job,
            build_id=self.build_id,
            attempt=self.attempt,
            status=self.status,
            branch=self.branch or None,
            sha=self.sha or None,
            url=self.url or None,
            finished_at=self.finished_at or now,
        )


def signed(secret: str, header: str, body: bytes, now: datetime) -> bool:
    """Whether the `Dutydesk-Signature` header signs `body` with `secret` within TOLERANCE."""
    return verify_signature(
        secret, header, body, now=int(now.timestamp()), tolerance_seconds=TOLERANCE_SECONDS
    )


__all__ = ["SIGNATURE_HEADER", "GenericBuild", "signed"]
