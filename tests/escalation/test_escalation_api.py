"""Policies, services, snooze and reassign through the JSON API and the command line."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("example_team")


def test_policies_are_listed_as_the_team_file_declares_them(api):
    listed = api.get("/api/v1/escalation-policies").json()
    assert [p["id"] for p in listed] == ["in-hours", "24x7"]
    one = api.get("/api/v1/escalation-policies/in-hours").json()
    assert one["outside_hours"] == "24x7"
    assert one["steps"][0] == {
        "notify": [
            {
                "rota": "engineering",
                "person": None,
                "slack_channel": None,
                "email": None,
                "webhook": None,
            }
        ],
        "escalate_after": "15m",
    }
    missing = api.get("/api/v1/escalation-policies/nights")
    assert (missing.status_code, missing.json()["message"]) == (
        404,
        "no escalation policy 'nights'",
    )


def test_services_say_which_policy_pages_for_them(api):
    assert [
        (s["id"], s["escalation_policy"], s["group_window"])
        for s in api.get("/api/v1/services").json()
    ] == [("platform-api", "in-hours", "5m"), ("status-checks", "24x7", "5m")]
    assert api.get("/api/v1/services/nope").status_code == 404


def test_snooze_and_reassign_through_the_api(api, raise_alert, run_cycle):
    alert_id = raise_alert()
    run_cycle()
    snoozed = api.post(f"/api/v1/alerts/{alert_id}/snooze", json={"duration": "1h"})
    assert snoozed.status_code == 200, snoozed.text
    body = snoozed.json()
    assert (body["status"], body["retrigger_at"]) == ("acknowledged", "2026-01-14T11:00:00Z")
    assert [p["person"] for p in body["pages"]] == ["bob"]
    reassigned = api.post(f"/api/v1/alerts/{alert_id}/reassign", json={"person": "dan"})
    assert reassigned.json()["status"] == "triggered"
    run_cycle()
    pages = api.get(f"/api/v1/alerts/{alert_id}").json()["pages"]
    assert [(p["person"], p["step"], p["via"]) for p in pages] == [
        ("bob", 1, "email"),
        ("dan", 1, "email"),
    ]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("snooze", {"duration": "soon"}, "duration: 'soon' is not a duration"),
        ("snooze", {"duration": "9d"}, "duration: snooze for 1 minute to 7 days"),
        ("snooze", {}, "duration"),
        ("reassign", {"person": "nobody"}, "no person 'nobody'"),
        ("reassign", {"person": "dan", "extra": 1}, "extra"),
    ],
)
def test_bad_snooze_or_reassign_is_a_clear_4xx_and_changes_nothing(
    api, raise_alert, path, body, message
):
    alert_id = raise_alert()
    answer = api.post(f"/api/v1/alerts/{alert_id}/{path}", json=body)
    assert 400 <= answer.status_code < 500
    assert message in answer.json()["message"]
    assert api.get(f"/api/v1/alerts/{alert_id}").json()["status"] == "triggered"


def test_snooze_and_reassign_from_the_command_line(cli, raise_alert):
    alert_id = raise_alert()
    snoozed = cli("alert", "snooze", str(alert_id), "--for", "30m")
    assert (snoozed.code, snoozed.out.splitlines()[0]) == (
        0,
        f"Alert {alert_id} is snoozed for 30m.",
    )
    shown = json.loads(cli("alert", "show", str(alert_id), "--json").out)
    assert shown["retrigger_at"] == "2026-01-14T10:30:00Z"
    assert cli("alert", "reassign", str(alert_id), "erin").code == 0
    bad = cli("alert", "snooze", str(alert_id), "--for", "forever")
    assert bad.code == 2
    assert bad.err.startswith("dutydesk: error: --for: 'forever' is not a duration")
    unknown = cli("alert", "reassign", str(alert_id), "zed")
    assert (unknown.code, len(unknown.err.strip().splitlines())) == (2, 1)
