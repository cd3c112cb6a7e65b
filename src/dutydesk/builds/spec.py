"""The team file's `builds:`: which branches are main branches, whose failures make a job red
(docs/builds.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from dutydesk.builds.models import BRANCH_LENGTH
from dutydesk.team.spec import StrictSpec
from dutydesk.text import control_character

# The one item of the `builds:` section, as plans and the audit log name it.
SETTINGS_ID = "settings"
DEFAULT_MAIN_BRANCHES = ("main", "master")


def _branch(value: str) -> str:
    if (
        not value
        or len(value) > BRANCH_LENGTH
        or control_character(value)
        or value != value.strip()
    ):
        raise ValueError(f"a branch name of 1 to {BRANCH_LENGTH} characters, no spaces around it")
    return value


BranchName = Annotated[str, AfterValidator(_branch)]


class BuildsSpec(StrictSpec):
    """Which branches' failures make a job red; other branches' results are recorded only."""

    main_branches: list[BranchName] = Field(
        default_factory=lambda: list(DEFAULT_MAIN_BRANCHES), min_length=1, max_length=20
    )

    @property
    def id(self) -> str:
        """The one `builds:` of a team file."""
        return SETTINGS_ID
