"""The team file's `handover:`: how long the handover meeting is, how far ahead it is sent,
and where the report goes (docs/handover.md). Writing it turns the handover on."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from dutydesk.team.spec import DurationText, Email, SlackChannelId, StrictSpec

# The one item of the `handover:` section, as plans and the audit log name it.
SETTINGS_ID = "settings"
_WORKING_DAYS_RE = re.compile(r"^([0-9]) working days?$")


def _lead(value: str) -> str:
    """ "1 working day" (the working day before, at the handoff's local time) or a duration."""
    text = " ".join(value.split()).lower()
    if _WORKING_DAYS_RE.match(text):
        return text
    from dutydesk.timeparse import parse_duration

    try:
        parse_duration(text)
    except Exception as error:
        raise ValueError(
            f"{value!r} is neither a number of working days ('1 working day') nor a duration"
            " like 4h or 1h30m"
        ) from error
    return text


LeadText = Annotated[str, BeforeValidator(str), AfterValidator(_lead)]


class HandoverSpec(StrictSpec):
    """The support-week handover of the `support: rota`."""

    # The handover meeting, from the handoff on.
    meeting: DurationText = "30m"
    # How long before the handoff the meeting's invitation goes out.
    invite_before: LeadText = "1 working day"
    # The report and invitation go to the outgoing and incoming engineers, and to these.
    email: list[Email] = Field(default_factory=list, max_length=20)
    # Where the report is posted in Slack; none: the support rota's announcement channel.
    slack_channel: SlackChannelId | None = None

    @property
    def id(self) -> str:
        """The one `handover:` of a team file."""
        return SETTINGS_ID


def working_days_before(lead: str) -> int | None:
    """The number of working days a lead names, or None when it is a duration."""
    match = _WORKING_DAYS_RE.match(lead)
    return int(match.group(1)) if match else None
