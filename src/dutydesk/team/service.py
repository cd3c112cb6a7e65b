"""The team an instance serves: finding it, its time zone, and its own fields of the team file."""

from __future__ import annotations

import secrets
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.errors import NotFound
from dutydesk.team.holidays import store_holidays
from dutydesk.team.models import Team
from dutydesk.team.spec import TeamFields, announce_row, announce_spec
from dutydesk.timeparse import parse_zone

_TEAM_ROW = 1


def find_team(session: Session) -> Team | None:
    """The team, or None before the first apply."""
    return session.get(Team, _TEAM_ROW)


def get_team(session: Session) -> Team:
    """The team; NotFound before the first apply."""
    team = find_team(session)
    if team is None:
        raise NotFound("no team is set up yet: run `dutydesk apply TEAM.yaml` first")
    return team


def team_zone(session: Session) -> ZoneInfo:
    """The team's time zone; NotFound before the first apply."""
    return parse_zone(get_team(session).timezone)


def team_fields(team: Team) -> TeamFields:
    """The team's own fields as the team file has them."""
    return TeamFields(
        team=team.slug,
        timezone=team.timezone,
        holidays=team.holidays,
        extra_holidays=[date.fromisoformat(day) for day in team.extra_holidays],
        announce=announce_spec(team.announce),
    )


def save_team_fields(session: Session, fields: TeamFields, today: date) -> Team:
    """Create or update the team from the file's fields, with a new revision (see Team.revision);
    its holidays are computed for the years around `today`."""
    team = find_team(session) or Team(id=_TEAM_ROW, slug=fields.team)
    team.timezone = fields.timezone
    team.holidays = fields.holidays
    store_holidays(team, today)
    team.extra_holidays = [day.isoformat() for day in fields.extra_holidays]
    team.announce = announce_row(fields.announce)
    team.revision = secrets.token_hex(16)
    session.add(team)
    return team
