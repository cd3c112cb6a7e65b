"""The builds worker cycle, fast-forwarded: a job that turns red while nobody is on support (a
Saturday night) is told to the engineer who next comes on support (Monday 09:30), once, by
their notification rules; a spell that went green meanwhile is told to nobody."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from dutydesk.audit.service import subject_history
from dutydesk.builds.due import builds_due
from dutydesk.builds.models import RedSpell
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage

SATURDAY_NIGHT = datetime(2026, 1, 17, 22, 0, tzinfo=UTC)  # London is on UTC in January
MONDAY_BEFORE_HOURS = datetime(2026, 1, 19, 9, 29, tzinfo=UTC)
# The engineering rota's hours begin, and carol's week on it (alice, bob, carol from 5 January).
MONDAY_AT_THE_START = datetime(2026, 1, 19, 9, 30, tzinfo=UTC)


def outbox(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (m.destination, m.subject, m.text)
            for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def test_red_on_saturday_night_is_told_to_the_engineer_on_support_on_monday_once(
    team, record, runtime, clock, spells
):
    clock.set(SATURDAY_NIGHT)
    assert record("failed", build="1", sha="abcdef0123456789" + "0" * 24).turned == "red"
    assert spells()[0].told_person_id is None
    assert builds_due(runtime, "w1") == 0  # nobody on support
    clock.set(MONDAY_BEFORE_HOURS)
    assert builds_due(runtime, "w1") == 0
    assert outbox(runtime) == []

    clock.set(MONDAY_AT_THE_START)
    assert builds_due(runtime, "w1") == 1
    [(destination, subject, text)] = outbox(runtime)
    assert destination == "carol@example.org"
    assert subject == "[Dutydesk] The build is red: concourse paas-cf/deploy"
    assert "red on main since Sat 17 Jan 2026 22:00 (1 failure, first at abcdef012345)" in text
    assert "Nobody was on support when it turned red." in text
    assert "dutydesk build claim 1" in text
    assert "The build: https://ci.example.org/builds/1" in text
    assert spells()[0].told_person_id == "carol"
    with unit_of_work(runtime.read_sessions) as session:
        actions = [r.entry.action for r in subject_history(session, "build-spell:1")]
    assert actions == ["build.told", "build.red"]

    assert builds_due(runtime, "w1") == 0  # a second pass tells nobody again
    assert len(outbox(runtime)) == 1


def test_a_retried_pass_never_queues_the_notice_twice(team, record, runtime, clock):
    clock.set(SATURDAY_NIGHT)
    record("failed", build="1")
    clock.set(MONDAY_AT_THE_START)
    assert builds_due(runtime, "w1") == 1
    # As if the pass had queued the notice but its record of who was told were lost.
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(RedSpell).values(told_person_id=None))
        session.commit()
    assert builds_due(runtime, "w2") == 1
    assert len(outbox(runtime)) == 1


def test_a_spell_that_went_green_before_monday_is_told_to_nobody(
    team, record, runtime, clock, spells
):
    clock.set(SATURDAY_NIGHT)
    record("failed", build="1", sha="a" * 40)
    clock.set(datetime(2026, 1, 18, 11, 0, tzinfo=UTC))
    assert record("succeeded", build="2", sha="b" * 40).turned == "fixed"
    clock.set(MONDAY_AT_THE_START)
    assert builds_due(runtime, "w1") == 0
    assert outbox(runtime) == []
    assert spells()[0].told_person_id is None


def test_a_dismissed_spell_and_one_told_at_once_are_not_told_again(
    team, record, runtime, clock, cli
):
    record("failed", build="1", job="told-at-once")  # Wednesday 10:00: bob is told at once
    clock.set(SATURDAY_NIGHT)
    record("failed", build="2", job="retired")
    assert cli("build", "dismiss", "2", "--reason", "pipeline retired", "--as", "bob").code == 0
    clock.set(MONDAY_AT_THE_START)
    assert builds_due(runtime, "w1") == 0
    assert [destination for destination, _, _ in outbox(runtime)] == ["bob@example.org"]


def test_without_a_team_nobody_is_told(record, runtime, clock, spells):
    record("failed", build="1")
    assert builds_due(runtime, "w1") == 0
    assert spells()[0].told_person_id is None
