"""Escalation with the example team, the clock fast-forwarded instead of waited for.

Wednesday 14 January 2026, 10:00 in London: bob is on in-hours engineering, carol has just
taken over the escalation rota. platform-api pages through the in-hours policy (engineering,
then escalation after 15 minutes, once more, then stop); outside hours the 24x7 policy takes
over (escalation rota, then alice and bob).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from dutydesk.alerts.models import AlertGroup
from dutydesk.alerts.service import acknowledge_alert, resolve_alert
from dutydesk.db import unit_of_work
from dutydesk.runtime import ask_to_wake_worker
from tests.conftest import EXAMPLE_TEAM

pytestmark = pytest.mark.usefixtures("example_team")
MINUTE = timedelta(minutes=1)


def ack(runtime, alert_id, actor="bob"):
    with unit_of_work(runtime.sessions) as session:
        acknowledge_alert(session, alert_id, runtime.clock.now(), actor=actor)
        session.commit()


def resolve(runtime, alert_id, actor="bob"):
    with unit_of_work(runtime.sessions) as session:
        resolve_alert(session, alert_id, runtime.clock.now(), actor=actor)
        session.commit()


def destinations(pages):
    return [page.destination for page in pages()]


def test_the_on_call_engineer_is_paged_at_once(raise_alert, run_cycle, pages, log_of):
    alert_id = raise_alert()
    assert pages() == []
    assert run_cycle() == 1
    assert destinations(pages) == ["bob@example.org"]
    assert log_of(alert_id) == ["trigger", "page"]


def test_nobody_acknowledging_in_15_minutes_pages_the_escalation_rota(
    runtime, raise_alert, run_cycle, pages
):
    raise_alert()
    run_cycle()
    runtime.clock.advance(14 * MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]
    runtime.clock.advance(MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "carol@example.org"]


def test_the_policy_repeats_once_then_ends(runtime, raise_alert, run_cycle, pages, log_of):
    alert_id = raise_alert()
    for _ in range(6):
        run_cycle()
        runtime.clock.advance(15 * MINUTE)
    assert destinations(pages) == [
        "bob@example.org",
        "carol@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    assert log_of(alert_id)[-1] == "escalation-ended"


def test_acknowledging_stops_the_escalation(runtime, raise_alert, run_cycle, pages):
    alert_id = raise_alert()
    run_cycle()
    runtime.clock.advance(5 * MINUTE)
    ack(runtime, alert_id)
    runtime.clock.advance(10 * MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_unresolved_30_minutes_after_acknowledging_it_pages_again(
    runtime, raise_alert, run_cycle, pages, status_of, log_of
):
    alert_id = raise_alert()
    run_cycle()
    ack(runtime, alert_id)
    runtime.clock.advance(29 * MINUTE)
    run_cycle()
    assert status_of(alert_id) == "acknowledged"
    runtime.clock.advance(MINUTE)
    run_cycle()
    assert status_of(alert_id) == "triggered"
    assert destinations(pages) == ["bob@example.org", "bob@example.org"]
    assert log_of(alert_id)[-2:] == ["retrigger", "page"]


def test_resolving_ends_it_and_nothing_pages_again(runtime, raise_alert, run_cycle, pages):
    alert_id = raise_alert()
    run_cycle()
    ack(runtime, alert_id)
    resolve(runtime, alert_id)
    runtime.clock.advance(2 * 60 * MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_outside_hours_the_in_hours_policy_hands_over_to_24x7(
    runtime, raise_alert, run_cycle, pages, log_of
):
    runtime.clock.set(datetime(2026, 1, 14, 18, 0, tzinfo=UTC))
    alert_id = raise_alert()
    run_cycle()
    assert destinations(pages) == ["carol@example.org"]
    assert log_of(alert_id) == ["trigger", "handover", "page"]
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    # alice has no rules of her own: every contact method she has, at once.
    assert destinations(pages) == [
        "carol@example.org",
        "U01ALICE",
        "alice@example.org",
        "bob@example.org",
    ]


def test_a_bank_holiday_counts_as_outside_hours(runtime, raise_alert, run_cycle, pages, log_of):
    # Monday 4 May 2026, the Early May bank holiday, 10:00 in London (09:00 UTC).
    runtime.clock.set(datetime(2026, 5, 4, 9, 0, tzinfo=UTC))
    alert_id = raise_alert()
    run_cycle()
    # The 24x7 policy pages the escalation rota (bob, the week from Wednesday 29 April).
    assert log_of(alert_id) == ["trigger", "handover", "page"]
    assert destinations(pages) == ["bob@example.org"]
    # The next working day, in hours, the in-hours policy pages engineering (carol) again.
    runtime.clock.set(datetime(2026, 5, 5, 9, 0, tzinfo=UTC))
    raise_alert(key="next-day")
    run_cycle()
    assert destinations(pages)[-1] == "carol@example.org"
    assert log_of(alert_id + 1) == ["trigger", "page"]


def test_an_escalation_that_runs_past_17_30_hands_over(runtime, raise_alert, run_cycle, pages):
    runtime.clock.set(datetime(2026, 1, 14, 17, 20, tzinfo=UTC))
    raise_alert()
    run_cycle()
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    # 17:20 in hours: engineering (bob); 17:35 outside: 24x7 from its first step (carol).
    assert destinations(pages) == ["bob@example.org", "carol@example.org"]


def test_a_storm_on_one_service_pages_once(runtime, raise_alert, run_cycle, pages):
    for number in range(40):
        raise_alert(key=f"node-{number}")
        runtime.clock.advance(timedelta(seconds=5))
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]
    with unit_of_work(runtime.read_sessions) as session:
        assert len(session.scalars(select(AlertGroup)).all()) == 1


def test_an_alert_after_the_group_window_is_a_new_group_and_pages(
    runtime, raise_alert, run_cycle, pages
):
    raise_alert(key="first")
    run_cycle()
    runtime.clock.advance(6 * MINUTE)
    raise_alert(key="second")
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "bob@example.org"]


def test_running_the_cycle_twice_pages_nobody_twice(runtime, raise_alert, run_cycle, pages):
    raise_alert()
    run_cycle()
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_a_service_without_a_policy_pages_nobody(runtime, make_team, raise_alert, run_cycle, pages):
    make_team(
        (__import__("tests.conftest", fromlist=["EXAMPLE_TEAM"]).EXAMPLE_TEAM)
        .read_text()
        .replace("    escalation_policy: 24x7\n", "")
    )
    raise_alert(service="status-checks")
    assert run_cycle() == 0
    assert pages() == []


def test_a_storm_after_a_one_step_policy_ran_out_pages_no_more(
    runtime, make_team, raise_alert, run_cycle, pages
):
    text = EXAMPLE_TEAM.read_text()
    two_steps = (
        "        escalate_after: 15m           # nobody acknowledged in 15 minutes: next step\n"
    )
    two_steps += "      - notify: [{rota: escalation}]\n    repeat: 1"
    assert two_steps in text
    make_team(text.replace(two_steps, "    repeat: 0"))
    raise_alert(key="a")
    run_cycle()
    for key in ("b", "c"):
        runtime.clock.advance(timedelta(seconds=30))
        raise_alert(key=key)
        run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_a_new_alert_joining_an_acknowledged_group_pages_again(
    runtime, raise_alert, run_cycle, pages
):
    first = raise_alert(key="a")
    run_cycle()
    ack(runtime, first)
    runtime.clock.advance(MINUTE)
    raise_alert(key="b")
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "bob@example.org"]


def test_a_rolled_back_savepoint_keeps_the_worker_wake_up(runtime):
    runtime.work_waiting.clear()
    with unit_of_work(runtime.sessions) as session:
        ask_to_wake_worker(session)
        with pytest.raises(ValueError), session.begin_nested():
            raise ValueError("one refused event")
        session.commit()
    assert runtime.work_waiting.is_set()
    runtime.work_waiting.clear()
    with unit_of_work(runtime.sessions) as session:
        session.execute(text("SELECT 1"))
        ask_to_wake_worker(session)
        session.rollback()
        session.commit()
    assert not runtime.work_waiting.is_set()
