"""A person as the team file declares them: contact details and how a page reaches them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from dutydesk.addresses import is_slack_name
from dutydesk.team.spec import DurationText, Email, Slug, StrictSpec


def _slack_member(value: str) -> str:
    if not is_slack_name(value):
        raise ValueError(f"{value!r} is not a Slack member ID like U01ALICE")
    return value


class NotifyRuleSpec(StrictSpec):
    """One of a person's notification rules: a contact method, and how long after a page."""

    via: Literal["slack", "email"]
    after: DurationText = "0m"


class PersonSpec(StrictSpec):
    """A person as the team file declares them."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    email: Email | None = None
    slack: Annotated[str, AfterValidator(_slack_member)] | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    # How a page reaches them; none: every contact method they have, at once.
    notify: list[NotifyRuleSpec] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _rules_use_known_contacts(self) -> PersonSpec:
        for rule in self.notify:
            if getattr(self, rule.via) is None:
                raise ValueError(f"a notify rule uses {rule.via}, but {self.id} has no {rule.via}")
        return self
