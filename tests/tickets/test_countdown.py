"""The countdown of a ticket's answer, in the words the queue and the ticket page show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.tickets.countdown import Countdown, countdown

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (timedelta(minutes=12), Countdown("in 12 min", "soon")),
        (timedelta(minutes=11, seconds=1), Countdown("in 12 min", "soon")),
        (timedelta(seconds=20), Countdown("in 1 min", "soon")),
        (timedelta(hours=1), Countdown("in 1 h", "soon")),
        (timedelta(hours=1, seconds=1), Countdown("in 1 h 1 min", "later")),
        (timedelta(days=2, hours=3), Countdown("in 2 d 3 h", "later")),
        (timedelta(0), Countdown("due now", "overdue")),
        (-timedelta(seconds=59), Countdown("due now", "overdue")),
        (-timedelta(minutes=5), Countdown("overdue by 5 min", "overdue")),
        (-timedelta(minutes=5, seconds=59), Countdown("overdue by 5 min", "overdue")),
        (-timedelta(hours=26), Countdown("overdue by 1 d 2 h", "overdue")),
    ],
)
def test_a_running_clock_counts_down_to_its_due_time(due_in, expected):
    assert countdown(NOW + due_in, owed=True, running=True, now=NOW) == expected


def test_a_pending_ticket_is_paused_whatever_its_old_due_time():
    assert countdown(None, owed=True, running=False, now=NOW) == Countdown("paused", "paused")
    assert countdown(NOW, owed=True, running=False, now=NOW).state == "paused"


def test_a_solved_ticket_owes_nothing():
    assert countdown(None, owed=False, running=False, now=NOW) == Countdown(
        "nothing owed", "stopped"
    )


def test_a_clock_in_hours_that_never_open_has_no_due_time():
    assert countdown(None, owed=True, running=True, now=NOW) == Countdown("no due time", "later")
