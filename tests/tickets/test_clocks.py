"""A ticket's clock through its life: first response, updates, pending, priority changes,
reminders and the breach."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.tickets.clocks import (
    BREACH,
    after_reminder,
    on_public_reply,
    paused,
    reprioritised,
    resumed,
    started,
    stopped,
)
from dutydesk.tickets.policy import FIRST_RESPONSE, UPDATE, SupportPolicy
from tests.tickets.test_targets import london

POLICY = SupportPolicy(
    SupportHours(
        ZoneInfo("Europe/London"),
        (parse_hours("Mon-Fri 09:30-17:30"),),
        skip_holidays=True,
        holidays=HolidayCalendar("GB-ENG", [date(2026, 12, 1)]),
    )
)


def test_a_new_ticket_owes_its_first_response_with_reminders_at_half_and_three_quarters():
    clock = started(POLICY, FIRST_RESPONSE, "P2", london("2026-11-30T10:00"))
    assert (clock.due, clock.next_reminder_at, clock.next_stage) == (
        london("2026-11-30T10:30"),
        london("2026-11-30T10:15"),
        1,
    )
    clock = after_reminder(POLICY, clock, london("2026-11-30T10:15"))
    assert (clock.next_reminder_at, clock.next_stage) == (london("2026-11-30T10:22:30"), 2)
    clock = after_reminder(POLICY, clock, london("2026-11-30T10:22:30"))
    assert (clock.next_reminder_at, clock.next_stage) == (london("2026-11-30T10:30"), BREACH)
    clock = after_reminder(POLICY, clock, london("2026-11-30T10:30"))
    assert (clock.next_reminder_at, clock.next_stage) == (None, None)
    assert clock.due == london("2026-11-30T10:30")


def test_an_untriaged_ticket_is_answered_within_two_support_days():
    clock = started(POLICY, FIRST_RESPONSE, None, london("2026-11-27T16:00"))
    # Friday 16:00 + 16 support hours: Monday, then Tuesday is the team's day off: Wednesday.
    assert clock.due == london("2026-12-02T16:00")


def test_the_first_public_reply_makes_the_ticket_owe_updates():
    clock = started(POLICY, FIRST_RESPONSE, "P3", london("2026-11-30T10:00"))
    clock = on_public_reply(POLICY, clock, london("2026-11-30T10:20"))
    assert (clock.kind, clock.due) == (UPDATE, london("2026-11-30T14:20"))
    again = on_public_reply(POLICY, clock, london("2026-11-30T13:00"))
    assert again.due == london("2026-11-30T17:00")


def test_pending_pauses_the_clock_and_open_resumes_it_with_the_time_used():
    clock = started(POLICY, UPDATE, "P2", london("2026-11-30T10:00"))
    waiting = paused(POLICY, clock, london("2026-11-30T10:40"))
    assert (waiting.running_since, waiting.due, waiting.next_reminder_at) == (None, None, None)
    assert waiting.used == timedelta(minutes=40)
    assert paused(POLICY, waiting, london("2026-11-30T11:00")) == waiting
    back = resumed(POLICY, waiting, london("2026-12-02T10:00"))
    assert back.due == london("2026-12-02T11:20")
    assert resumed(POLICY, back, london("2026-12-02T10:30")) == back


def test_a_new_priority_changes_the_target_and_keeps_the_time_used():
    clock = started(POLICY, FIRST_RESPONSE, "P3", london("2026-11-30T10:00"))
    urgent = reprioritised(POLICY, clock, "P1", london("2026-11-30T10:10"))
    assert (urgent.priority, urgent.due) == ("P1", london("2026-11-30T10:20"))
    # 50% of 20 minutes has passed already: the next reminder is at 75%.
    assert (urgent.next_reminder_at, urgent.next_stage) == (london("2026-11-30T10:15"), 2)


def test_a_priority_that_makes_the_answer_overdue_reminds_of_the_breach_at_once():
    clock = started(POLICY, FIRST_RESPONSE, "P4", london("2026-11-30T10:00"))
    overdue = reprioritised(POLICY, clock, "P1", london("2026-11-30T11:00"))
    assert overdue.due == london("2026-11-30T11:00")
    assert (overdue.next_reminder_at, overdue.next_stage) == (london("2026-11-30T11:00"), BREACH)


def test_a_priority_change_while_pending_applies_when_the_clock_runs_again():
    clock = paused(
        POLICY,
        started(POLICY, UPDATE, "P4", london("2026-11-30T10:00")),
        london("2026-11-30T10:30"),
    )
    urgent = reprioritised(POLICY, clock, "P1", london("2026-11-30T11:00"))
    assert (urgent.priority, urgent.due) == ("P1", None)
    assert resumed(POLICY, urgent, london("2026-11-30T12:00")).due == london("2026-11-30T12:30")


def test_solving_stops_the_clock():
    clock = stopped(started(POLICY, UPDATE, "P2", london("2026-11-30T10:00")))
    assert clock.stopped and clock.due is None and clock.next_reminder_at is None
    assert clock.priority == "P2"
