"""The incidents cycle with a fast-forwarded clock: a P1's update reminder at 1 hour and its
check on the engineer every 30 minutes, the 17:00 edge with its pause prompt and the 09:00
continuation, 6 hours into out-of-hours work, the review's reminders past bank holidays, and
each reminder once however often the worker passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dutydesk.db import unit_of_work
from dutydesk.incidents import service
from dutydesk.incidents.due import incidents_due
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.views import view_incident

from .conftest import IN_HOURS


def _pass_at(runtime, clock, at):
    clock.set(at)
    return incidents_due(runtime, "test")


def _sent(outbox, incident_id):
    return [
        (m.destination, m.subject)
        for m in outbox(f"incident-{incident_id}-")
        if "-role-" not in m.idempotency_key
    ]


def test_a_p1_reminds_the_comms_lead_to_check_at_30_minutes_and_to_update_at_1_hour(
    runtime, clock, declare, outbox
):
    clock.set(IN_HOURS)
    incident_id = declare(priority="P1")
    assert _pass_at(runtime, clock, IN_HOURS + timedelta(minutes=29)) == 0
    assert _sent(outbox, incident_id) == []
    _pass_at(runtime, clock, IN_HOURS + timedelta(minutes=30))
    assert _sent(outbox, incident_id) == [
        (
            "erin@example.org",
            "[Dutydesk] Incident 1 (P1): Platform API errors: check on the engineer",
        )
    ]
    _pass_at(runtime, clock, IN_HOURS + timedelta(hours=1))
    # Passing again at the same moment sends nothing more.
    assert _pass_at(runtime, clock, IN_HOURS + timedelta(hours=1)) == 0
    subjects = [subject for _, subject in _sent(outbox, incident_id)]
    assert subjects[1:] == [
        "[Dutydesk] Incident 1 (P1): Platform API errors: check on the engineer",
        "[Dutydesk] Incident 1 (P1): Platform API errors: tenants are owed an update (1h cadence)",
    ] or sorted(subjects[1:]) == sorted(
        [
            "[Dutydesk] Incident 1 (P1): Platform API errors: check on the engineer",
            "[Dutydesk] Incident 1 (P1): Platform API errors: tenants are owed an update (1h cadence)",
        ]
    )
    [update] = [m for m in outbox(f"incident-{incident_id}-update-")]
    assert "none has gone out since it was declared" in update.text
    assert "http://dutydesk.test/incidents/1#update" in update.text


def test_an_update_recorded_restarts_the_cadence_and_an_answered_check_the_checks(
    runtime, clock, declare, outbox
):
    clock.set(IN_HOURS)
    incident_id = declare(priority="P1")
    answered = IN_HOURS + timedelta(minutes=50)
    _pass_at(runtime, clock, IN_HOURS + timedelta(minutes=30))  # the check before the answer
    with unit_of_work(runtime.sessions) as session:
        policy = incident_policy(session)
        incident = service.get_incident(session, incident_id)
        service.record_update(
            session, policy, incident, "We are rolling back.", actor="erin", now=answered
        )
        service.answer_check(
            session, policy, incident, all_ok=True, actor="erin", now=answered, base_url="https://d"
        )
        session.commit()
    _pass_at(runtime, clock, IN_HOURS + timedelta(hours=1))
    assert outbox(f"incident-{incident_id}-update-") == []
    _pass_at(runtime, clock, answered + timedelta(minutes=30))
    _pass_at(runtime, clock, answered + timedelta(hours=1))
    keys = [m.idempotency_key.split("-erin-")[0] for m in outbox(f"incident-{incident_id}-")]
    assert sorted(k for k in keys if "-role-" not in k) == [
        f"incident-1-check-{(IN_HOURS + timedelta(minutes=30)).isoformat()}",
        f"incident-1-check-{(answered + timedelta(minutes=30)).isoformat()}",
        f"incident-1-check-{(answered + timedelta(hours=1)).isoformat()}",
        f"incident-1-update-{(answered + timedelta(hours=1)).isoformat()}",
    ]
    with unit_of_work(runtime.read_sessions) as session:
        texts = [e.text for e in view_incident(session, incident_id).entries]
    assert "Tenant update by erin: We are rolling back." in texts
    assert "Checked on the engineer (erin): all OK" in texts


def test_17_00_reminds_of_an_update_and_everyone_pauses_then_continues_at_09_00(
    runtime, clock, declare, outbox
):
    clock.set(IN_HOURS)
    incident_id = declare(priority="P3")
    five = datetime(2026, 1, 14, 17, 0, tzinfo=UTC)
    _pass_at(runtime, clock, five - timedelta(minutes=1))
    _pass_at(runtime, clock, five)
    evening = _sent(outbox, incident_id)
    assert (
        "erin@example.org",
        "[Dutydesk] Incident 1 (P3): Platform API errors: the working day ends: post an update",
    ) in evening
    paused = {
        d
        for d, s in evening
        if s == "[Dutydesk] Pause and document: Incident 1 (P3): Platform API errors"
    }
    # Everyone on it: the lead, the comms lead, the escalation contact and alice who declared.
    assert paused == {
        "bob@example.org",
        "erin@example.org",
        "carol@example.org",
        "alice@example.org",
        "U01ALICE",  # alice is told on Slack as well
    }
    [pause] = [
        m
        for m in outbox(f"incident-{incident_id}-pause-end-")
        if m.destination == "bob@example.org"
    ]
    assert "continue Thu 15 Jan 2026 09:00" in pause.text
    with unit_of_work(runtime.read_sessions) as session:
        entries = [e for e in view_incident(session, incident_id).entries if e.kind == "pause"]
    assert [(e.occurred_at, e.text) for e in entries] == [
        (
            five,
            "The working day ends: everyone prompted to pause and document; it continues Thu 15 Jan 2026 09:00",
        )
    ]
    nine = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    before = len(outbox(f"incident-{incident_id}-"))
    _pass_at(runtime, clock, nine)
    morning = _sent(outbox, incident_id)[before - 3 :]
    assert (
        "erin@example.org",
        "[Dutydesk] Incident 1 (P3): Platform API errors: the working day starts: post an update",
    ) in morning
    assert (
        "bob@example.org",
        "[Dutydesk] Continue: Incident 1 (P3): Platform API errors",
    ) in morning


def test_6_hours_into_out_of_hours_work_everyone_is_prompted_to_pause(
    runtime, clock, declare, outbox
):
    night = datetime(2026, 1, 14, 20, 0, tzinfo=UTC)
    clock.set(night)
    incident_id = declare(priority="P2")
    _pass_at(runtime, clock, night + timedelta(hours=5, minutes=59))
    assert outbox(f"incident-{incident_id}-pause-") == []
    _pass_at(runtime, clock, night + timedelta(hours=6))
    prompted = {m.destination for m in outbox(f"incident-{incident_id}-pause-pause-")}
    assert prompted == {"alice@example.org", "U01ALICE", "carol@example.org"}


def test_a_resolved_incident_reminds_its_lead_of_the_review_until_held_past_bank_holidays(
    runtime, clock, declare, outbox
):
    # Resolved Wednesday 16 December 2026 at 12:00: 10 working days, skipping Christmas Day,
    # the Boxing Day holiday on Monday 28 December and New Year's Day, end on Monday 4 January.
    declared = datetime(2026, 12, 16, 10, 0, tzinfo=UTC)
    resolved = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)
    clock.set(declared)
    incident_id = declare(priority="P3")
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        service.set_status(
            session,
            incident_policy(session),
            incident,
            "resolved",
            actor="bob",
            now=resolved,
            base_url="https://d",
        )
        session.commit()
        assert incident.review_due_at == datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
        lead = view_incident(session, incident_id).current_roles["lead"].person_id
    for day in range(0, 25):
        _pass_at(runtime, clock, resolved + timedelta(days=day))
    reviews = outbox(f"incident-{incident_id}-review-")
    assert {m.destination for m in reviews} == {f"{lead}@example.org"}
    assert [m.idempotency_key.split("-review-")[1][:16] for m in reviews] == [
        "2026-12-30T12:00",  # 2 working days before
        "2027-01-04T12:00",  # the day it is due
        "2027-01-05T12:00",  # and each working day after, until it is held
        "2027-01-06T12:00",
        "2027-01-07T12:00",
        "2027-01-08T12:00",
    ]
