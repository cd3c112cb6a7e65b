"""The team file's shape: people, rotas and layers, services, validated with pydantic."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dutydesk.errors import Invalid
from dutydesk.hours.holidays import check_calendar_code
from dutydesk.hours.weekly import DAY_NAMES, parse_hours
from dutydesk.notify.channels.email import check_address
from dutydesk.notify.channels.slack import check_destination as check_slack_destination
from dutydesk.rotas.timespec import parse_handoff, parse_shift
from dutydesk.text import check_one_line, control_character
from dutydesk.timeparse import parse_duration, parse_zone

_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _slug(value: str) -> str:
    if not _SLUG_RE.match(value):
        raise ValueError(
            f"{value!r} is not an id: use lower-case letters, digits, '-' and '_' (at most 64)"
        )
    return value


def _email(value: str) -> str:
    # The outbox's own check too: an address it would refuse must not reach a page.
    if not _EMAIL_RE.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    try:
        check_address(value)
    except Invalid:
        raise ValueError(f"{value!r} is not an e-mail address") from None
    return value


def _slack_member(value: str) -> str:
    try:
        check_slack_destination("slack", value, None)
    except Invalid:
        raise ValueError(f"{value!r} is not a Slack member ID like U01ALICE") from None
    return value


def _clock_from_yaml(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 10:00 as the base-60 integer 600; turn it back into 10:00.
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value // 60:02d}:{value % 60:02d}"
    return value


def _check_with(parser: Any) -> Any:
    def check(value: str) -> str:
        return str(parser(value))

    return check


def _check_zone(value: str) -> str:
    try:
        parse_zone(value)
    except Exception as error:
        raise ValueError(str(error)) from None
    return value


Slug = Annotated[str, AfterValidator(_slug)]
Email = Annotated[str, AfterValidator(_email)]
ShiftText = Annotated[str, BeforeValidator(str), AfterValidator(_check_with(parse_shift))]
HandoffText = Annotated[
    str, BeforeValidator(_clock_from_yaml), AfterValidator(_check_with(parse_handoff))
]
HoursText = Annotated[str, AfterValidator(_check_with(parse_hours))]
ZoneName = Annotated[str, AfterValidator(_check_zone)]
CalendarCode = Annotated[str, AfterValidator(check_calendar_code)]


# The only fields of the file that may span lines (a YAML block scalar); every other string ends
# up in one-line places (e-mail subjects, iCal names, Slack topics, table cells).
MULTI_LINE_FIELDS = frozenset({"description"})
_LINE_BREAKS = str.maketrans("", "", "\n\t")


def _strings_one_line(value: Any, *, multi_line: bool) -> None:
    if isinstance(value, str):
        if multi_line:
            found = control_character(value.translate(_LINE_BREAKS))
            if found is not None:
                raise ValueError(f"must not contain control characters (found {found})")
        else:
            check_one_line(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _strings_one_line(item, multi_line=multi_line)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _one_line(cls, value: Any, info: ValidationInfo) -> Any:
        # Every string in the file as written, whatever the field (before parsers that would
        # tidy it): a line break in a name is valid YAML ("Ann\r\nBcc: x") and would end up as
        # a forged header or line elsewhere.
        _strings_one_line(value, multi_line=info.field_name in MULTI_LINE_FIELDS)
        return value


def _duration(value: str) -> str:
    try:
        parse_duration(str(value))
    except Exception as error:
        raise ValueError(f"{value!r} is not a duration like 2m, 15m, 1h or 1h30m") from error
    return str(value)


DurationText = Annotated[str, BeforeValidator(str), AfterValidator(_duration)]


class NotifyRuleSpec(_Strict):
    """One of a person's notification rules: a contact method, and how long after a page."""

    via: Literal["slack", "email"]
    after: DurationText = "0m"


class PersonSpec(_Strict):
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


class LayerSpec(_Strict):
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


TOPIC_FIELDS = ("name", "person", "rota", "mention")
_SLACK_CHANNEL_RE = re.compile(r"^[CG][A-Z0-9]{6,}$")
_SLACK_USERGROUP_RE = re.compile(r"^S[A-Z0-9]{6,}$")
_URL_RE = re.compile(r"^https?://\S+$")


def _pattern(regex: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return check


SlackChannelId = Annotated[
    str, AfterValidator(_pattern(_SLACK_CHANNEL_RE, "a Slack channel id like C0123ABCD"))
]
HttpUrl = Annotated[str, AfterValidator(_pattern(_URL_RE, "an http(s) URL"))]


def _topic_template(value: str) -> str:
    try:
        value.format(**{name: "" for name in TOPIC_FIELDS})
    except (KeyError, IndexError, ValueError) as error:
        known = ", ".join("{" + name + "}" for name in TOPIC_FIELDS)
        raise ValueError(f"{value!r} has a placeholder Dutydesk does not know ({known})") from error
    return value


class AnnounceSpec(_Strict):
    """Where a rota's handoffs and break cover are announced, and how."""

    slack_channel: SlackChannelId | None = None
    topic: Annotated[str, AfterValidator(_topic_template)] = "{name} is on support"
    slack_usergroup: (
        Annotated[
            str,
            AfterValidator(_pattern(_SLACK_USERGROUP_RE, "a Slack user group id like S0123ABCD")),
        ]
        | None
    ) = None
    email: Email | None = None
    webhook: HttpUrl | None = None
    apprise: str | None = Field(default=None, min_length=3, max_length=500)
    remind_before: bool = True


class RotaSpec(_Strict):
    """A rota: covered hours (none = 24x7), bank holidays skipped or not, and its layers."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    hours: list[HoursText] = Field(default_factory=list)
    skip_holidays: bool = False
    layers: list[LayerSpec] = Field(default_factory=list)
    announce: AnnounceSpec | None = None


class TargetSpec(_Strict):
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


class StepSpec(_Strict):
    """One escalation step: notify these targets, then wait before the next step."""

    notify: list[TargetSpec] = Field(min_length=1, max_length=20)
    escalate_after: DurationText = "15m"


class PolicySpec(_Strict):
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


class ServiceSpec(_Strict):
    """A monitored service that alerts are raised for (integration keys are set from the CLI)."""

    id: Slug
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    escalation_policy: Slug | None = None
    # Alerts within this long of a group's first one join it and share its pages; "0m": never.
    group_window: DurationText = "5m"


class TeamSpec(_Strict):
    """The whole team file."""

    team: Slug
    timezone: ZoneName = "Europe/London"
    holidays: CalendarCode | None = None
    extra_holidays: list[date] = Field(default_factory=list)
    announce: AnnounceSpec | None = None
    people: list[PersonSpec] = Field(default_factory=list)
    rotas: list[RotaSpec] = Field(default_factory=list)
    services: list[ServiceSpec] = Field(default_factory=list)
    escalation_policies: list[PolicySpec] = Field(default_factory=list)


def cross_check(spec: TeamSpec) -> list[tuple[tuple[str | int, ...], str]]:
    """Rules that span the file: unique ids, members who are people. Returns (path, message)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen_people: set[str] = set()
    for index, person in enumerate(spec.people):
        if person.id in seen_people:
            problems.append((("people", index, "id"), f"duplicate person id {person.id!r}"))
        seen_people.add(person.id)
    seen_rotas: set[str] = set()
    for r, rota in enumerate(spec.rotas):
        if rota.id in seen_rotas:
            problems.append((("rotas", r, "id"), f"duplicate rota id {rota.id!r}"))
        seen_rotas.add(rota.id)
        for layer_index, layer in enumerate(rota.layers):
            for m, member in enumerate(layer.members):
                if member not in seen_people:
                    problems.append(
                        (
                            ("rotas", r, "layers", layer_index, "members", m),
                            f"{member!r} is not one of the people in this file",
                        )
                    )
    seen_services: set[str] = set()
    for index, service in enumerate(spec.services):
        if service.id in seen_services:
            problems.append((("services", index, "id"), f"duplicate service id {service.id!r}"))
        seen_services.add(service.id)
    problems += _policy_problems(spec, seen_people, seen_rotas)
    return problems


def _policy_problems(
    spec: TeamSpec, people: set[str], rotas: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """Policies name people, rotas and other policies that exist; services name policies."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    policies = {policy.id: policy for policy in spec.escalation_policies}
    seen: set[str] = set()
    for p, policy in enumerate(spec.escalation_policies):
        where: tuple[str | int, ...] = ("escalation_policies", p)
        if policy.id in seen:
            problems.append(((*where, "id"), f"duplicate policy id {policy.id!r}"))
        seen.add(policy.id)
        if policy.outside_hours is not None:
            if policy.outside_hours not in policies:
                problems.append(
                    ((*where, "outside_hours"), f"{policy.outside_hours!r} is not a policy here")
                )
            elif not policy.hours:
                problems.append(
                    ((*where, "outside_hours"), "a policy without hours has no outside hours")
                )
            elif policies[policy.outside_hours].outside_hours is not None:
                problems.append(
                    (
                        (*where, "outside_hours"),
                        f"{policy.outside_hours!r} hands over in turn; hand over to a policy"
                        " without outside_hours",
                    )
                )
        for s, step in enumerate(policy.steps):
            for t, target in enumerate(step.notify):
                target_where = (*where, "steps", s, "notify", t)
                if target.rota is not None and target.rota not in rotas:
                    problems.append(
                        ((*target_where, "rota"), f"{target.rota!r} is not a rota in this file")
                    )
                if target.person is not None and target.person not in people:
                    problems.append(
                        (
                            (*target_where, "person"),
                            f"{target.person!r} is not one of the people in this file",
                        )
                    )
    for index, service in enumerate(spec.services):
        if service.escalation_policy is not None and service.escalation_policy not in policies:
            problems.append(
                (
                    ("services", index, "escalation_policy"),
                    f"{service.escalation_policy!r} is not an escalation policy in this file",
                )
            )
    return problems
