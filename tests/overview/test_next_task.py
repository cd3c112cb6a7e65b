"""The dashboard's suggestion of a task for the engineer on support, on SQLite and PostgreSQL:
nothing while an alert is open or a ticket unassigned; otherwise the oldest open task nobody
has whose size fits the support time left in the day, as the clock moves on; and the support
time left itself as a table of cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dutydesk.alerts.service import (
    AlertFields,
    acknowledge_alert,
    resolve_alert,
    trigger_on_service,
)
from dutydesk.db import unit_of_work
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.overview.next_task import (
    NO_TIME_LEFT,
    NOTHING_FITS,
    OPEN_ALERTS,
    UNASSIGNED_TICKETS,
    next_task,
    support_time_left,
)
from dutydesk.tasks import service as tasks
from dutydesk.tickets import service as tickets
from dutydesk.tickets.support import support_policy
from tests.conftest import EXAMPLE_TEAM

LONDON = ZoneInfo("Europe/London")
WORKING = SupportHours(LONDON, (parse_hours("Mon-Fri 09:30-17:30"),))
H = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("hours", "now", "shift_ends", "left"),
    [
        # Wednesday 14 January 2026 (GMT), and Friday 24 July (BST).
        (WORKING, "2026-01-14 10:00", None, 7.5 * H),
        (WORKING, "2026-01-14 10:00", "2026-01-14 17:30", 7.5 * H),
        (WORKING, "2026-01-14 10:00", "2026-01-14 12:00", 2 * H),
        (WORKING, "2026-01-14 09:00", "2026-01-19 09:30", 8 * H),  # a week's shift: today only
        (WORKING, "2026-01-14 17:30", None, timedelta(0)),
        (WORKING, "2026-01-14 20:00", "2026-01-15 09:30", timedelta(0)),
        (WORKING, "2026-01-17 11:00", None, timedelta(0)),  # a Saturday
        (WORKING, "2026-07-24 16:15", None, 1.25 * H),
        (SupportHours(LONDON), "2026-01-14 22:00", None, 2 * H),  # always open: to midnight
        (SupportHours(LONDON), "2026-03-29 00:00", None, 23 * H),  # the clocks go forward
    ],
)
def test_the_support_time_left_in_the_day_or_shift(hours, now, shift_ends, left):
    ends = at(shift_ends) if shift_ends else None
    assert support_time_left(hours, at(now), ends) == left


def suggest(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        found = next_task(session, runtime.clock.now())
        return found, (found.task.title if found and found.task else None)


def add(runtime, title, *, age_days, size=None, owner=None):
    with unit_of_work(runtime.sessions) as session:
        task = tasks.add_task(
            session,
            tasks.NewTask(title=title, size=size, owner_id=owner),
            source=None,
            actor="test",
            now=runtime.clock.now() - timedelta(days=age_days),
        )
        session.commit()
        return task.id


def test_the_oldest_fitting_task_as_the_day_goes_on(runtime, clock, example_team):
    add(runtime, "Owned, oldest", age_days=9, owner="alice")
    done = add(runtime, "Done, old", age_days=8)
    with unit_of_work(runtime.sessions) as session:
        tasks.complete(session, done, None, actor="test", now=clock.now())
        session.commit()
    add(runtime, "Large", age_days=7, size="L")
    add(runtime, "Medium", age_days=6, size="M")
    add(runtime, "Small", age_days=5, size="S")
    add(runtime, "Unsized", age_days=4)

    # Wednesday 10:00: Bob is on support until 17:30, seven and a half hours: anything fits.
    found, title = suggest(runtime)
    assert (found.person_id, found.time_left, title) == ("bob", 7.5 * H, "Large")
    clock.set(at("2026-01-14 13:15"))  # 4h15m: L still fits
    assert suggest(runtime)[1] == "Large"
    clock.set(at("2026-01-14 13:30"))  # exactly four hours: M fits, L does not
    assert suggest(runtime)[1] == "Medium"
    clock.set(at("2026-01-14 14:00"))  # three and a half hours: S and the unsized
    assert suggest(runtime)[1] == "Small"
    clock.set(at("2026-01-14 16:45"))  # three quarters of an hour: only the unsized
    assert suggest(runtime)[1] == "Unsized"
    clock.set(at("2026-01-14 18:00"))  # nobody is on support
    assert suggest(runtime) == (None, None)


def test_nothing_fits_when_only_big_tasks_wait(runtime, clock, example_team):
    add(runtime, "Large", age_days=1, size="L")
    clock.set(at("2026-01-14 16:00"))
    found, title = suggest(runtime)
    assert (title, found.reason, found.time_left) == (None, NOTHING_FITS, 1.5 * H)


def test_nothing_is_suggested_while_an_alert_is_open(runtime, clock, example_team):
    add(runtime, "Small", age_days=1, size="S")
    with unit_of_work(runtime.sessions) as session:
        alert, _ = trigger_on_service(
            session,
            "platform-api",
            "5xx",
            AlertFields(summary="5xx above 5%", source="prometheus", severity="critical"),
            clock.now(),
            actor="test",
        )
        session.commit()
        alert_id = alert.id
    found, title = suggest(runtime)
    assert (title, found.reason) == (None, OPEN_ALERTS)
    with unit_of_work(runtime.sessions) as session:
        acknowledge_alert(session, alert_id, clock.now(), actor="person:bob")
        session.commit()
    assert suggest(runtime)[0].reason == OPEN_ALERTS  # acknowledged is still open
    with unit_of_work(runtime.sessions) as session:
        resolve_alert(session, alert_id, clock.now(), actor="person:bob")
        session.commit()
    assert suggest(runtime)[1] == "Small"


def test_nothing_is_suggested_while_a_ticket_is_unassigned(runtime, clock, example_team):
    add(runtime, "Small", age_days=1, size="S")
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.open_ticket(
            session,
            support_policy(session),
            subject="cf push fails",
            first=tickets.Incoming("Since 09:00."),
            source="web",
            actor="test",
            now=clock.now(),
        )
        session.commit()
        number = ticket.id
    found, title = suggest(runtime)
    assert (title, found.reason) == (None, UNASSIGNED_TICKETS)
    with unit_of_work(runtime.sessions) as session:
        tickets.assign(
            session, tickets.get_ticket(session, number), "carol", actor="t", now=clock.now()
        )
        session.commit()
    assert suggest(runtime)[1] == "Small"


def test_out_of_support_hours_nothing_is_suggested_to_whoever_is_on_call(
    runtime, clock, example_team, make_team
):
    # Support follows the escalation rota, on call around the clock, while the support hours
    # still close at 17:30.
    team = EXAMPLE_TEAM.read_text()
    assert "  rota: engineering " in team
    make_team(team.replace("  rota: engineering ", "  rota: escalation  ", 1))
    add(runtime, "Unsized", age_days=1)
    clock.set(at("2026-01-14 17:00"))
    found, title = suggest(runtime)
    assert (found.person_id, found.time_left, title) == ("carol", 0.5 * H, "Unsized")
    clock.set(at("2026-01-14 20:00"))
    found, title = suggest(runtime)
    assert (found.person_id, found.time_left, title, found.reason) == (
        "carol",
        timedelta(0),
        None,
        NO_TIME_LEFT,
    )


def test_the_dashboard_shows_the_suggestion_and_the_engineer_picks_it_up(
    browser, runtime, clock, example_team
):
    number = add(runtime, "Tidy the alert rules", age_days=2, size="S")
    bob = browser("bob", person="bob")
    board = bob.get("/")
    assert "Next task" in board.text and "Tidy the alert rules" in board.text
    assert f'action="/tasks/{number}/pick-up"' in board.text
    alice = browser("alice", person="alice")
    seen = alice.get("/").text
    assert "Bob Brown is on support" in seen and f'action="/tasks/{number}/pick-up"' not in seen
    assert bob.post(f"/tasks/{number}/pick-up", {}).status_code == 303
    after = bob.get("/").text
    assert "Tidy the alert rules" not in after
    assert "no open task that nobody has fits" in after
