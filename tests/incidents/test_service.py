"""Declaring an incident and running it: roles from the rotas (overrides and cover included),
the document and its conflicts, the timeline and its history, status and priority, links, and a
P1 ticket that is always an incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dutydesk.alerts.service import (
    AlertFields,
    acknowledge_alert,
    resolve_alert,
    trigger_on_service,
)
from dutydesk.cover.service import add_cover
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid
from dutydesk.incidents import document_edits, links, service, timeline
from dutydesk.incidents.document_edits import DocumentConflict
from dutydesk.incidents.models import Incident, IncidentDocumentVersion, TimelineEntry
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.views import view_incident
from dutydesk.tickets import service as tickets
from dutydesk.tickets.models import TicketMessage
from dutydesk.tickets.support import support_policy
from tests.conftest import EXAMPLE_TEAM

from .conftest import IN_HOURS


def _roles(runtime, incident_id):
    with unit_of_work(runtime.read_sessions) as session:
        view = view_incident(session, incident_id)
        return {role: (row.person_id, row.reason) for role, row in view.current_roles.items()}


def test_in_hours_the_roles_come_from_the_engineering_comms_and_escalation_rotas(
    runtime, clock, declare, outbox
):
    clock.set(IN_HOURS)
    incident_id = declare()
    assert _roles(runtime, incident_id) == {
        "lead": ("bob", "engineer on support (engineering rota)"),
        "comms": ("erin", "comms rota (comms)"),
        "escalation": ("carol", "escalation rota (escalation)"),
    }
    told = {(m.destination, m.subject) for m in outbox("incident-1-role")}
    assert (
        "erin@example.org",
        "[Dutydesk] You are the comms lead: Incident 1 (P1): Platform API errors",
    ) in told
    assert {destination for destination, _ in told} == {
        "bob@example.org",
        "erin@example.org",
        "carol@example.org",
    }
    assert all("http://dutydesk.test/incidents/1" in m.text for m in outbox("incident-1-role"))


def test_outside_comms_hours_the_escalation_rota_is_the_comms_lead_and_the_declarer_leads(
    runtime, clock, declare
):
    clock.set(datetime(2026, 1, 14, 20, 0, tzinfo=UTC))
    incident_id = declare(by="alice")
    roles = _roles(runtime, incident_id)
    assert roles["lead"] == ("alice", "declared it (nobody is on support)")
    assert roles["comms"] == ("carol", "escalation rota (escalation): comms rota outside its hours")
    assert roles["escalation"][0] == "carol"


def test_roles_follow_break_cover_and_overrides_at_the_moment_of_declaration(
    runtime, clock, declare
):
    clock.set(IN_HOURS)
    with unit_of_work(runtime.sessions) as session:
        # Dan covers erin's comms shift for 30 minutes from 11:00.
        add_cover(
            session,
            rota_id="comms",
            person_id="dan",
            start=IN_HOURS,
            length=timedelta(minutes=30),
            note="lunch",
            actor="erin",
            now=IN_HOURS,
        )
        session.commit()
    covered = declare(title="During cover")
    assert _roles(runtime, covered)["comms"][0] == "dan"
    clock.set(IN_HOURS + timedelta(minutes=30))
    after = declare(title="After cover")
    assert _roles(runtime, after)["comms"][0] == "erin"


def test_a_hand_over_ends_one_holding_and_starts_the_next_and_tells_the_new_holder(
    runtime, clock, declare, outbox
):
    clock.set(IN_HOURS)
    incident_id = declare()
    later = IN_HOURS + timedelta(minutes=40)
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        service.hand_over(
            session, incident, "comms", "dan", actor="erin", now=later, base_url="https://d"
        )
        session.commit()
        with pytest.raises(Conflict, match="already"):
            service.hand_over(
                session, incident, "comms", "dan", actor="erin", now=later, base_url="https://d"
            )
        with pytest.raises(Invalid, match="no person 'zed'"):
            service.hand_over(
                session, incident, "lead", "zed", actor="erin", now=later, base_url="https://d"
            )
    with unit_of_work(runtime.read_sessions) as session:
        comms = [
            (r.person_id, r.started_at, r.ended_at)
            for r in service.role_history(session, incident_id)
            if r.role == "comms"
        ]
    assert comms == [("erin", IN_HOURS, later), ("dan", later, None)]
    assert [
        m.destination for m in outbox(f"incident-{incident_id}-role-comms-{later.isoformat()}")
    ] == ["dan@example.org"]


def test_the_document_is_made_from_the_template_and_a_stale_save_is_refused_with_both_texts(
    runtime, clock, declare
):
    clock.set(IN_HOURS)
    incident_id = declare()
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        for heading in (
            "Summary",
            "Status",
            "Impact",
            "Command roles",
            "Detailed status",
            "Exit criteria",
            "TODO",
            "Timeline",
        ):
            assert f"## {heading}\n" in incident.document
        assert "- **Comms lead**: Erin Evans" in incident.document
        base = incident.document
        mine = base + "\nErin: tenants told at 11:05.\n"
        theirs = base.replace("## Impact\n", "## Impact\n\nBob: eu-west tenants only.\n")
        saved = document_edits.save_document(
            session, incident, theirs, base_version=1, actor="bob", now=IN_HOURS
        )
        assert saved.version == 2
        with pytest.raises(DocumentConflict) as refused:
            document_edits.save_document(
                session, incident, mine, base_version=1, actor="erin", now=IN_HOURS
            )
        assert refused.value.current_text == theirs and refused.value.current_version == 2
        # Erin brings both together, from version 2.
        both = theirs + "\nErin: tenants told at 11:05.\n"
        assert (
            document_edits.save_document(
                session, incident, both, base_version=2, actor="erin", now=IN_HOURS
            ).version
            == 3
        )
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        kept = session.scalars(
            select(IncidentDocumentVersion.text)
            .where(IncidentDocumentVersion.incident_id == incident_id)
            .order_by(IncidentDocumentVersion.version)
        ).all()
    assert kept == [base, theirs, both]


def test_manual_entries_sort_by_when_they_happened_and_edits_keep_the_history(
    runtime, clock, declare
):
    clock.set(IN_HOURS)
    incident_id = declare()
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        entry = timeline.add_entry(
            session,
            incident,
            "Deploy 4312 went out",
            occurred_at=IN_HOURS - timedelta(minutes=25),
            actor="erin",
            now=IN_HOURS,
        )
        timeline.edit_entry(
            session,
            incident,
            entry,
            text="Deploy 4313 went out",
            occurred_at=None,
            actor="bob",
            now=IN_HOURS + timedelta(minutes=1),
        )
        with pytest.raises(Invalid, match="future"):
            timeline.add_entry(
                session,
                incident,
                "later",
                occurred_at=IN_HOURS + timedelta(hours=1),
                actor="erin",
                now=IN_HOURS,
            )
        with pytest.raises(Invalid, match="say what happened"):
            timeline.add_entry(
                session, incident, "   ", occurred_at=IN_HOURS, actor="erin", now=IN_HOURS
            )
        timeline.pin_entry(incident, entry, True)
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        view = view_incident(session, incident_id)
    assert view.entries[0].text == "Deploy 4313 went out" and view.entries[0].pinned
    assert [e.kind for e in view.entries] == ["note", "declared", "role", "role", "role"]
    [(before)] = view.edits[view.entries[0].id]
    assert (before.text, before.edited_by) == ("Deploy 4312 went out", "bob")


def test_status_moves_and_resolving_owes_a_review_and_answers_linked_tickets(
    runtime, clock, declare
):
    clock.set(IN_HOURS)
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.open_ticket(
            session,
            support_policy(session),
            subject="API down",
            first=tickets.Incoming("Our deploys fail", author_email="ops@acme.com"),
            source="web",
            actor="mail",
            now=IN_HOURS,
        )
        session.commit()
        ticket_id = ticket.id
    incident_id = declare(priority="P2", ticket_ids=(ticket_id,))
    resolved_at = IN_HOURS + timedelta(hours=2)
    with unit_of_work(runtime.sessions) as session:
        policy = incident_policy(session)
        incident = service.get_incident(session, incident_id)
        service.set_status(
            session, policy, incident, "mitigated", actor="bob", now=IN_HOURS, base_url="https://d"
        )
        with pytest.raises(Invalid, match="holding its review"):
            service.set_status(
                session,
                policy,
                incident,
                "reviewed",
                actor="bob",
                now=IN_HOURS,
                base_url="https://d",
            )
        service.set_status(
            session,
            policy,
            incident,
            "resolved",
            actor="bob",
            now=resolved_at,
            base_url="https://d",
        )
        session.commit()
        # 10 working days (Mon-Fri 09:00-17:00) after Wednesday 14 January 13:00.
        assert incident.review_due_at == datetime(2026, 1, 28, 13, 0, tzinfo=UTC)
        with pytest.raises(Conflict, match="reopen it first"):
            service.set_priority(session, policy, incident, "P1", actor="bob", now=resolved_at)
    with unit_of_work(runtime.read_sessions) as session:
        replies = session.scalars(
            select(TicketMessage).where(
                TicketMessage.ticket_id == ticket_id, TicketMessage.kind == "reply"
            )
        ).all()
        assert (
            len(replies) == 1 and "has been resolved: Platform API errors" in replies[0].body_text
        )
        kinds = [e.kind for e in view_incident(session, incident_id).entries]
    assert kinds.count("status") == 2 and "ticket" in kinds


def test_a_p1_ticket_is_always_an_incident_and_only_one(runtime, clock, example_team):
    clock.set(IN_HOURS)
    with unit_of_work(runtime.sessions) as session:
        policy = support_policy(session)
        tickets.open_ticket(
            session,
            policy,
            subject="Everything is down",
            first=tickets.Incoming("help", author_email="ops@acme.com"),
            source="web",
            actor="mail",
            now=IN_HOURS,
            priority="P1",
        )
        triaged = tickets.open_ticket(
            session,
            policy,
            subject="Slow builds",
            first=tickets.Incoming("slow", author_email="ops@acme.com"),
            source="web",
            actor="mail",
            now=IN_HOURS,
        )
        tickets.set_priority(
            session, policy, triaged, "P1", reason="all tenants", actor="bob", now=IN_HOURS
        )
        tickets.set_priority(
            session, policy, triaged, "P2", reason="one tenant", actor="bob", now=IN_HOURS
        )
        tickets.set_priority(
            session, policy, triaged, "P1", reason="all again", actor="bob", now=IN_HOURS
        )
        session.commit()
        found = session.execute(
            select(Incident.title, Incident.priority, Incident.source).order_by(Incident.id)
        ).all()
        assert found == [
            ("P1 ticket #1: Everything is down", "P1", "ticket"),
            ("P1 ticket #2: Slow builds", "P1", "ticket"),
        ]
        assert [t.id for t in links.linked_tickets(session, 2)] == [triaged.id]


def test_a_linked_alert_acknowledged_and_resolved_goes_into_the_timeline(runtime, clock, declare):
    clock.set(IN_HOURS)
    fields = AlertFields(summary="5xx above 5%", source="prometheus", severity="critical")
    with unit_of_work(runtime.sessions) as session:
        alert, _ = trigger_on_service(session, "platform-api", "5xx", fields, IN_HOURS, actor="am")
        other, _ = trigger_on_service(session, "platform-api", "disk", fields, IN_HOURS, actor="am")
        session.commit()
        alert_id, other_id = alert.id, other.id
    incident_id = declare(alert_ids=(alert_id,))
    with unit_of_work(runtime.sessions) as session:
        acknowledge_alert(session, alert_id, IN_HOURS + timedelta(minutes=2), actor="bob")
        acknowledge_alert(session, other_id, IN_HOURS + timedelta(minutes=3), actor="bob")
        resolve_alert(session, alert_id, IN_HOURS + timedelta(minutes=9), actor="bob")
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        texts = [e.text for e in view_incident(session, incident_id).entries if e.kind == "alert"]
    assert texts == [
        f"Alert {alert_id} linked by alice (triggered): 5xx above 5%",
        f"Alert {alert_id} acknowledged by bob: 5xx above 5%",
        f"Alert {alert_id} resolved by bob: 5xx above 5%",
    ]


def test_a_title_must_be_one_line_of_words(runtime, clock, declare):
    clock.set(IN_HOURS)
    for title, message in (
        ("", "say in a few words"),
        ("two\nlines", "one line"),
        ("x" * 301, "at most 300"),
    ):
        with pytest.raises(Invalid, match=message):
            declare(title=title)
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
        assert session.scalar(select(func.count()).select_from(TimelineEntry)) == 0


def test_webhooks_are_told_of_each_change_through_the_outbox(
    runtime, clock, example_team, tmp_path, cli, outbox
):
    team = EXAMPLE_TEAM.read_text() + "  webhooks: [https://hooks.example.org/incidents]\n"
    assert team.rstrip().splitlines()[-2].lstrip().startswith("working_hours:")
    (tmp_path / "team.yaml").write_text(team)
    assert cli("apply", str(tmp_path / "team.yaml")).code == 0
    clock.set(IN_HOURS)
    with unit_of_work(runtime.sessions) as session:
        policy = incident_policy(session)
        incident = service.declare(
            session,
            policy,
            service.Declaration(title="Hooked", priority="P2", source="api"),
            actor="alice",
            person_id=None,
            now=IN_HOURS,
            base_url="https://d",
        )
        service.set_priority(session, policy, incident, "P1", actor="bob", now=IN_HOURS)
        later = IN_HOURS + timedelta(hours=1)
        service.set_status(
            session, policy, incident, "resolved", actor="bob", now=later, base_url="https://d"
        )
        session.commit()
    hooks = [m for m in outbox("incident-1-incident.") if m.channel == "webhook"]
    assert [(m.destination, m.payload["event"]) for m in hooks] == [
        ("https://hooks.example.org/incidents", "incident.declared"),
        ("https://hooks.example.org/incidents", "incident.changed"),
        ("https://hooks.example.org/incidents", "incident.resolved"),
    ]
    assert hooks[-1].payload["incident"]["status"] == "resolved"
    assert hooks[-1].payload["incident"]["review_due_at"] == "2026-01-28T12:00:00+00:00"


def test_the_link_goes_to_the_incident_channel_and_list_and_the_escalation_contact_is_paged(
    runtime, clock, example_team, tmp_path, cli, outbox
):
    team = (
        EXAMPLE_TEAM.read_text() + "  slack_channel: C0INCIDENTS\n  email: incidents@example.org\n"
    )
    (tmp_path / "team.yaml").write_text(team)
    assert cli("apply", str(tmp_path / "team.yaml")).code == 0
    clock.set(IN_HOURS)
    incident_id = declare_as(runtime, "Announced")
    announced = {(m.channel, m.destination) for m in outbox(f"incident-{incident_id}-declared")}
    assert announced == {("slack", "C0INCIDENTS"), ("email", "incidents@example.org")}
    assert all(
        "http://dutydesk.test/incidents/1" in m.text
        for m in outbox(f"incident-{incident_id}-declared")
    )
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        called = service.call_escalation(
            session, incident, actor="bob", now=IN_HOURS, base_url="http://dutydesk.test"
        )
        session.commit()
    # carol, the escalation contact, by her notification rules (e-mail: she has no Slack).
    paged = outbox(f"incident-{incident_id}-call-")
    assert called.id == "carol"
    assert [(m.channel, m.destination) for m in paged] == [("email", "carol@example.org")]
    assert "bob calls you in" in paged[0].subject


def declare_as(runtime, title):
    with unit_of_work(runtime.sessions) as session:
        incident = service.declare(
            session,
            incident_policy(session),
            service.Declaration(title=title, priority="P1", source="web"),
            actor="alice",
            person_id="alice",
            now=IN_HOURS,
            base_url="http://dutydesk.test",
        )
        session.commit()
        return incident.id
