"""The cadence's schedules, as pure maths: update reminders at the priority's interval, checks
on the engineer every 30 minutes during a P1 or P2, the working day's edges, the pause 6 hours
into out-of-hours work, and the review 10 support days after resolution, past bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.incidents import cadence
from dutydesk.incidents.cadence import CadenceRules, CadenceState, next_due, review_due
from dutydesk.tickets.targets import Target

LONDON = ZoneInfo("Europe/London")
# England's Easter 2026: Good Friday 3 April, Easter Monday 6 April.
EASTER = HolidayCalendar("GB-ENG", [], None)
WORKING = SupportHours(
    LONDON, (parse_hours("Mon-Fri 09:00-17:00"),), skip_holidays=True, holidays=EASTER
)
RULES = CadenceRules(
    {
        "P1": Target(amount=timedelta(hours=1), calendar=True),
        "P2": Target(amount=timedelta(hours=2), calendar=True),
        "P3": Target(amount=timedelta(hours=4), calendar=True),
        "P4": Target(support_days=2),
    },
    WORKING,
)
# Wednesday 14 January 2026 (GMT, so London time is UTC).
WED_1000 = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def state(priority: str = "P1", declared: datetime = WED_1000, **changes: object) -> CadenceState:
    return CadenceState(priority=priority, status="active", declared_at=declared, **changes)  # type: ignore[arg-type]


def test_a_p1_owes_tenants_an_update_an_hour_after_declaration_then_each_hour():
    p1 = state("P1")
    assert next_due(cadence.UPDATE, p1, RULES, WED_1000) == at(14, 11)
    assert next_due(cadence.UPDATE, p1, RULES, at(14, 11)) == at(14, 12)
    # A worker down for hours sends the next one, not every one it missed.
    assert next_due(cadence.UPDATE, p1, RULES, at(14, 15, 30)) == at(14, 16)


def test_the_update_cadence_counts_from_the_last_update_published():
    updated = state("P1", last_update_at=at(14, 10, 40))
    assert next_due(cadence.UPDATE, updated, RULES, at(14, 10, 40)) == at(14, 11, 40)


@pytest.mark.parametrize(
    ("priority", "due"),
    [("P2", at(14, 12)), ("P3", at(14, 14)), ("P4", at(16, 10))],
)
def test_each_priority_has_its_interval_and_p4_counts_working_days(priority, due):
    assert next_due(cadence.UPDATE, state(priority), RULES, WED_1000) == due


def test_the_engineer_is_checked_on_every_30_minutes_during_a_p1_or_p2_only():
    assert next_due(cadence.CHECK, state("P1"), RULES, WED_1000) == at(14, 10, 30)
    assert next_due(cadence.CHECK, state("P2"), RULES, at(14, 10, 30)) == at(14, 11)
    checked = state("P1", last_check_at=at(14, 10, 45))
    assert next_due(cadence.CHECK, checked, RULES, at(14, 10, 45)) == at(14, 11, 15)
    assert next_due(cadence.CHECK, state("P3"), RULES, WED_1000) is None


def test_the_working_day_reminds_at_17_00_and_09_00_while_the_incident_is_open():
    p3 = state("P3")
    assert next_due(cadence.BOUNDARY, p3, RULES, WED_1000) == at(14, 17)
    assert next_due(cadence.BOUNDARY, p3, RULES, at(14, 17)) == at(15, 9)
    # Friday evening: the next edge is Monday morning.
    assert next_due(cadence.BOUNDARY, p3, RULES, at(16, 17)) == at(19, 9)
    mitigated = CadenceState("P3", "mitigated", WED_1000)
    assert next_due(cadence.BOUNDARY, mitigated, RULES, WED_1000) == at(14, 17)
    resolved = CadenceState("P3", "resolved", WED_1000, resolved_at=at(14, 12))
    assert next_due(cadence.BOUNDARY, resolved, RULES, WED_1000) is None


def test_the_pause_prompt_comes_6_hours_into_out_of_hours_work():
    # Declared at 20:00: six hours later is 02:00, before the working day starts.
    night = state("P1", declared=at(14, 20))
    assert next_due(cadence.PAUSE, night, RULES, at(14, 20)) == at(15, 2)
    # Past that, the next stretch of out-of-hours work starts at 17:00 the next day.
    assert next_due(cadence.PAUSE, night, RULES, at(15, 2)) == at(15, 23)
    # Declared at 05:00: the working day starts at 09:00, before 6 hours are up.
    early = state("P1", declared=at(15, 5))
    assert next_due(cadence.PAUSE, early, RULES, at(15, 5)) == at(15, 23)
    # Declared in hours: 6 hours after the working day ends.
    assert next_due(cadence.PAUSE, state("P1"), RULES, WED_1000) == at(14, 23)


def test_the_review_is_due_10_support_days_after_resolution_skipping_the_bank_holidays():
    # Resolved Wednesday 1 April 2026 at 12:00 BST (11:00 UTC). Ten working days, not counting
    # Good Friday and Easter Monday: Thu 2, Tue 7, Wed 8 … Fri 17 April at 12:00 BST.
    resolved_at = datetime(2026, 4, 1, 11, 0, tzinfo=UTC)
    due = review_due(resolved_at, WORKING)
    assert due == datetime(2026, 4, 17, 11, 0, tzinfo=UTC)
    # Counting the two bank holidays as working days would make it Wednesday 15 April.
    without_holidays = SupportHours(LONDON, (parse_hours("Mon-Fri 09:00-17:00"),))
    assert review_due(resolved_at, without_holidays) == datetime(2026, 4, 15, 11, tzinfo=UTC)
    resolved = CadenceState(
        "P2", "resolved", at(30, 9, month=3), resolved_at=resolved_at, review_due_at=due
    )
    first = next_due(cadence.REVIEW, resolved, RULES, resolved_at)
    assert first == datetime(2026, 4, 15, 11, 0, tzinfo=UTC)  # 2 support days before
    assert next_due(cadence.REVIEW, resolved, RULES, first) == due
    # Each working day after, until it is held: Monday 20 April.
    assert next_due(cadence.REVIEW, resolved, RULES, due) == datetime(2026, 4, 20, 11, tzinfo=UTC)
    reviewed = CadenceState("P2", "reviewed", at(30, 9, month=3), resolved_at=resolved_at)
    assert next_due(cadence.REVIEW, reviewed, RULES, resolved_at) is None


@settings(max_examples=200, deadline=None)
@given(
    declared=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    after_hours=st.integers(min_value=0, max_value=24 * 20),
    kind=st.sampled_from(cadence.KINDS[:4]),
    priority=st.sampled_from(("P1", "P2", "P3", "P4")),
)
def test_every_reminder_falls_strictly_after_the_time_asked_and_edges_fall_on_the_day(
    declared, after_hours, kind, priority
):
    declared_at = declared.replace(tzinfo=UTC)
    after = declared_at + timedelta(hours=after_hours)
    due = next_due(kind, state(priority, declared=declared_at), RULES, after)
    if due is None:
        assert kind == cadence.CHECK and priority in ("P3", "P4")
        return
    assert due > after
    local = due.astimezone(LONDON)
    if kind == cadence.BOUNDARY:
        assert (local.hour, local.minute) in ((9, 0), (17, 0))
        assert local.weekday() < 5 and not EASTER.is_holiday(local.date())
    if kind == cadence.PAUSE:
        assert not WORKING.is_open(due)


def test_no_weekend_or_holiday_edge_at_easter():
    # Thursday 2 April 2026 17:00 BST: the next working day starts Tuesday 7 April 09:00 BST.
    thursday_evening = datetime(2026, 4, 2, 16, 0, tzinfo=UTC)
    p3 = state("P3", declared=datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    assert next_due(cadence.BOUNDARY, p3, RULES, thursday_evening) == datetime(
        2026, 4, 7, 8, 0, tzinfo=UTC
    )
    assert EASTER.is_holiday(date(2026, 4, 6))
