"""The team's own fields of the team file (`team`, `timezone`, `holidays` …), read and saved."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy.orm import Session

from dutydesk.team.holidays import store_holidays
from dutydesk.team.models import Team
from dutydesk.team.service import TEAM_ROW, find_team
from dutydesk.team.spec import TeamFields, announce_row, announce_spec


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
    team = find_team(session) or Team(id=TEAM_ROW, slug=fields.team)
    team.timezone = fields.timezone
    team.holidays = fields.holidays
    store_holidays(team, today)
    team.extra_holidays = [day.isoformat() for day in fields.extra_holidays]
    team.announce = announce_row(fields.announce)
    team.revision = secrets.token_hex(16)
    session.add(team)
    return team
