"""Triggers written in bulk (the Events API's group commit) follow the one-at-a-time rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dutydesk.alerts.bulk import Trigger, trigger_all
from dutydesk.alerts.models import Alert, AlertGroup, AlertLogEntry
from dutydesk.alerts.service import AlertFields
from dutydesk.db import unit_of_work

pytestmark = pytest.mark.usefixtures("example_team")


def event(runtime, key, service="platform-api", summary=None):
    fields = AlertFields(summary=summary or key, source="probe", severity="error")
    return Trigger(service, key, fields, runtime.clock.now(), "integration:1")


def test_a_batch_opens_counts_logs_and_groups_like_single_triggers(
    runtime, raise_alert, run_cycle, pages
):
    existing = raise_alert(key="c")
    batch = [
        event(runtime, "a", summary="a first"),
        event(runtime, "a", summary="a again"),
        event(runtime, "b"),
        event(runtime, "c"),
        event(runtime, "d", service="status-checks"),
    ]
    with unit_of_work(runtime.sessions) as session:
        trigger_all(session, batch)
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        alerts = {a.dedup_key: a for a in session.scalars(select(Alert))}
        log = session.execute(
            select(AlertLogEntry.alert_id, AlertLogEntry.details).order_by(AlertLogEntry.id)
        ).all()
        groups = session.scalars(select(AlertGroup).order_by(AlertGroup.id)).all()
    assert {k: (a.event_count, a.summary) for k, a in alerts.items()} == {
        "a": (2, "a first"),
        "b": (1, "b"),
        "c": (2, "c on platform-api"),
        "d": (1, "d"),
    }
    assert [(alert_id, details["summary"]) for alert_id, details in log[1:]] == [
        (alerts["a"].id, "a first"),
        (alerts["a"].id, "a again"),
        (alerts["b"].id, "b"),
        (existing, "c"),
        (alerts["d"].id, "d"),
    ]
    # platform-api's new alerts joined the group "c" opened; status-checks has its own.
    assert [g.service_id for g in groups] == ["platform-api", "status-checks"]
    assert {a.group_id for k, a in alerts.items() if k != "d"} == {groups[0].id}
    run_cycle()
    # One page for each group: bob (in-hours engineering), carol (24x7: escalation rota).
    assert sorted(p.destination for p in pages()) == ["bob@example.org", "carol@example.org"]


def test_a_batch_of_one_and_an_empty_batch(runtime):
    with unit_of_work(runtime.sessions) as session:
        trigger_all(session, [event(runtime, "solo")])
        trigger_all(session, [])
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        assert [a.dedup_key for a in session.scalars(select(Alert))] == ["solo"]
