"""The team file's `support:`: the hours tickets are answered in, who is reminded, what pages
for tickets, and the targets of each priority (docs/tickets.md)."""

from __future__ import annotations

from typing import Annotated, Literal, cast

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from dutydesk.rotas.spec import HoursText
from dutydesk.team.spec import HttpUrl, Slug, StrictSpec
from dutydesk.tickets.policy import DEFAULT_TARGETS, DEFAULT_UNTRIAGED
from dutydesk.tickets.targets import parse_target

# The one item of the `support:` section, as plans and the audit log name it ("update support
# settings").
SETTINGS_ID = "settings"


def _target_text(value: str) -> str:
    return parse_target(value).text()


TargetText = Annotated[str, BeforeValidator(str), AfterValidator(_target_text)]
Priority = Literal["P1", "P2", "P3", "P4"]


class TargetsSpec(StrictSpec):
    """One priority's targets; `calendar: true` counts them in every hour, not support hours."""

    first_response: TargetText
    update_every: TargetText
    calendar: bool = False

    @model_validator(mode="after")
    def _support_days_need_support_hours(self) -> TargetsSpec:
        if self.calendar:
            for name in ("first_response", "update_every"):
                parse_target(getattr(self, name), calendar=True)
        return self


def default_targets() -> dict[Priority, TargetsSpec]:
    return {
        cast(Priority, priority): TargetsSpec(
            first_response=targets.first_response.text(),
            update_every=targets.update_every.text(),
        )
        for priority, targets in DEFAULT_TARGETS.items()
    }


class SupportSpec(StrictSpec):
    """How tickets are answered: in which hours, by whom, and how soon."""

    # The hours targets count in (team time zone); none: always.
    hours: list[HoursText] = Field(default_factory=list)
    skip_holidays: bool = True
    # The rota whose person on call now is the engineer on support: reminded of clocks.
    rota: Slug | None = None
    # New tickets are picked up for that person as they arrive.
    auto_assign: bool = False
    # The service whose escalation policy pages for tickets: an alert on it, once per ticket,
    # when an answer is overdue, and at once for the priorities in `page_at_once`. None:
    # reminders only.
    page_service: Slug | None = None
    page_at_once: list[Priority] = Field(default_factory=list)
    # Receivers of signed webhooks when a ticket is created, an answer comes overdue, or a
    # ticket is solved (docs/tickets.md, Webhooks).
    webhooks: list[HttpUrl] = Field(default_factory=list, max_length=10)
    untriaged: TargetText = DEFAULT_UNTRIAGED.text()
    # Priorities left out keep their default targets.
    targets: dict[Priority, TargetsSpec] = Field(default_factory=default_targets)

    @model_validator(mode="after")
    def _auto_assign_needs_a_rota(self) -> SupportSpec:
        if self.auto_assign and self.rota is None:
            raise ValueError("auto_assign needs the rota whose person picks tickets up")
        return self

    @model_validator(mode="after")
    def _every_priority_has_targets(self) -> SupportSpec:
        defaults = default_targets()
        object.__setattr__(self, "targets", {p: self.targets.get(p, defaults[p]) for p in defaults})
        return self

    @property
    def id(self) -> str:
        """The one `support:` of a team file."""
        return SETTINGS_ID
