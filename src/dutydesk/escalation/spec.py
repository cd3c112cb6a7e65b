"""An escalation policy as the team file declares it: steps of targets, hours, repeats."""

from __future__ import annotations

from pydantic import Field, model_validator

from dutydesk.rotas.spec import HoursText
from dutydesk.team.spec import DurationText, Email, HttpUrl, SlackChannelId, Slug, StrictSpec


class TargetSpec(StrictSpec):
    """Who or what an escalation step notifies: exactly one of the fields."""

    rota: Slug | None = None
    person: Slug | None = None
    slack_channel: SlackChannelId | None = None
    email: Email | None = None
    webhook: HttpUrl | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> TargetSpec:
        named = [name for name, value in self.model_dump().items() if value is not None]
        if len(named) != 1:
            raise ValueError(
                "name exactly one of rota, person, slack_channel, email or webhook"
                f" (got {', '.join(named) or 'none'})"
            )
        return self


class StepSpec(StrictSpec):
    """One escalation step: notify these targets, then wait before the next step."""

    notify: list[TargetSpec] = Field(min_length=1, max_length=20)
    escalate_after: DurationText = "15m"


class PolicySpec(StrictSpec):
    """An escalation policy: ordered steps, repeated; optionally only within working hours."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    # The hours the policy pages in (team time zone); none: always.
    hours: list[HoursText] = Field(default_factory=list)
    skip_holidays: bool = False
    # The policy that takes over outside those hours; none: paging waits until hours start.
    outside_hours: Slug | None = None
    steps: list[StepSpec] = Field(min_length=1, max_length=20)
    repeat: int = Field(default=0, ge=0, le=9)
    # An acknowledged alert that is still unresolved this long afterwards pages again; "0m": never.
    ack_timeout: DurationText = "30m"
