"""The task pages through a browser-like client on SQLite and PostgreSQL: the backlog and its
filters, adding a task with errors beside the fields, a task's page with its edit form and the
buttons that pick it up, take it over, release, complete and reopen it; forms without the CSRF
token are refused; viewers read and change nothing; hostile text renders as text."""

from __future__ import annotations

import re
from html import unescape

import pytest

from dutydesk.db import unit_of_work
from dutydesk.tasks import service
from tests.incidents.xss import CORPUS, markup_problems


def task(runtime, number):
    with unit_of_work(runtime.read_sessions) as session:
        found = service.get_task(session, number)
        session.expunge(found)
        return found


def _flash(page) -> str:
    found = re.search(r'<div class="flash" role="status">(.*?)</div>', page.text, re.S)
    return unescape(found.group(1)) if found else ""


def _field_error(page, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="f-{name}-error">(.*?)</p>', page.text, re.S)
    assert found is not None, f"no error beside {name}"
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


NEW = {"title": "Rotate the deploy key", "description": "", "labels": "", "size": "", "link": ""}


def test_a_responder_adds_a_task_picks_it_up_and_completes_it(browser, runtime, example_team):
    alice = browser("alice", person="alice")
    made = alice.post(
        "/tasks/new",
        NEW | {"description": "See **the runbook**.", "labels": "ci, keys", "size": "S",
               "link": "https://ci.example.org/keys"},
    )  # fmt: skip
    assert made.status_code == 303 and made.headers["location"] == "/tasks/1"
    shown = alice.client.get("/tasks/1")
    assert _flash(shown) == "Task 1 added: Rotate the deploy key"
    assert "<strong>the runbook</strong>" in shown.text
    assert "Nobody has picked it up" in shown.text

    picked = alice.post("/tasks/1/pick-up", {})
    assert picked.status_code == 303
    assert task(runtime, 1).owner_id == "alice"
    page = alice.client.get("/tasks/1")
    assert "You have task 1." in _flash(page) and "Release it" in page.text

    assert alice.post("/tasks/1/complete", {}).status_code == 303
    done = task(runtime, 1)
    assert (done.status, done.completed_by) == ("done", "alice")
    page = alice.client.get("/tasks/1")
    assert "Task 1 is done." in _flash(page) and "Reopen" in page.text
    assert alice.post("/tasks/1/reopen", {}).status_code == 303
    assert task(runtime, 1).status == "open"
    history = unescape(alice.get("/tasks/1").text)
    for line in ("reopened task 1", "completed task 1", "alice picked up task 1", "added task 1"):
        assert line in history


def test_someone_elses_task_is_refused_on_pick_up_and_taken_over_deliberately(
    browser, runtime, example_team
):
    alice = browser("alice", person="alice")
    bob = browser("bob", person="bob")
    alice.post("/tasks/new", NEW)
    alice.post("/tasks/1/pick-up", {})
    page = bob.get("/tasks/1")
    assert "Take it over" in page.text and "Pick it up" not in page.text

    refused = bob.post("/tasks/1/pick-up", {})
    assert refused.status_code == 409
    assert "task 1 is alice's: take it over" in unescape(refused.text)
    refused = bob.post("/tasks/1/release", {})
    assert refused.status_code == 409
    assert "only they release it" in unescape(refused.text)
    assert task(runtime, 1).owner_id == "alice"

    taken = bob.post("/tasks/1/pick-up", {"take_over": "yes"})
    assert taken.status_code == 303
    assert task(runtime, 1).owner_id == "bob"


def test_errors_show_beside_the_field_and_nothing_is_added(browser, runtime, example_team):
    alice = browser("alice", person="alice")
    for fields, name, message in (
        ({"title": ""}, "title", "say what is to be done"),
        ({"link": "javascript:alert(1)"}, "link", "only http:// and https:// addresses"),
        ({"labels": "<b>"}, "labels", "'<b>' is not a label"),
        ({"size": "XL"}, "size", "one of S, M, L (or none)"),
    ):
        refused = alice.post("/tasks/new", NEW | fields)
        assert refused.status_code == 400
        assert _field_error(refused, name).startswith(message)
    with unit_of_work(runtime.read_sessions) as session:
        assert service.list_tasks(session, service.TaskFilter()) == []


def test_an_edit_with_a_bad_link_keeps_what_was_typed_beside_the_error(
    browser, runtime, example_team
):
    alice = browser("alice", person="alice")
    alice.post("/tasks/new", NEW)
    refused = alice.post(
        "/tasks/1/edit", NEW | {"title": "Renamed", "link": "ftp://files.example/"}
    )
    assert refused.status_code == 400
    assert _field_error(refused, "link").startswith("only http:// and https://")
    assert 'value="Renamed"' in refused.text
    assert task(runtime, 1).title == "Rotate the deploy key"
    saved = alice.post("/tasks/1/edit", NEW | {"title": "Renamed", "size": "M"})
    assert saved.status_code == 303
    assert (task(runtime, 1).title, task(runtime, 1).size) == ("Renamed", "M")


def test_forms_without_the_csrf_token_are_refused(browser, runtime, example_team):
    alice = browser("alice", person="alice")
    alice.post("/tasks/new", NEW)
    for path, data in (
        ("/tasks/new", NEW),
        ("/tasks/1/pick-up", {}),
        ("/tasks/1/complete", {}),
        ("/tasks/1/edit", NEW | {"title": "x"}),
    ):
        refused = alice.post(path, data, token="0" * 64)
        assert refused.status_code == 403, path
        assert "did not come from Dutydesk" in unescape(refused.text)
    assert (task(runtime, 1).owner_id, task(runtime, 1).status) == (None, "open")


def test_a_viewer_reads_the_backlog_and_changes_nothing(browser, runtime, example_team):
    browser("alice", person="alice").post("/tasks/new", NEW)
    vera = browser("vera", role="viewer")
    assert "Rotate the deploy key" in vera.get("/tasks").text
    page = vera.get("/tasks/1")
    assert (
        page.status_code == 200 and "Pick it up" not in page.text and "Add a task" not in page.text
    )
    for path in ("/tasks/1/pick-up", "/tasks/1/complete", "/tasks/new"):
        assert vera.post(path, NEW).status_code == 403
    assert vera.get("/tasks/new").status_code == 403


def test_an_account_without_a_person_cannot_pick_up_but_can_complete(
    browser, runtime, example_team
):
    ops = browser("ops")
    ops.post("/tasks/new", NEW)
    page = ops.get("/tasks/1")
    assert "Pick it up" not in page.text and "not linked to a person" in page.text
    refused = ops.post("/tasks/1/pick-up", {})
    assert refused.status_code == 400
    assert "not linked to a person on the team" in unescape(refused.text)
    assert ops.post("/tasks/1/complete", {}).status_code == 303
    assert task(runtime, 1).completed_by == "web:ops"


def test_the_backlog_filters_by_label_size_status_and_owner(browser, runtime, example_team):
    alice = browser("alice", person="alice")
    alice.post("/tasks/new", NEW | {"title": "CI one", "labels": "ci", "size": "S"})
    alice.post("/tasks/new", NEW | {"title": "Docs one", "labels": "docs"})
    alice.post("/tasks/1/pick-up", {})

    def titles(query: str) -> list[str]:
        page = alice.get(f"/tasks{query}")
        assert page.status_code == 200, page.text
        return re.findall(r'<a href="/tasks/\d+">([^<]+)</a>', page.text)

    assert titles("") == ["CI one", "Docs one"]
    assert titles("?label=ci") == ["CI one"]
    assert titles("?size=none") == ["Docs one"]
    assert titles("?owner=me") == ["CI one"]
    assert titles("?owner=nobody") == ["Docs one"]
    assert titles("?status=done") == []
    refused = alice.get("/tasks?size=XL")
    assert refused.status_code == 400
    assert _field_error(refused, "size").startswith("one of S, M, L or none")
    assert 'href="/tasks?label=ci"' in alice.get("/tasks/1").text
    assert 'href="/tasks"' in alice.get("/").text  # the navigation entry


def test_an_unknown_task_is_a_404_page(browser, runtime, example_team):
    alice = browser("alice", person="alice")
    assert alice.get("/tasks/99").status_code == 404
    assert alice.post("/tasks/99/complete", {}).status_code == 404


@pytest.mark.parametrize("hostile", CORPUS)
def test_hostile_text_renders_as_text(browser, runtime, example_team, hostile):
    alice = browser("alice", person="alice")
    title = " ".join(hostile.split())[:300]
    made = alice.post("/tasks/new", NEW | {"title": title, "description": hostile})
    assert made.status_code == 303, made.text
    for path in ("/tasks/1", "/tasks"):
        page = alice.get(path)
        assert markup_problems(page.text) == [], path
