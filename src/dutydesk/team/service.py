"""The team an instance serves: finding it and its time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.errors import NotFound
from dutydesk.team.models import Team
from dutydesk.timeparse import parse_zone

# The one team's row.
TEAM_ROW = 1


def find_team(session: Session) -> Team | None:
    """The team, or None before the first apply."""
    return session.get(Team, TEAM_ROW)


def get_team(session: Session) -> Team:
    """The team; NotFound before the first apply."""
    team = find_team(session)
    if team is None:
        raise NotFound("no team is set up yet: run `dutydesk apply TEAM.yaml` first")
    return team


def team_zone(session: Session) -> ZoneInfo:
    """The team's time zone; NotFound before the first apply."""
    return parse_zone(get_team(session).timezone)
