"""A rota as the team file declares it: covered hours, holidays, layers and announcements."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from dutydesk.external_rotas.spec import ExternalSpec
from dutydesk.hours.weekly import DAY_NAMES, parse_hours
from dutydesk.rotas.timespec import parse_handoff, parse_shift
from dutydesk.team.spec import AnnounceSpec, Slug, StrictSpec


def _clock_from_yaml(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 10:00 as the base-60 integer 600; turn it back into 10:00.
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


def _check_with(parser: Any) -> Any:
    def check(value: str) -> str:
        return str(parser(value))

    return check


ShiftText = Annotated[str, BeforeValidator(str), AfterValidator(_check_with(parse_shift))]
HandoffText = Annotated[
    str, BeforeValidator(_clock_from_yaml), AfterValidator(_check_with(parse_handoff))
]
# Covered hours, such as "Mon-Fri 09:30-17:30" (escalation policies' hours are written alike).
HoursText = Annotated[str, AfterValidator(_check_with(parse_hours))]


class LayerSpec(StrictSpec):
    """A layer: members in rotation order, the shift length, the handoff and the first day."""

    members: list[Slug] = Field(default_factory=list)
    shift: ShiftText
    handoff: HandoffText
    start: date
    end: date | None = None
    hours: list[HoursText] = Field(default_factory=list)

    @model_validator(mode="after")
    def _start_matches_handoff(self) -> LayerSpec:
        weekday = parse_handoff(self.handoff).weekday
        if weekday is not None and self.start.weekday() != weekday:
            raise ValueError(
                f"start {self.start.isoformat()} is a {DAY_NAMES[self.start.weekday()]},"
                f" but the handoff is on {DAY_NAMES[weekday]}"
            )
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} must be after start")
        return self


class RotaSpec(StrictSpec):
    """A rota: covered hours (none = 24x7), bank holidays skipped or not, and its layers; or,
    with `external`, a schedule another tool owns, followed through its iCal feed."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    hours: list[HoursText] = Field(default_factory=list)
    skip_holidays: bool = False
    layers: list[LayerSpec] = Field(default_factory=list)
    announce: AnnounceSpec | None = None
    external: ExternalSpec | None = None

    @model_validator(mode="after")
    def _external_has_no_layers(self) -> RotaSpec:
        if self.external is not None:
            ours = [
                name
                for name, value in (
                    ("layers", self.layers),
                    ("hours", self.hours),
                    ("skip_holidays", self.skip_holidays),
                )
                if value
            ]
            if ours:
                raise ValueError(
                    f"an external rota's schedule is its feed's: it has no {' or '.join(ours)}"
                )
        return self
