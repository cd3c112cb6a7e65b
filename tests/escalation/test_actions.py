"""Snooze, reassign, people's notification rules, and acting on a group from a page's link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dutydesk.alerts.actions import acknowledge_group, reassign_alert, resolve_group, snooze_alert
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from tests.conftest import EXAMPLE_TEAM

pytestmark = pytest.mark.usefixtures("example_team")
MINUTE = timedelta(minutes=1)


def act(runtime, action, *args):
    with unit_of_work(runtime.sessions) as session:
        result = action(session, *args, runtime.clock.now(), actor="cli:rhea")
        session.commit()
        return result


def destinations(pages):
    return [(page.destination, page.status) for page in pages()]


def test_a_snoozed_alert_pages_again_when_the_snooze_ends(
    runtime, raise_alert, run_cycle, pages, status_of, log_of
):
    alert_id = raise_alert()
    run_cycle()
    act(runtime, snooze_alert, alert_id, 2 * 60 * MINUTE)
    assert status_of(alert_id) == "acknowledged"
    runtime.clock.advance(119 * MINUTE)
    run_cycle()
    assert len(pages()) == 1
    runtime.clock.advance(MINUTE)
    run_cycle()
    assert status_of(alert_id) == "triggered"
    assert len(pages()) == 2
    assert "snooze" in log_of(alert_id)


@pytest.mark.parametrize("length", [timedelta(0), timedelta(days=8)])
def test_a_snooze_too_short_or_too_long_is_refused(runtime, raise_alert, status_of, length):
    alert_id = raise_alert()
    with pytest.raises(Invalid, match="1 minute to 7 days"):
        act(runtime, snooze_alert, alert_id, length)
    assert status_of(alert_id) == "triggered"


def test_reassigning_pages_the_new_person_at_once_then_the_policy_goes_on(
    runtime, raise_alert, run_cycle, pages, log_of
):
    alert_id = raise_alert()
    run_cycle()
    act(runtime, acknowledge_group, 1)
    act(runtime, reassign_alert, alert_id, "dan")
    run_cycle()
    assert [d for d, _ in destinations(pages)] == ["bob@example.org", "dan@example.org"]
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    # Nobody acknowledged: the policy's second step, the escalation rota (carol).
    assert [d for d, _ in destinations(pages)][-1] == "carol@example.org"
    assert "reassign" in log_of(alert_id)


def test_reassigning_to_someone_unknown_changes_nothing(runtime, raise_alert, status_of):
    alert_id = raise_alert()
    with pytest.raises(NotFound, match="nobody"):
        act(runtime, reassign_alert, alert_id, "nobody")
    assert status_of(alert_id) == "triggered"


def test_a_resolved_alert_cannot_be_snoozed_or_reassigned(runtime, raise_alert, run_cycle):
    alert_id = raise_alert()
    run_cycle()
    act(runtime, resolve_group, 1)
    with pytest.raises(Conflict, match="resolved"):
        act(runtime, snooze_alert, alert_id, MINUTE * 30)
    with pytest.raises(Conflict, match="resolved"):
        act(runtime, reassign_alert, alert_id, "dan")


def test_acknowledging_a_group_acknowledges_each_of_its_alerts(
    runtime, raise_alert, run_cycle, status_of
):
    first, second = raise_alert(key="a"), raise_alert(key="b")
    run_cycle()
    assert act(runtime, acknowledge_group, 1) == 2
    assert (status_of(first), status_of(second)) == ("acknowledged", "acknowledged")
    with pytest.raises(Conflict, match="acknowledged already"):
        act(runtime, acknowledge_group, 1)
    assert act(runtime, resolve_group, 1) == 2
    with pytest.raises(NotFound):
        act(runtime, resolve_group, 99)


def test_a_persons_rules_page_on_slack_at_once_and_by_email_later(
    runtime, make_team, raise_alert, run_cycle, pages
):
    make_team(
        EXAMPLE_TEAM.read_text().replace(
            "{id: bob, name: Bob Brown, email: bob@example.org}",
            "{id: bob, name: Bob Brown, email: bob@example.org, slack: U02BOB,"
            " notify: [{via: slack}, {via: email, after: 2m}]}",
        )
    )
    raise_alert()
    run_cycle()
    found = pages()
    assert [(p.destination, p.due_at - runtime.clock.now()) for p in found] == [
        ("U02BOB", timedelta(0)),
        ("bob@example.org", 2 * MINUTE),
    ]


def test_acknowledging_withdraws_the_pages_not_yet_due(
    runtime, make_team, raise_alert, run_cycle, pages
):
    make_team(
        EXAMPLE_TEAM.read_text().replace(
            "{id: bob, name: Bob Brown, email: bob@example.org}",
            "{id: bob, name: Bob Brown, email: bob@example.org, slack: U02BOB,"
            " notify: [{via: slack}, {via: email, after: 2m}]}",
        )
    )
    raise_alert()
    run_cycle()
    runtime.clock.advance(MINUTE)
    act(runtime, acknowledge_group, 1)
    assert destinations(pages) == [("U02BOB", "pending"), ("bob@example.org", "dead")]
