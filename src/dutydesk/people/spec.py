"""A person as the team file declares them: contact details and how a page reaches them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from dutydesk.addresses import is_slack_name
from dutydesk.team.spec import DurationText, Email, Slug, StrictSpec
from dutydesk.timeparse import EARLIEST_TIME, LATEST_TIME

# Declared holidays per person: enough for years of planned leave, few enough to read at once.
MOST_UNAVAILABLE = 50


def _slack_member(value: str) -> str:
    if not is_slack_name(value):
        raise ValueError(f"{value!r} is not a Slack member ID like U01ALICE")
    return value


class NotifyRuleSpec(StrictSpec):
    """One of a person's notification rules: a contact method, and how long after a page."""

    via: Literal["slack", "email"]
    after: DurationText = "0m"


def _plausible_day(value: date) -> date:
    # Outside these years a date is a typing mistake (and the day after it could overflow).
    if not EARLIEST_TIME.year <= value.year < LATEST_TIME.year:
        raise ValueError(
            f"{value.isoformat()} is out of range (years {EARLIEST_TIME.year}"
            f" to {LATEST_TIME.year - 1})"
        )
    return value


Day = Annotated[date, AfterValidator(_plausible_day)]


class UnavailableSpec(StrictSpec):
    """Days a person is away, `from` and `to` inclusive, in the team's time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: Day = Field(alias="from")
    to: Day
    note: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _in_order(self) -> UnavailableSpec:
        if self.to < self.from_:
            raise ValueError(f"to {self.to.isoformat()} is before from {self.from_.isoformat()}")
        return self


class PersonSpec(StrictSpec):
    """A person as the team file declares them."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    email: Email | None = None
    slack: Annotated[str, AfterValidator(_slack_member)] | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    # How a page reaches them; none: every contact method they have, at once.
    notify: list[NotifyRuleSpec] = Field(default_factory=list, max_length=10)
    # Declared holidays: `dutydesk rota suggest` places nobody on a shift that overlaps them.
    unavailable: list[UnavailableSpec] = Field(default_factory=list, max_length=MOST_UNAVAILABLE)

    @model_validator(mode="after")
    def _rules_use_known_contacts(self) -> PersonSpec:
        for rule in self.notify:
            if getattr(self, rule.via) is None:
                raise ValueError(f"a notify rule uses {rule.via}, but {self.id} has no {rule.via}")
        return self
