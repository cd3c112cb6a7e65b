"""The worker cycle that keeps the team's bank holidays current (team/holidays.py)."""

from __future__ import annotations

import secrets

from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.team.holidays import is_current, store_holidays
from dutydesk.team.models import Team
from dutydesk.team.service import find_team


def keep_holidays_current(runtime: Runtime, worker_id: str) -> int:
    """One pass: compute the team's holidays again when a year has turned, the calendar changed
    or the package was upgraded; returns 1 when it did, else 0."""
    today = runtime.clock.now().date()
    with unit_of_work(runtime.sessions) as session:
        team = find_team(session)
        if team is None or is_current(team, today):
            return 0
        store_holidays(team, today)
        _plans_compiled_again(team)
        session.commit()
    return 1


def _plans_compiled_again(team: Team) -> None:
    # Compiled rotas hold the calendar and are cached by the team's revision (Team.revision).
    team.revision = secrets.token_hex(16)
