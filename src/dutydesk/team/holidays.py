"""The team's bank holidays: its calendar, and the holidays kept with it.

Computing holidays imports the whole holidays package (every country), which would cost each
command a tenth of a second at start. So they are computed when the team file is applied, for
the years around then, and kept with the team; the worker keeps them current as years pass and
when the package is upgraded (`is_current`). A year outside those kept is still answered, by
the package.
"""

from __future__ import annotations

from datetime import date

from dutydesk.hours.holidays import (
    HolidayCalendar,
    StoredHolidays,
    canonical_code,
    compute_holidays,
    package_version,
)
from dutydesk.team.models import Team

# The years kept around the current one: the rota maths looks a year either side of an
# instant, and the calendar pages and feeds a year or two ahead.
YEARS_BEFORE = 2
YEARS_AFTER = 5


def team_calendar(team: Team) -> HolidayCalendar:
    """The team's bank holidays and extra days off."""
    return HolidayCalendar(
        team.holidays,
        [date.fromisoformat(day) for day in team.extra_holidays],
        stored_holidays(team),
    )


def stored_holidays(team: Team) -> StoredHolidays | None:
    """The holidays kept with the team, or None (no calendar, or none kept yet)."""
    if team.bank_holidays is None:
        return None
    return StoredHolidays.from_row(team.bank_holidays)


def store_holidays(team: Team, today: date) -> None:
    """Compute and keep the team's holidays for the years around `today`."""
    if team.holidays is None:
        team.bank_holidays = None
        return
    team.bank_holidays = compute_holidays(
        team.holidays, today.year - YEARS_BEFORE, today.year + YEARS_AFTER
    ).to_row()


def is_current(team: Team, today: date) -> bool:
    """Whether the kept holidays are those of the team's calendar, by this process's package,
    for every year from the last to the one `YEARS_AFTER - 1` ahead."""
    stored = stored_holidays(team)
    if team.holidays is None:
        return stored is None
    return (
        stored is not None
        and stored.code == canonical_code(team.holidays)
        and stored.package_version == package_version()
        and stored.covers(today.year - 1)
        and stored.covers(today.year + YEARS_AFTER - 1)
    )
