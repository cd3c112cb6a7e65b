"""Dismissing a red spell that will never go green (its job removed from the pipeline): ended by
hand as dismissed, with who, when and why in the audit log; its red time counts up to the
dismissal; the job's next failure starts a new spell. Through the service, the API, the CLI and
the builds page, each refusing bad input in its own terms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.audit.service import subject_history
from dutydesk.builds import service
from dutydesk.builds.report import summary
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tasks.models import Task
from dutydesk.timeparse import parse_zone

ZONE = parse_zone("Europe/London")
REASON = "job removed from the pipeline"


def dismiss(runtime, spell_id, reason=REASON, by="alice"):
    with unit_of_work(runtime.sessions) as session:
        service.dismiss(
            session, spell_id, reason, by=by, actor="cli:alice", now=runtime.clock.now()
        )
        session.commit()


def test_a_dismissed_spell_ends_then_with_who_and_why_and_counts_its_red_time_to_then(
    team, record, runtime, clock, spells
):
    started = clock.now()
    record("failed", build="1")
    clock.advance(timedelta(hours=5))
    dismiss(runtime, 1)
    clock.advance(timedelta(hours=3))  # long after: the red time stopped at the dismissal

    [spell] = spells()
    assert (spell.ended_at, spell.ending) == (started + timedelta(hours=5), "dismissed")
    assert (spell.dismissed_by, spell.dismissal_reason) == ("alice", REASON)
    with unit_of_work(runtime.read_sessions) as session:
        [entry, _red] = subject_history(session, "build-spell:1")
        figures = summary(
            session, started - timedelta(days=1), started + timedelta(days=1), ZONE, clock.now()
        )
        assert service.red_now(session) == []
    assert (entry.entry.action, entry.entry.actor, entry.entry.at) == (
        "build.dismiss",
        "cli:alice",
        started + timedelta(hours=5),
    )
    assert entry.entry.details == {
        "spell": 1,
        "ending": "dismissed",
        "by": "alice",
        "reason": REASON,
    }
    assert REASON in entry.entry.summary
    assert (figures.failures, figures.red_seconds, figures.flaky) == (1, 5 * 3600.0, 0)


def test_after_a_dismissal_a_failure_starts_a_new_spell_and_a_success_moves_nothing(
    team, record, runtime, clock, spells
):
    record("failed", build="1")
    dismiss(runtime, 1)
    clock.advance(timedelta(hours=1))
    assert record("succeeded", build="2", sha="b" * 40).turned is None
    assert record("failed", build="3", sha="c" * 40).turned == "red"
    assert [(s.id, s.ending) for s in spells()] == [(1, "dismissed"), (2, None)]


def test_the_task_a_claim_made_stays_as_it_is(team, record, runtime):
    record("failed", build="1")
    with unit_of_work(runtime.sessions) as session:
        service.claim(
            session, 1, "bob", actor="cli:bob", now=runtime.clock.now(), base_url="http://d"
        )
        session.commit()
    dismiss(runtime, 1, by="bob")
    with unit_of_work(runtime.read_sessions) as session:
        [task] = session.scalars(select(Task)).all()
    assert (task.owner_id, task.completed_at) == ("bob", None)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "reason: say why"),
        ("   ", "reason: say why"),
        ("job removed\nfrom the pipeline", "reason: must be one line"),
        ("x" * 201, "reason: at most 200 characters"),
    ],
)
def test_a_reason_is_one_line_of_1_to_200_characters(
    team, record, runtime, spells, reason, message
):
    record("failed", build="1")
    with pytest.raises(Invalid, match=message):
        dismiss(runtime, 1, reason)
    assert spells()[0].ending is None


def test_an_unknown_or_ended_spell_cannot_be_dismissed(team, record, runtime):
    with pytest.raises(NotFound):
        dismiss(runtime, 9)
    record("failed", build="1")
    record("succeeded", build="2", sha="b" * 40)
    with pytest.raises(Conflict, match="already ended: fixed"):
        dismiss(runtime, 1)
    record("failed", build="3")
    dismiss(runtime, 2)
    with pytest.raises(Conflict, match="already ended: dismissed"):
        dismiss(runtime, 2)
    with unit_of_work(runtime.sessions) as session, pytest.raises(Conflict, match="was dismissed"):
        service.claim(session, 2, "alice", actor="a", now=runtime.clock.now(), base_url="http://d")


# The API.


def test_a_responder_dismisses_through_the_api(team, record, api, spells):
    record("failed", build="1")
    answer = api.post("/api/v1/builds/red/1/dismiss", json={"reason": REASON})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["ending"], body["dismissed_by"], body["dismissal_reason"]) == (
        "dismissed",
        "rhea",  # a user who is no person on the team is named by their user name
        REASON,
    )
    assert body["ended_at"] == "2026-01-14T10:00:00Z"
    assert api.get("/api/v1/builds/red").json() == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"reason": ""}, 422, "reason:"),
        ({"reason": "two\nlines"}, 422, "reason: must be one line"),
        ({"reason": "x" * 201}, 422, "reason"),
        ({}, 422, "reason"),
    ],
)
def test_bad_reasons_are_refused_as_json(team, record, api, spells, body, status, message):
    record("failed", build="1")
    answer = api.post("/api/v1/builds/red/1/dismiss", json=body)
    assert answer.status_code == status
    assert (answer.json()["error"], message in answer.json()["message"]) == ("invalid", True)
    assert spells()[0].ending is None


def test_unknown_and_green_spells_are_refused_as_json(team, record, api):
    missing = api.post("/api/v1/builds/red/9/dismiss", json={"reason": REASON})
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    record("failed", build="1")
    record("succeeded", build="2", sha="b" * 40)
    green = api.post("/api/v1/builds/red/1/dismiss", json={"reason": REASON})
    assert (green.status_code, green.json()["error"]) == (409, "conflict")


def test_a_viewer_cannot_dismiss(team, record, api, token_for, spells):
    record("failed", build="1")
    api.headers["Authorization"] = f"Bearer {token_for('vera', 'viewer')}"
    answer = api.post("/api/v1/builds/red/1/dismiss", json={"reason": REASON})
    assert answer.status_code == 403
    assert spells()[0].ending is None


def test_the_schema_documents_the_dismissal(api):
    schema = api.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/builds/red/{spell_id}/dismiss"]["post"]
    assert {"404", "409", "422"} <= set(operation["responses"])
    body = schema["components"]["schemas"]["DismissBody"]
    assert body["properties"]["reason"]["maxLength"] == 200
    red = schema["components"]["schemas"]["RedBuildRead"]["properties"]
    assert "dismissed" in str(red["ending"]) and "dismissal_reason" in red


# The command line.


def test_dutydesk_build_dismiss(team, record, cli, spells):
    record("failed", build="1")
    answer = cli("build", "dismiss", "1", "--reason", REASON, "--as", "carol")
    assert answer.code == 0, answer.err
    assert answer.out.strip() == f"Dismissed red build 1 (concourse paas-cf/deploy): {REASON}"
    [spell] = spells()
    assert (spell.ending, spell.dismissed_by) == ("dismissed", "carol")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "--reason", "", "--as", "carol"), "reason: say why"),
        (("1", "--reason", "a\nb", "--as", "carol"), "reason: must be one line"),
        (("1", "--reason", "x" * 201, "--as", "carol"), "reason: at most 200"),
        (("1", "--reason", REASON, "--as", "zoe"), "no person 'zoe'"),
        (("9", "--reason", REASON, "--as", "carol"), "no red build 9"),
        (("2", "--reason", REASON, "--as", "carol"), "already ended: fixed"),
        (("1", "--as", "carol"), "--reason"),
        (("one", "--reason", REASON, "--as", "carol"), "SPELL"),
    ],
)
def test_bad_input_exits_2_with_one_line(team, record, cli, spells, args, message):
    record("failed", build="0", job="old")
    record("failed", build="1")
    record("succeeded", build="2", sha="b" * 40)
    record("failed", build="3", job="retired")  # spell 3; spell 2 is green
    answer = cli("build", "dismiss", *args)
    assert answer.code == 2
    assert message in answer.err
    assert len(answer.err.strip().splitlines()) == 1, answer.err
    assert [s.ending for s in spells()] == [None, "fixed", None]


# The builds page.


def test_a_viewer_sees_no_dismiss_button(team, record, browser):
    record("failed", build="1")
    page = browser("vera", "viewer").get("/builds")
    assert page.status_code == 200
    assert "Dismiss: it will never go green" not in page.text


def test_a_responder_dismisses_from_the_page(team, record, browser, spells, runtime):
    record("failed", build="1")
    alice = browser("alice", "responder", person="alice")
    page = alice.get("/builds").text
    assert 'action="/builds/red/1/dismiss"' in page and "Dismiss: it will never go green" in page
    answer = alice.post("/builds/red/1/dismiss", {"reason": REASON})
    assert answer.status_code == 303
    [spell] = spells()
    assert (spell.ending, spell.dismissed_by, spell.dismissal_reason) == (
        "dismissed",
        "alice",
        REASON,
    )
    with unit_of_work(runtime.read_sessions) as session:
        [entry, _red] = subject_history(session, "build-spell:1")
    assert (entry.entry.action, entry.entry.actor) == ("build.dismiss", "web:alice")
    assert "Every job on a main branch is green." in alice.get("/builds").text


def test_a_bad_reason_comes_back_beside_the_field(team, record, browser, spells):
    record("failed", build="1")
    alice = browser("alice", "responder", person="alice")
    answer = alice.post("/builds/red/1/dismiss", {"reason": "<b>two</b>\nlines"})
    assert answer.status_code == 422
    assert 'id="f-dismiss-1-error"' in answer.text
    assert 'aria-describedby="f-dismiss-1-error"' in answer.text
    assert "reason: must be one line" in answer.text
    assert "&lt;b&gt;two&lt;/b&gt;" in answer.text and "<b>two</b>" not in answer.text
    empty = alice.post("/builds/red/1/dismiss", {"reason": ""})
    assert (empty.status_code, "reason: say why" in empty.text) == (422, True)
    assert spells()[0].ending is None


def test_a_dismissal_without_the_csrf_token_or_by_a_viewer_is_refused(
    team, record, browser, spells
):
    record("failed", build="1")
    alice = browser("alice", "responder", person="alice")
    assert (
        alice.post("/builds/red/1/dismiss", {"reason": REASON}, token="0" * 64).status_code == 403
    )
    vera = browser("vera", "viewer")
    assert vera.post("/builds/red/1/dismiss", {"reason": REASON}).status_code == 403
    assert spells()[0].ending is None


def test_a_green_build_cannot_be_dismissed_from_the_page(team, record, browser):
    record("failed", build="1")
    record("succeeded", build="2", sha="b" * 40)
    answer = browser("alice", "responder", person="alice").post(
        "/builds/red/1/dismiss", {"reason": REASON}
    )
    assert answer.status_code == 409
    assert "already ended: fixed" in answer.text
