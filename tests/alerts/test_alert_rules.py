"""PagerDuty's deduplication and state rules, on the alert service functions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from dutydesk.alerts import service as alerts
from dutydesk.alerts.models import Alert
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from tests.alert_fixtures import log_kinds

FIELDS = alerts.AlertFields(summary="Disk full on db-1", source="db-1", severity="critical")


def trigger(runtime: Runtime, key: str = "disk", fields: alerts.AlertFields = FIELDS):
    with unit_of_work(runtime.sessions) as session:
        alert, created = alerts.trigger(
            session, "platform-api", key, fields, runtime.clock.now(), actor="test"
        )
        session.commit()
    return alert, created


def act(runtime: Runtime, action: str, key: str = "disk") -> Alert | None:
    with unit_of_work(runtime.sessions) as session:
        function = alerts.acknowledge if action == "acknowledge" else alerts.resolve
        alert = function(session, "platform-api", key, runtime.clock.now(), actor="rhea")
        session.commit()
    return alert


def alert_count(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).select_from(Alert)) or 0


def test_a_first_trigger_opens_a_triggered_alert_with_its_fields(runtime, services):
    alert, created = trigger(runtime)
    assert created
    assert (alert.status, alert.summary, alert.severity, alert.event_count) == (
        "triggered",
        "Disk full on db-1",
        "critical",
        1,
    )
    assert alert.created_at == alert.last_event_at == runtime.clock.now()
    assert log_kinds(runtime, alert.id) == ["trigger"]


def test_a_second_trigger_with_the_same_key_is_counted_on_the_open_alert(runtime, services, clock):
    first, _ = trigger(runtime)
    clock.advance(timedelta(minutes=3))
    later = alerts.AlertFields(summary="Disk still full", source="db-1", severity="error")
    second, created = trigger(runtime, fields=later)
    assert not created
    assert second.id == first.id
    assert second.event_count == 2
    assert second.last_event_at == first.created_at + timedelta(minutes=3)
    assert second.summary == "Disk full on db-1"  # the alert keeps what its first trigger said
    assert log_kinds(runtime, first.id) == ["trigger", "trigger"]
    assert alert_count(runtime) == 1


def test_the_same_key_on_another_service_is_another_alert(runtime, services):
    trigger(runtime)
    with unit_of_work(runtime.sessions) as session:
        _, created = alerts.trigger(
            session, "router", "disk", FIELDS, runtime.clock.now(), actor="t"
        )
        session.commit()
    assert created
    assert alert_count(runtime) == 2


def test_acknowledge_then_resolve_records_who_and_when(runtime, services, clock):
    alert, _ = trigger(runtime)
    clock.advance(timedelta(minutes=5))
    acknowledged = act(runtime, "acknowledge")
    assert acknowledged is not None
    assert (acknowledged.status, acknowledged.acknowledged_by) == ("acknowledged", "rhea")
    assert acknowledged.acknowledged_at == clock.now()
    clock.advance(timedelta(minutes=5))
    resolved = act(runtime, "resolve")
    assert resolved is not None
    assert (resolved.status, resolved.resolved_by, resolved.open_key) == ("resolved", "rhea", None)
    assert resolved.resolved_at == clock.now()
    assert log_kinds(runtime, alert.id) == ["trigger", "acknowledge", "resolve"]


def test_acknowledging_an_acknowledged_alert_changes_nothing(runtime, services, clock):
    alert, _ = trigger(runtime)
    act(runtime, "acknowledge")
    first_ack_at = clock.now()
    clock.advance(timedelta(minutes=1))
    again = act(runtime, "acknowledge")
    assert again is not None
    assert again.acknowledged_at == first_ack_at
    assert log_kinds(runtime, alert.id) == ["trigger", "acknowledge"]


def test_a_trigger_for_an_acknowledged_alert_keeps_it_acknowledged(runtime, services):
    trigger(runtime)
    act(runtime, "acknowledge")
    alert, created = trigger(runtime)
    assert not created
    assert (alert.status, alert.event_count) == ("acknowledged", 2)


def test_acknowledge_or_resolve_of_an_unknown_key_changes_nothing(runtime, services):
    trigger(runtime)
    assert act(runtime, "acknowledge", key="nope") is None
    assert act(runtime, "resolve", key="nope") is None
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(Alert.status)).all() == ["triggered"]


def test_a_resolved_alert_is_not_acknowledged_or_resolved_again(runtime, services, clock):
    alert, _ = trigger(runtime)
    act(runtime, "resolve")
    resolved_at = clock.now()
    clock.advance(timedelta(minutes=1))
    assert act(runtime, "acknowledge") is None
    assert act(runtime, "resolve") is None
    with unit_of_work(runtime.read_sessions) as session:
        stored = session.get(Alert, alert.id)
        assert stored is not None
        assert (stored.status, stored.resolved_at) == ("resolved", resolved_at)
    assert log_kinds(runtime, alert.id) == ["trigger", "resolve"]


def test_a_trigger_after_resolve_opens_a_new_alert_with_the_same_key(runtime, services):
    first, _ = trigger(runtime)
    act(runtime, "resolve")
    second, created = trigger(runtime)
    assert created
    assert second.id != first.id
    assert (second.dedup_key, second.status, second.event_count) == ("disk", "triggered", 1)
    # and the key can be freed and reused more than once
    act(runtime, "resolve")
    third, created = trigger(runtime)
    assert created
    assert third.id not in (first.id, second.id)
    assert alert_count(runtime) == 3
