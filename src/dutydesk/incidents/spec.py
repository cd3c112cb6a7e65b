"""The team file's `incidents:`: the rotas that fill an incident's roles, the working day
whose edges remind people, and where an incident is announced (docs/incidents.md)."""

from __future__ import annotations

from pydantic import Field

from dutydesk.rotas.spec import HoursText
from dutydesk.team.spec import Email, HttpUrl, SlackChannelId, Slug, StrictSpec

# The one item of the `incidents:` section, as plans and the audit log name it.
SETTINGS_ID = "settings"
DEFAULT_WORKING_HOURS = "Mon-Fri 09:00-17:00"


class IncidentsSpec(StrictSpec):
    """Who fills an incident's roles and where it is announced."""

    # Whoever is on it when an incident is declared is its comms lead; outside its hours (or
    # with nobody on it), the escalation rota's person is.
    comms_rota: Slug | None = None
    # Whoever is on it is the escalation contact.
    escalation_rota: Slug | None = None
    # The working day, team time zone: at its start and end an open incident reminds the comms
    # lead to post an update, and at its end everyone is prompted to pause and document.
    working_hours: list[HoursText] = Field(default_factory=lambda: [DEFAULT_WORKING_HOURS])
    skip_holidays: bool = True
    # Where each incident's link is posted: the team's incident channel, the incident list.
    slack_channel: SlackChannelId | None = None
    email: Email | None = None
    # Receivers of signed webhooks of incident events (docs/incidents.md, Webhooks).
    webhooks: list[HttpUrl] = Field(default_factory=list, max_length=10)

    @property
    def id(self) -> str:
        """The one `incidents:` of a team file."""
        return SETTINGS_ID
