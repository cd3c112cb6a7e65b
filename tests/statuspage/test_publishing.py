"""Publishing to tenants: components' states, incidents and their updates, what the snapshot
shows, what goes into an incident's timeline, and who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.incidents import service as incidents
from dutydesk.incidents.models import IncidentReminder, TimelineEntry
from dutydesk.incidents.policy import incident_policy
from dutydesk.statuspage import publishing, snapshot, subscribers
from dutydesk.statuspage.models import StatusDue, StatusSnapshot
from dutydesk.statuspage.publishing import UpdateDraft


def _publish_new(runtime, clock, site, name, draft, **given):
    with unit_of_work(runtime.sessions) as session:
        found = publishing.create_incident(
            session, name=name, draft=draft, actor="erin", now=clock.now(), site=site, **given
        )
        session.commit()
        return found.id


def _page(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        version, page = snapshot.stored(session)
        return version, page


def test_an_incident_with_component_states_is_on_the_page_at_once(
    runtime, status_page, clock, site
):
    incident_id = _publish_new(
        runtime, clock, site, "Apps slow to respond",
        UpdateDraft("investigating", "We are looking into **slow** responses.",
                    {"routing": "degraded_performance"}),
    )  # fmt: skip

    _version, page = _page(runtime)
    assert page.indicator == "minor"
    assert page.description == "Minor Service Outage"
    assert [i.id for i in page.incidents] == [incident_id]
    (update,) = page.incidents[0].updates
    assert update.body_html == "<p>We are looking into <strong>slow</strong> responses.</p>\n"
    assert page.component("routing").status == "degraded_performance"
    assert page.component("hosting").status == "degraded_performance"  # a group's worst
    assert page.incidents[0].impact == "minor"
    # The process that published has it without reading the table again.
    with unit_of_work(runtime.read_sessions) as session:
        key = snapshot.database_key(session)
    assert snapshot.latest.get(key)[1] == page


def test_resolving_puts_the_incident_in_the_history_with_its_worst_impact(
    runtime, status_page, clock, site
):
    incident_id = _publish_new(
        runtime, clock, site, "API down",
        UpdateDraft("identified", "The API is down.", {"api": "major_outage"}),
    )  # fmt: skip
    clock.advance(timedelta(minutes=40))
    with unit_of_work(runtime.sessions) as session:
        found = publishing.get_status_incident(session, incident_id)
        publishing.publish_update(
            session, found, UpdateDraft("resolved", "Fixed.", {"api": "operational"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()

    _version, page = _page(runtime)
    assert page.incidents == ()
    assert page.indicator == "none"
    (past,) = page.history
    assert past.status == "resolved"
    assert past.impact == "critical"
    assert [u.status for u in past.updates] == ["resolved", "identified"]
    today = page.component("api").uptime_days[-1]
    assert today.level == "critical"
    assert today.uptime == pytest.approx(1 - 40 * 60 / (11 * 3600 + 40 * 60))


def test_every_change_moves_the_version_on_once_per_transaction(runtime, status_page, clock, site):
    before, _page_before = _page(runtime)
    _publish_new(
        runtime, clock, site, "Logs delayed",
        UpdateDraft("investigating", "Logs arrive late.", {"logs": "partial_outage"}),
    )  # fmt: skip
    after, _page_after = _page(runtime)
    assert after == before + 1


def test_an_update_from_an_incident_goes_into_its_timeline_and_restarts_its_cadence(
    runtime, status_page, clock, site
):
    with unit_of_work(runtime.sessions) as session:
        incident = incidents.declare(
            session, incident_policy(session),
            incidents.Declaration(title="Routing errors", priority="P2", source="web"),
            actor="alice", person_id="alice", now=clock.now(),
            base_url=runtime.settings.base_url,
        )  # fmt: skip
        session.commit()
        incident_id = incident.id
    clock.advance(timedelta(minutes=90))
    status_id = _publish_new(
        runtime, clock, site, "",
        UpdateDraft("investigating", "Some apps return errors.", {"routing": "partial_outage"}),
        incident_id=incident_id,
    )  # fmt: skip

    with unit_of_work(runtime.read_sessions) as session:
        found = publishing.get_status_incident(session, status_id)
        assert found.name == "Routing errors"  # the incident's title, when none is given
        entries = session.scalars(
            select(TimelineEntry).where(
                TimelineEntry.incident_id == incident_id, TimelineEntry.kind == "update"
            )
        ).all()
        assert [e.text for e in entries] == [
            "Tenant update by erin: Status page, Investigating: Some apps return errors."
        ]
        reminder = session.get(IncidentReminder, (incident_id, "update"))
        # P2: every 2 hours from the update just published.
        assert reminder.due_at == clock.now() + timedelta(hours=2)
        # The incident's cadence reminds: the status page owes no reminder of its own.
        assert session.scalar(select(StatusDue).where(StatusDue.subject_id == status_id)) is None


def test_an_update_with_no_component_selected_tells_no_subscriber(
    runtime, status_page, clock, site, outbox
):
    with unit_of_work(runtime.sessions) as session:
        subscribers.subscribe(
            session, kind="email", address="tenant@example.org", component_ids=[],
            now=clock.now(), site=site, confirmed=True,
        )  # fmt: skip
        session.commit()
    _publish_new(
        runtime, clock, site, "Something odd",
        UpdateDraft("investigating", "We are looking into reports."),
    )  # fmt: skip
    assert outbox("status-update-") == []

    _publish_new(
        runtime, clock, site, "Logs delayed",
        UpdateDraft("investigating", "Logs arrive late.", {"logs": "degraded_performance"}),
    )  # fmt: skip
    (message,) = outbox("status-update-")
    assert message.destination == "tenant@example.org"
    assert message.payload["email"]["list_unsubscribe"].startswith(
        f"{site.public_url}/subscribe/unsubscribe?token="
    )


def test_subscribers_hear_only_of_the_components_they_chose(
    runtime, status_page, clock, site, outbox
):
    with unit_of_work(runtime.sessions) as session:
        for address, chosen in (("api@example.org", ["api"]), ("logs@example.org", ["logs"])):
            subscribers.subscribe(
                session, kind="email", address=address, component_ids=chosen,
                now=clock.now(), site=site, confirmed=True,
            )  # fmt: skip
        subscribers.subscribe(
            session, kind="email", address="unconfirmed@example.org", component_ids=[],
            now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
    _publish_new(
        runtime, clock, site, "API errors",
        UpdateDraft("investigating", "Errors.", {"api": "partial_outage"}),
    )  # fmt: skip
    assert [m.destination for m in outbox("status-update-")] == ["api@example.org"]


def test_a_preview_changes_nothing(runtime, status_page, clock, site):
    version, _page_before = _page(runtime)
    with unit_of_work(runtime.sessions) as session:
        shown = publishing.preview(
            session, None, UpdateDraft("identified", "# Cause\n<script>x</script>",
                                       {"api": "major_outage"}),
        )  # fmt: skip
        session.commit()
    assert shown.status_name == "Identified"
    assert "<script>" not in shown.body_html
    assert shown.affected == [
        {"code": "api", "name": "Platform API", "old_status": "operational",
         "new_status": "major_outage"}
    ]  # fmt: skip
    assert _page(runtime)[0] == version


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (UpdateDraft("fixed", "x"), "status: 'fixed' is not one of"),
        (UpdateDraft("investigating", "   "), "body: say what tenants should know"),
        (UpdateDraft("investigating", "x", {"api": "on_fire"}), "status: 'on_fire' is not one"),
        (UpdateDraft("investigating", "x", {"hosting": "major_outage"}), "'hosting' is a group"),
    ],
)
def test_a_bad_update_is_refused_and_changes_nothing(
    runtime, status_page, clock, site, draft, message
):
    version, _page_before = _page(runtime)
    with unit_of_work(runtime.sessions) as session, pytest.raises(Invalid, match=message):
        publishing.create_incident(
            session, name="Bad", draft=draft, actor="erin", now=clock.now(), site=site
        )
    assert _page(runtime)[0] == version
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(StatusSnapshot, "public").version == version
