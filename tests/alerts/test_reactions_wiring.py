"""Alerts tell escalation what happened only through the reactions the composition root wires;
a runtime built without them refuses to change an alert rather than page nobody."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from dutydesk.alerts.models import Alert
from dutydesk.alerts.reactions import NotWired, reactions_of
from dutydesk.alerts.service import AlertFields, trigger_on_service
from dutydesk.db import unit_of_work
from dutydesk.escalation.reactions import EscalationReactions
from dutydesk.runtime import Runtime, build_runtime
from dutydesk.settings import Settings

pytestmark = pytest.mark.usefixtures("services")

FIELDS = AlertFields(summary="Disk full", source="db-1", severity="critical")


def test_every_session_of_the_bootstrapped_runtime_has_escalation_react(runtime: Runtime) -> None:
    for sessions in (runtime.sessions, runtime.read_sessions):
        with unit_of_work(sessions) as session:
            reactions = reactions_of(session)
            # Escalation is imported on first use; each reaction is escalation's own, but for
            # a quieted group, which incidents hear of too (after escalation).
            for name in ("opened", "triggered_again", "reassigned", "retrigger_at"):
                assert getattr(reactions, name).__func__ is getattr(EscalationReactions, name)
            assert callable(reactions.quieted)


def test_a_runtime_without_reactions_refuses_to_open_an_alert(runtime: Runtime) -> None:
    bare = build_runtime(runtime.settings, runtime.clock)
    try:
        with unit_of_work(bare.sessions) as session, pytest.raises(NotWired, match="bootstrap"):
            trigger_on_service(
                session, "platform-api", "disk-full", FIELDS, bare.clock.now(), actor="test"
            )
    finally:
        bare.close()
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 0


def test_the_same_database_with_reactions_wired_opens_it(
    runtime: Runtime, raise_alert: Callable[..., int]
) -> None:
    alert_id = raise_alert(service="platform-api")
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None and alert.group_id is not None


def test_settings_alone_build_no_reactions() -> None:
    bare = build_runtime(Settings(database_url="sqlite://", secret_key="k" * 32))
    try:
        with unit_of_work(bare.sessions) as session, pytest.raises(NotWired):
            reactions_of(session)
    finally:
        bare.close()
