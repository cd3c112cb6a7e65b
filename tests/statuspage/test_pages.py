"""The team's status page pages: setting a component's state, previewing and publishing an
incident and its updates, scheduling maintenance; viewers read, responders publish."""

from __future__ import annotations

from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.incidents import service as incidents
from dutydesk.incidents.models import TimelineEntry
from dutydesk.incidents.policy import incident_policy
from dutydesk.statuspage.models import StatusComponent, StatusIncident, StatusSnapshot


def _version(runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        row = session.get(StatusSnapshot, "public")
        return row.version if row else 0


def test_a_responder_previews_then_publishes_an_incident(runtime, status_page, browser):
    alice = browser("alice", "responder", "alice")
    page = alice.get("/status-page")
    assert page.status_code == 200
    assert "Platform API" in page.text
    before = _version(runtime)
    form = {
        "name": "API errors",
        "status": "investigating",
        "body": "Some **requests** fail.",
        "state:api": "partial_outage",
        "notify": "1",
    }
    preview = alice.post("/status-page/incidents", form | {"action": "preview"})
    assert preview.status_code == 200
    assert "Preview: as tenants will read it" in preview.text
    assert "<strong>requests</strong>" in preview.text
    assert "Operational → Partial outage" in preview.text
    assert _version(runtime) == before  # nothing published
    published = alice.post("/status-page/incidents", form | {"action": "publish"})
    assert published.status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        made = session.scalar(select(StatusIncident))
        assert made.name == "API errors" and made.created_by == "web:alice"
        assert session.get(StatusComponent, "api").status == "partial_outage"
    assert _version(runtime) == before + 1
    shown = alice.get(f"/status-page/incidents/{made.id}")
    assert "Post an update" in shown.text
    resolved = alice.post(
        f"/status-page/incidents/{made.id}/updates",
        {"status": "resolved", "body": "Fixed.", "state:api": "operational", "action": "publish"},
    )
    assert resolved.status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(StatusIncident, made.id).status == "resolved"


def test_a_refused_update_is_shown_beside_its_field_and_changes_nothing(
    runtime, status_page, browser
):
    alice = browser("alice", "responder", "alice")
    before = _version(runtime)
    answer = alice.post(
        "/status-page/incidents",
        {"name": "X", "status": "investigating", "body": "  ", "action": "publish"},
    )
    assert answer.status_code == 422
    assert 'id="f-body-error"' in answer.text
    assert "say what tenants should know" in answer.text
    assert _version(runtime) == before
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(StatusIncident)) is None


def test_publishing_from_an_incident_puts_it_in_the_timeline(runtime, status_page, browser, clock):
    with unit_of_work(runtime.sessions) as session:
        incident = incidents.declare(
            session, incident_policy(session),
            incidents.Declaration(title="Routing errors", priority="P2", source="web"),
            actor="alice", person_id="alice", now=clock.now(),
            base_url=runtime.settings.base_url,
        )  # fmt: skip
        session.commit()
        incident_id = incident.id
    alice = browser("alice", "responder", "alice")
    form = alice.get(f"/status-page?incident={incident_id}")
    assert f'<option value="{incident_id}" selected>' in form.text
    alice.post(
        "/status-page/incidents",
        {"incident": str(incident_id), "status": "identified", "body": "Routers restarted.",
         "state:routing": "degraded_performance", "action": "publish"},
    )  # fmt: skip
    with unit_of_work(runtime.read_sessions) as session:
        texts = session.scalars(
            select(TimelineEntry.text).where(TimelineEntry.incident_id == incident_id)
        ).all()
    assert any("Status page, Identified: Routers restarted." in t for t in texts)


def test_setting_a_state_and_scheduling_maintenance(runtime, status_page, browser):
    alice = browser("alice", "responder", "alice")
    assert (
        alice.post("/status-page/components/logs/state", {"state": "major_outage"}).status_code
        == 303
    )
    bad = alice.post("/status-page/components/logs/state", {"state": "on_fire"})
    assert bad.status_code == 422 and "on_fire" in bad.text
    scheduled = alice.post(
        "/status-page/maintenance",
        {"window_name": "Database upgrade", "window_body": "Brief pauses.",
         "scheduled_for": "2026-01-20T22:00", "scheduled_until": "2026-01-20T23:00",
         "window:api": "1", "remind": "1"},
    )  # fmt: skip
    assert scheduled.status_code == 303
    backwards = alice.post(
        "/status-page/maintenance",
        {"window_name": "Oops", "window_body": "x", "scheduled_for": "2026-01-20T23:00",
         "scheduled_until": "2026-01-20T22:00", "window:api": "1"},
    )  # fmt: skip
    assert backwards.status_code == 422 and 'id="f-scheduled_until-error"' in backwards.text
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(StatusComponent, "logs").status == "major_outage"
        (window,) = session.scalars(select(StatusIncident)).all()
        assert window.kind == "maintenance" and window.status == "scheduled"


def test_a_viewer_reads_but_cannot_publish(runtime, status_page, browser):
    vera = browser("vera", "viewer")
    page = vera.get("/status-page")
    assert page.status_code == 200
    assert "Publish an incident" not in page.text
    refused = vera.post("/status-page/components/logs/state", {"state": "major_outage"})
    assert refused.status_code == 403
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(StatusComponent, "logs").status == "operational"


def test_forms_need_the_csrf_token_and_signing_in(runtime, status_page, browser, anonymous):
    alice = browser("alice", "responder", "alice")
    forged = alice.post("/status-page/components/logs/state", {"state": "major_outage"},
                        token="0" * 64)  # fmt: skip
    assert forged.status_code == 403
    assert anonymous.get("/status-page").status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(StatusComponent, "logs").status == "operational"
