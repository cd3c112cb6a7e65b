"""What every section of the team file shares, and the team's own fields.

Each domain declares the items of its section (people, rotas, services …) with the strict base
model and the field types here: ids, e-mail addresses, durations, Slack ids and URLs. The team's
own fields (`team`, `timezone`, `holidays`, `extra_holidays`, `announce`) are TeamFields; the
whole file's model is built from it and the sections (dutydesk/team_as_code/spec.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from dutydesk.addresses import check_address
from dutydesk.errors import Invalid
from dutydesk.hours.holidays import check_calendar_code
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


def _check_zone(value: str) -> str:
    try:
        parse_zone(value)
    except Exception as error:
        raise ValueError(str(error)) from None
    return value


def _duration(value: str) -> str:
    try:
        parse_duration(str(value))
    except Exception as error:
        raise ValueError(f"{value!r} is not a duration like 2m, 15m, 1h or 1h30m") from error
    return str(value)


def _pattern(regex: re.Pattern[str], what: str) -> Any:
    """A validator: the value unchanged if `regex` matches it, else "… is not `what`"."""

    def check(value: str) -> str:
        if not regex.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return check


_SLACK_CHANNEL_RE = re.compile(r"^[CG][A-Z0-9]{6,}$")
_URL_RE = re.compile(r"^https?://\S+$")

Slug = Annotated[str, AfterValidator(_slug)]
Email = Annotated[str, AfterValidator(_email)]
ZoneName = Annotated[str, AfterValidator(_check_zone)]
CalendarCode = Annotated[str, AfterValidator(check_calendar_code)]
DurationText = Annotated[str, BeforeValidator(str), AfterValidator(_duration)]
SlackChannelId = Annotated[
    str, AfterValidator(_pattern(_SLACK_CHANNEL_RE, "a Slack channel id like C0123ABCD"))
]
HttpUrl = Annotated[str, AfterValidator(_pattern(_URL_RE, "an http(s) URL"))]

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


class StrictSpec(BaseModel):
    """A part of the team file: unknown fields are errors, and every string is one line.

    Strings end up in one-line places (e-mail subjects, iCal names, Slack topics, table cells);
    only the fields a model names in `multi_line` may span lines (a YAML block scalar).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    multi_line: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _one_line(cls, value: Any, info: ValidationInfo) -> Any:
        # Every string in the file as written, whatever the field (before parsers that would
        # tidy it): a line break in a name is valid YAML ("Ann\r\nBcc: x") and would end up as
        # a forged header or line elsewhere.
        _strings_one_line(value, multi_line=info.field_name in cls.multi_line)
        return value


TOPIC_FIELDS = ("name", "person", "rota", "mention")
_SLACK_USERGROUP_RE = re.compile(r"^S[A-Z0-9]{6,}$")


def _topic_template(value: str) -> str:
    try:
        value.format(**{name: "" for name in TOPIC_FIELDS})
    except (KeyError, IndexError, ValueError) as error:
        known = ", ".join("{" + name + "}" for name in TOPIC_FIELDS)
        raise ValueError(f"{value!r} has a placeholder Dutydesk does not know ({known})") from error
    return value


class AnnounceSpec(StrictSpec):
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


def announce_row(spec: AnnounceSpec | None) -> dict[str, Any] | None:
    """An `announce` as a JSON column holds it."""
    return None if spec is None else spec.model_dump(exclude_none=True)


def announce_spec(row: dict[str, Any] | None) -> AnnounceSpec | None:
    """A stored `announce` as the team file has it."""
    return None if row is None else AnnounceSpec.model_validate(row)


class TeamFields(StrictSpec):
    """The team file's own fields, above the sections the domains declare."""

    team: Slug
    timezone: ZoneName = "Europe/London"
    holidays: CalendarCode | None = None
    extra_holidays: list[date] = Field(default_factory=list)
    announce: AnnounceSpec | None = None


# The team's fields that an apply can change (`team` names the team and never changes).
CHANGEABLE_TEAM_FIELDS = ("timezone", "holidays", "extra_holidays", "announce")
