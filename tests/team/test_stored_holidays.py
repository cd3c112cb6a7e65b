"""The team's bank holidays are kept with it when applied, and kept current by the worker."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from dutydesk.db import unit_of_work
from dutydesk.hours.holidays import StoredHolidays
from dutydesk.team.holidays import YEARS_AFTER, YEARS_BEFORE, is_current, stored_holidays
from dutydesk.team.service import get_team
from dutydesk.team_as_code.holidays import keep_holidays_current
from dutydesk.worker.cycles import default_cycles

TEAM = """
team: paas
timezone: Europe/London
holidays: {holidays}
people:
  - {{id: alice, name: Alice Archer, email: alice@example.org}}
rotas:
  - id: support
    name: Support
    layers:
      - {{shift: 1w, handoff: "Mon 09:00", members: [alice], start: "2026-01-05"}}
"""


def _stored(runtime) -> StoredHolidays | None:
    with unit_of_work(runtime.read_sessions) as session:
        return stored_holidays(get_team(session))


def _revision(runtime) -> str:
    with unit_of_work(runtime.read_sessions) as session:
        return get_team(session).revision


def test_applying_the_team_file_keeps_the_holidays_of_the_years_around_now(runtime, make_team):
    make_team(TEAM.format(holidays="GB-ENG"))
    stored = _stored(runtime)
    assert stored is not None
    assert (stored.code, stored.first_year, stored.last_year) == (
        "GB-ENG",
        2026 - YEARS_BEFORE,
        2026 + YEARS_AFTER,
    )
    assert stored.days[date(2026, 12, 28)] == "Boxing Day (observed)"


def test_a_team_with_no_calendar_keeps_none(runtime, make_team):
    make_team(TEAM.format(holidays="GB-ENG"))
    make_team(TEAM.format(holidays="null"))
    assert _stored(runtime) is None


def test_changing_the_calendar_keeps_the_new_one(runtime, make_team):
    make_team(TEAM.format(holidays="GB-ENG"))
    make_team(TEAM.format(holidays="GB-SCT"))
    stored = _stored(runtime)
    assert stored is not None and stored.code == "GB-SCT"
    assert stored.days[date(2026, 11, 30)] == "Saint Andrew's Day"


def test_the_worker_has_nothing_to_do_while_the_holidays_are_current(runtime, make_team):
    make_team(TEAM.format(holidays="GB-ENG"))
    revision = _revision(runtime)
    assert keep_holidays_current(runtime, "test") == 0
    assert _revision(runtime) == revision


def test_when_the_years_move_on_the_worker_computes_them_again(runtime, make_team, clock):
    make_team(TEAM.format(holidays="GB-ENG"))
    revision = _revision(runtime)
    clock.set(datetime(2029, 1, 2, 9, 0, tzinfo=UTC))
    assert keep_holidays_current(runtime, "test") == 1
    stored = _stored(runtime)
    assert stored is not None
    assert (stored.first_year, stored.last_year) == (2029 - YEARS_BEFORE, 2029 + YEARS_AFTER)
    # Compiled rotas are cached by revision: a new one makes them use the new holidays.
    assert _revision(runtime) != revision
    assert keep_holidays_current(runtime, "test") == 0


@pytest.mark.parametrize(
    "stale",
    [
        pytest.param({"package_version": "0.1"}, id="another-package-version"),
        pytest.param({"code": "GB-SCT"}, id="another-calendar"),
    ],
)
def test_holidays_kept_by_another_package_or_for_another_calendar_are_computed_again(
    runtime, make_team, stale
):
    make_team(TEAM.format(holidays="GB-ENG"))
    with unit_of_work(runtime.sessions) as session:
        team = get_team(session)
        team.bank_holidays = {**(team.bank_holidays or {}), **stale}
        session.commit()
    assert keep_holidays_current(runtime, "test") == 1
    with unit_of_work(runtime.read_sessions) as session:
        assert is_current(get_team(session), date(2026, 1, 14))


def test_a_database_upgraded_before_holidays_were_kept_gets_them_from_the_worker(
    runtime, make_team
):
    make_team(TEAM.format(holidays="GB-ENG"))
    with unit_of_work(runtime.sessions) as session:
        get_team(session).bank_holidays = None
        session.commit()
    assert "holidays" in [cycle.name for cycle in default_cycles()]
    assert keep_holidays_current(runtime, "test") == 1
    assert _stored(runtime) is not None


def test_who_at_a_bank_holiday_loads_no_holidays_package(runtime, make_team, database_url):
    make_team(TEAM.format(holidays="GB-ENG"))
    # 25 December 2026 is a Friday; the rota has no hours, so alice is on call all the same:
    # what matters is that the calendar was read from the database, not computed.
    program = (
        "import sys\n"
        "from dutydesk.cli import main\n"
        "sys.argv = ['dutydesk', 'who', '--at', '2026-12-25T12:00']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        env={**os.environ, "DUTYDESK_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "alice" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"
