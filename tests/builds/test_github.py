"""GitHub Actions' workflow_run webhook: signed deliveries are recorded, replays and wrong
signatures refused with nothing stored, and what is not a completed run answered and ignored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from dutydesk.builds import github
from dutydesk.builds.models import BuildResult
from dutydesk.builds.secrets import source_secret
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.notify.models import OutboxMessage
from tests.builds.conftest import SECRET_KEY, workflow_run


def test_a_signed_failed_run_on_main_is_recorded_and_turns_the_job_red(
    team, send_github, runtime, spells
):
    answer = send_github(workflow_run(conclusion="failure"))
    assert answer.status_code == 202, answer.text
    assert answer.json() | {"result": 1} == {
        "status": "recorded",
        "result": 1,
        "red_build": 1,
        "turned": "red",
    }
    with unit_of_work(runtime.read_sessions) as session:
        result = session.scalars(select(BuildResult)).one()
        told = session.scalars(select(OutboxMessage)).all()
    assert (result.source, result.pipeline, result.job, result.build_id, result.attempt) == (
        "github",
        "octo-org/octo-repo",
        "test.yml",
        "289782451",
        1,
    )
    assert (result.status, result.branch, result.workflow_name, result.on_main) == (
        "failed",
        "main",
        "test",
        True,
    )
    assert result.sha == "3484a3fb816e0859fd6e1cea078d76385ff50625"
    assert result.url == "https://github.com/octo-org/octo-repo/actions/runs/289782451"
    assert result.finished_at == datetime(2026, 1, 14, 9, 58, tzinfo=UTC)
    [spell] = spells()
    assert (spell.told_person_id, spell.started_at) == ("bob", result.finished_at)
    # bob (the engineer on support this week) has e-mail only: one message, there.
    assert [(m.channel, m.destination) for m in told] == [("email", "bob@example.org")]
    assert "github octo-org/octo-repo/test.yml" in told[0].subject


def test_a_replayed_delivery_is_refused_and_stores_nothing_more(team, send_github, stored):
    assert send_github(workflow_run()).status_code == 202
    replay = send_github(workflow_run())
    assert replay.status_code == 409
    assert replay.json()["error"] == "conflict"
    assert stored() == {"build_results": 1, "github_deliveries": 1, "red_spells": 1}


def test_the_same_run_under_a_new_delivery_id_is_dropped_as_a_repeat(team, send_github, stored):
    # The delivery header is not signed: a replay can change it, but not the run it carries.
    assert send_github(workflow_run()).status_code == 202
    again = send_github(workflow_run(), delivery="0b989ba4-242f-11e5-81e1-c7b6966d2516")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    assert stored()["build_results"] == 1


@pytest.mark.parametrize(
    "secret",
    ["not the secret", source_secret(SECRET_KEY, "another-source")],
    ids=["wrong secret", "another source's secret"],
)
def test_a_wrong_signature_is_refused_and_nothing_is_stored(team, send_github, stored, secret):
    answer = send_github(workflow_run(), secret=secret)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert "dutydesk build secret" in answer.json()["message"]
    assert stored() == {"build_results": 0, "github_deliveries": 0, "red_spells": 0}


def test_an_unsigned_delivery_is_refused(team, hooks, stored):
    answer = hooks.post(
        "/hooks/builds/github/github",
        json=workflow_run(),
        headers={"X-GitHub-Event": "workflow_run", "X-GitHub-Delivery": "abc"},
    )
    assert answer.status_code == 401
    assert stored()["build_results"] == 0


def test_a_ping_is_answered_and_ignored(team, send_github, stored):
    answer = send_github({"zen": "Design for failure.", "hook_id": 1}, event="ping")
    assert (answer.status_code, answer.json()["status"]) == (200, "ignored")
    assert "ping" in answer.json()["message"]
    assert stored()["github_deliveries"] == 0


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        (workflow_run(action="requested", conclusion=None), "not a completed run"),
        (workflow_run(action="in_progress", conclusion=None), "not a completed run"),
        (workflow_run(conclusion="skipped"), "not a build result"),
        (workflow_run(conclusion="action_required"), "not a build result"),
    ],
)
def test_runs_that_are_not_finished_builds_are_ignored(team, send_github, stored, payload, why):
    answer = send_github(payload)
    assert (answer.status_code, answer.json()["status"]) == (200, "ignored")
    assert why in answer.json()["message"]
    assert stored()["build_results"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p.pop("repository"), "repository"),
        (lambda p: p["workflow_run"].pop("id"), "workflow_run.id"),
        (lambda p: p["workflow_run"].update(run_attempt="2"), "workflow_run.run_attempt"),
        (lambda p: p["workflow_run"].update(updated_at="yesterday"), "workflow_run.updated_at"),
        (lambda p: p["workflow_run"].update(head_branch=7), "workflow_run.head_branch"),
        (lambda p: p["workflow_run"].update(html_url="javascript:alert(1)"), "url"),
        (lambda p: p["workflow_run"].update(head_sha="x" * 65), "sha"),
    ],
)
def test_a_bad_payload_is_refused_naming_the_field_and_nothing_is_stored(
    team, send_github, stored, change, field
):
    payload = workflow_run()
    change(payload)
    answer = send_github(payload)
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith(f"{field}:")
    assert stored() == {"build_results": 0, "github_deliveries": 0, "red_spells": 0}


def test_a_delivery_without_its_id_is_refused(team, hooks):
    body = json.dumps(workflow_run()).encode()
    answer = hooks.post(
        "/hooks/builds/github/github",
        content=body,
        headers={
            "X-GitHub-Event": "workflow_run",
            "X-Hub-Signature-256": github.sign(source_secret(SECRET_KEY, "github"), body),
        },
    )
    assert answer.status_code == 400
    assert "X-GitHub-Delivery" in answer.json()["message"]


def test_a_form_encoded_delivery_is_read_from_its_payload_field(team, hooks, stored):
    body = urlencode({"payload": json.dumps(workflow_run(conclusion="success"))}).encode()
    answer = hooks.post(
        "/hooks/builds/github/github",
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-GitHub-Event": "workflow_run",
            "X-GitHub-Delivery": "d-1",
            "X-Hub-Signature-256": github.sign(source_secret(SECRET_KEY, "github"), body),
        },
    )
    assert answer.status_code == 202, answer.text
    assert stored()["build_results"] == 1


def test_a_source_name_that_is_not_one_is_refused(team, send_github):
    answer = send_github(workflow_run(), source="Not_A_Source!")
    assert answer.status_code in (400, 404)


@pytest.mark.parametrize(
    ("conclusion", "status"),
    [
        ("success", "succeeded"),
        ("neutral", "succeeded"),
        ("failure", "failed"),
        ("timed_out", "errored"),
        ("startup_failure", "errored"),
        ("cancelled", "aborted"),
        ("skipped", None),
        ("stale", None),
        ("action_required", None),
        (None, None),
    ],
)
def test_each_conclusion_is_a_status_or_not_a_result(conclusion, status):
    now = datetime(2026, 1, 14, 10, tzinfo=UTC)
    report = github.run_report("github", workflow_run(conclusion=conclusion), now)
    assert (report.status if not isinstance(report, str) else None) == status


def test_the_job_is_the_workflow_file_without_a_reusable_workflows_ref():
    payload = workflow_run()
    payload["workflow_run"]["path"] = "octo-org/shared/.github/workflows/ci.yml@refs/heads/main"
    report = github.run_report("github", payload, datetime(2026, 1, 14, tzinfo=UTC))
    assert not isinstance(report, str)
    assert report.job == "ci.yml"


def test_a_run_without_an_attempt_is_its_first():
    payload = workflow_run()
    del payload["workflow_run"]["run_attempt"]
    report = github.run_report("github", payload, datetime(2026, 1, 14, tzinfo=UTC))
    assert not isinstance(report, str) and report.attempt == 1


def test_a_run_attempt_that_is_not_a_number_is_invalid():
    payload = workflow_run()
    payload["workflow_run"]["run_attempt"] = True
    with pytest.raises(Invalid, match="run_attempt"):
        github.run_report("github", payload, datetime(2026, 1, 14, tzinfo=UTC))
