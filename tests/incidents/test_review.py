"""The review a resolved incident owes: held on its page, through the API or the CLI, with the
timeline imported and follow-up actions made tasks; reminders stop once it is held."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.incidents import service
from dutydesk.incidents.due import incidents_due
from dutydesk.incidents.models import IncidentReminder
from dutydesk.incidents.policy import incident_policy
from dutydesk.tasks.models import Task

from .conftest import IN_HOURS


def _resolve(runtime, incident_id, at):
    with unit_of_work(runtime.sessions) as session:
        incident = service.get_incident(session, incident_id)
        service.set_status(
            session,
            incident_policy(session),
            incident,
            "resolved",
            actor="bob",
            now=at,
            base_url="https://d",
        )
        session.commit()


def _tasks(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (t.title, t.owner_id, t.due_on, t.source, t.status)
            for t in session.scalars(select(Task).order_by(Task.id))
        ]


def test_holding_the_review_on_its_page_makes_tasks_and_stops_the_reminders(
    browser, runtime, clock, declare
):
    clock.set(IN_HOURS)
    incident_id = declare(priority="P2")
    _resolve(runtime, incident_id, IN_HOURS + timedelta(hours=1))
    bob = browser("bob", person="bob")
    form = bob.get(f"/incidents/{incident_id}/review")
    assert "Hold the review" in form.text and "Declared P2 by alice" in unescape(form.text)
    refused = bob.post(
        f"/incidents/{incident_id}/review",
        {"what_happened": "", "follow_1_title": "Canary deploys"},
    )
    assert refused.status_code == 400
    assert "say what happened" in unescape(
        re.search(r'id="f-what_happened-error">(.*?)</p>', refused.text, re.S).group(1)
    )
    bad_date = bob.post(
        f"/incidents/{incident_id}/review",
        {"what_happened": "A deploy", "follow_1_title": "Canary", "follow_1_due": "soon"},
    )
    assert bad_date.status_code == 400 and "&#39;soon&#39; is not a date" in bad_date.text
    assert _tasks(runtime) == []
    held = bob.post(
        f"/incidents/{incident_id}/review",
        {
            "what_happened": "A bad deploy <script>x</script>",
            "impact": "**All** tenants, 40 minutes",
            "went_well": "Rollback took 4 minutes",
            "went_badly": "Nobody was paged for 10 minutes",
            "follow_1_title": "Canary every deploy",
            "follow_1_owner": "carol",
            "follow_1_due": "2026-02-13",
            "follow_2_title": "Page on the 5xx rate",
        },
    )
    assert held.status_code == 303, held.text
    assert _tasks(runtime) == [
        ("Canary every deploy", "carol", date(2026, 2, 13), f"incident:{incident_id}", "open"),
        ("Page on the 5xx rate", None, None, f"incident:{incident_id}", "open"),
    ]
    shown = bob.client.get(f"/incidents/{incident_id}/review").text
    assert "<strong>All</strong> tenants" in shown and "<script>x" not in shown
    assert "Canary every deploy" in shown
    with unit_of_work(runtime.read_sessions) as session:
        incident = service.get_incident(session, incident_id)
        assert incident.status == "reviewed"
        assert (
            session.scalar(
                select(IncidentReminder).where(IncidentReminder.incident_id == incident_id)
            )
            is None
        )
    again = bob.post(f"/incidents/{incident_id}/review", {"what_happened": "twice"})
    assert again.status_code == 409 and "was reviewed already" in again.text
    clock.set(IN_HOURS + timedelta(days=30))
    assert incidents_due(runtime, "test") == 0


def test_an_open_incident_has_no_review_yet_and_a_viewer_sees_no_form(
    browser, runtime, clock, declare
):
    clock.set(IN_HOURS)
    incident_id = declare()
    vera = browser("vera", role="viewer")
    page = vera.get(f"/incidents/{incident_id}/review")
    assert page.status_code == 200 and "its review comes after it is resolved" in page.text
    bob = browser("bob", person="bob")
    refused = bob.post(f"/incidents/{incident_id}/review", {"what_happened": "early"})
    assert refused.status_code == 409 and "resolve it before its review" in unescape(refused.text)


def test_the_review_through_the_api_and_the_cli(api, cli, runtime, clock, declare):
    clock.set(IN_HOURS)
    first, second = declare(), declare(title="Second")
    _resolve(runtime, first, IN_HOURS)
    _resolve(runtime, second, IN_HOURS)
    assert api.get(f"/api/v1/incidents/{first}/review").status_code == 404
    held = api.post(
        f"/api/v1/incidents/{first}/review",
        json={
            "what_happened": "A deploy",
            "follow_ups": [{"title": "Canary", "owner": "zed"}],
        },
    )
    assert (
        held.status_code == 422
        and "action 1, owner: there is no person 'zed'" in held.json()["message"]
    )
    held = api.post(
        f"/api/v1/incidents/{first}/review",
        json={
            "what_happened": "A deploy",
            "follow_ups": [{"title": "Canary", "owner": "carol", "due_on": "2026-02-13"}],
        },
    )
    assert held.status_code == 201, held.text
    assert held.json()["follow_ups"] == [
        {"id": 1, "title": "Canary", "owner": "carol", "due_on": "2026-02-13", "status": "open"}
    ]
    assert "| Occurred (UTC) |" in held.json()["timeline"]
    done = cli(
        "incident",
        "review",
        str(second),
        "--what-happened",
        "x",
        "--follow-up",
        "Alert on 5xx;bob;2026-03-01",
    )
    assert done.code == 0, done.err
    assert "Task 2: Alert on 5xx" in done.out
    bad = cli(
        "incident", "review", str(second), "--what-happened", "x", "--follow-up", "A;bob;March"
    )
    assert bad.code == 2 and "'March' is not a date" in bad.err
    shown = json.loads(cli("incident", "show", str(second), "--json").out)
    assert shown["status"] == "reviewed"
