"""A monitored service as the team file declares it."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from dutydesk.team.spec import DurationText, Slug, StrictSpec


class ServiceSpec(StrictSpec):
    """A monitored service that alerts are raised for (integration keys are set from the CLI)."""

    # What the service is may take a few lines (a YAML block scalar).
    multi_line: ClassVar[frozenset[str]] = frozenset({"description"})

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    escalation_policy: Slug | None = None
    # Alerts within this long of a group's first one join it and share its pages; "0m": never.
    group_window: DurationText = "5m"
