"""Escalation at its edges: reassign then hand-over, one person on two rotas, a contact the
outbox refuses, a policy renamed mid-escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from dutydesk.alerts.actions import reassign_alert
from dutydesk.db import unit_of_work
from dutydesk.people.models import Person
from tests.conftest import EXAMPLE_TEAM

pytestmark = pytest.mark.usefixtures("example_team")
MINUTE = timedelta(minutes=1)


def destinations(pages):
    return [page.destination for page in pages()]


def test_after_a_reassign_the_hand_over_pages_the_24x7_first_step(
    runtime, raise_alert, run_cycle, pages
):
    runtime.clock.set(datetime(2026, 1, 14, 17, 15, tzinfo=UTC))
    alert_id = raise_alert()
    run_cycle()
    runtime.clock.advance(5 * MINUTE)
    with unit_of_work(runtime.sessions) as session:
        reassign_alert(session, alert_id, "dan", runtime.clock.now(), actor="cli:rhea")
        session.commit()
    run_cycle()
    runtime.clock.advance(15 * MINUTE)  # 17:35: outside hours
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "dan@example.org", "carol@example.org"]


def test_the_same_person_paged_by_both_policies_gets_both_pages(
    runtime, raise_alert, run_cycle, pages, log_of
):
    # Tuesday 13 January: bob is on in-hours engineering and on the escalation rota.
    runtime.clock.set(datetime(2026, 1, 13, 17, 20, tzinfo=UTC))
    alert_id = raise_alert()
    run_cycle()
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    found = pages()
    assert [p.destination for p in found] == ["bob@example.org", "bob@example.org"]
    assert len({p.key for p in found}) == 2
    assert log_of(alert_id).count("page") == 2


def test_a_person_named_twice_in_one_step_is_paged_once(
    runtime, make_team, raise_alert, run_cycle, pages
):
    text = EXAMPLE_TEAM.read_text()
    assert "      - notify: [{rota: engineering}]" in text
    make_team(
        text.replace(
            "      - notify: [{rota: engineering}]",
            "      - notify: [{rota: engineering}, {person: bob}]",
        )
    )
    raise_alert()
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]


def test_a_contact_the_outbox_refuses_does_not_stop_other_pages(
    runtime, raise_alert, run_cycle, pages, log_of
):
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(Person).where(Person.id == "bob").values(email="not an address"))
        session.commit()
    broken = raise_alert()
    fine = raise_alert(key="beat", service="status-checks")
    run_cycle()
    assert destinations(pages) == ["carol@example.org"]
    assert "page-failed" in log_of(broken)
    assert log_of(fine)[-1] == "page"
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    # The broken step did not stop either escalation: platform-api's next step pages carol,
    # status-checks' pages alice (and fails for bob again).
    assert sorted(destinations(pages)[1:]) == ["U01ALICE", "alice@example.org", "carol@example.org"]


def test_a_policy_renamed_mid_escalation_goes_on_with_the_new_one(
    runtime, make_team, raise_alert, run_cycle, pages, log_of
):
    alert_id = raise_alert()
    run_cycle()
    make_team(EXAMPLE_TEAM.read_text().replace("in-hours", "office-hours"))
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    assert "policy-changed" in log_of(alert_id)
    # The new policy from its first step: engineering (bob) again.
    assert destinations(pages) == ["bob@example.org", "bob@example.org"]
