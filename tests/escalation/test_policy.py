"""Which step comes next, and which policy pages when: tables of cases, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dutydesk.escalation.policy import compile_policy, following, in_force, notify_rules
from dutydesk.escalation.spec import PolicySpec
from dutydesk.hours.holidays import HolidayCalendar

LONDON = ZoneInfo("Europe/London")
CALENDAR = HolidayCalendar("GB-ENG")
IN_HOURS = compile_policy(
    PolicySpec(
        id="in-hours",
        name="In hours",
        hours=["Mon-Fri 09:30-17:30"],
        skip_holidays=True,
        outside_hours="24x7",
        steps=[{"notify": [{"rota": "engineering"}]}, {"notify": [{"rota": "escalation"}]}],
        repeat=1,
    ),
    CALENDAR,
    LONDON,
)
ALWAYS = compile_policy(
    PolicySpec(id="24x7", name="24x7", steps=[{"notify": [{"person": "alice"}]}]),
    CALENDAR,
    LONDON,
)
ONLY_IN_HOURS = compile_policy(
    PolicySpec(
        id="office",
        name="Office",
        hours=["Mon-Fri 09:30-17:30"],
        steps=[{"notify": [{"person": "alice"}]}],
    ),
    CALENDAR,
    LONDON,
)
POLICIES = {p.id: p for p in (IN_HOURS, ALWAYS, ONLY_IN_HOURS)}


@pytest.mark.parametrize(
    ("step", "loop", "expected"),
    [(0, 0, (1, 0)), (1, 0, (0, 1)), (0, 1, (1, 1)), (1, 1, None)],
)
def test_steps_follow_in_order_and_repeat(step, loop, expected):
    assert following(IN_HOURS, step, loop) == expected


def test_a_policy_without_repeat_ends_after_its_last_step():
    assert following(ALWAYS, 0, 0) is None


@pytest.mark.parametrize(
    ("at", "policy", "handed_over"),
    [
        (datetime(2026, 1, 14, 10, 0, tzinfo=UTC), "in-hours", False),  # Wednesday morning
        (datetime(2026, 1, 14, 17, 30, tzinfo=UTC), "24x7", True),  # closing time
        (datetime(2026, 1, 17, 12, 0, tzinfo=UTC), "24x7", True),  # Saturday
        (datetime(2026, 12, 25, 10, 0, tzinfo=UTC), "24x7", True),  # Christmas Day
        (datetime(2026, 7, 1, 8, 30, tzinfo=UTC), "in-hours", False),  # 09:30 BST
        (datetime(2026, 7, 1, 8, 29, tzinfo=UTC), "24x7", True),  # 09:29 BST
    ],
)
def test_outside_its_hours_a_policy_hands_over(at, policy, handed_over):
    decision = in_force(POLICIES, "in-hours", at)
    assert decision.policy is not None
    assert (decision.policy.id, decision.handed_over) == (policy, handed_over)


def test_without_a_fallback_paging_waits_until_hours_start():
    friday_evening = datetime(2026, 1, 16, 18, 0, tzinfo=UTC)
    decision = in_force(POLICIES, "office", friday_evening)
    assert decision.policy is None
    assert decision.wait_until == datetime(2026, 1, 19, 9, 30, tzinfo=UTC)


def test_an_unknown_policy_pages_nobody():
    assert in_force(POLICIES, "gone", datetime(2026, 1, 14, tzinfo=UTC)).policy is None


def test_without_rules_every_contact_method_pages_at_once():
    rules = notify_rules([], email="a@example.org", slack="U1")
    assert [(r.via, r.after) for r in rules] == [("slack", timedelta(0)), ("email", timedelta(0))]
    assert notify_rules([], email=None, slack=None) == []


def test_rules_keep_their_order_and_delays():
    rules = notify_rules(
        [{"via": "email", "after": "0m"}, {"via": "slack", "after": "5m"}],
        email="a@example.org",
        slack="U1",
    )
    assert [(r.via, r.after) for r in rules] == [
        ("email", timedelta(0)),
        ("slack", timedelta(minutes=5)),
    ]
