"""`dutydesk task` on SQLite and PostgreSQL: add, list, show, pick (and take over), release,
complete and reopen; bad input exits 2 with one line that names what is wrong."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def team(example_team):
    return None


def test_a_task_is_added_picked_up_completed_and_reopened(cli, team):
    added = cli(
        "task", "add", "Rotate the deploy key", "-l", "ci,security", "--label", "keys",
        "--size", "s", "--link", "https://ci.example.org/keys", "-d", "See [the runbook].",
    )  # fmt: skip
    assert (added.code, added.out) == (0, "Task 1 added.\n")
    assert cli("task", "pick", "1", "--as", "alice").out == "Task 1 is alice's.\n"

    shown = cli("task", "show", "1")
    assert shown.code == 0
    assert "Task 1: Rotate the deploy key" in shown.out
    assert "Owner: alice" in shown.out and "Size: S" in shown.out
    assert "Labels: ci security keys" in shown.out
    assert shown.out.rstrip().endswith("See [the runbook].")

    refused = cli("task", "pick", "1", "--as", "bob")
    assert refused.code == 2
    assert refused.err == "dutydesk: error: task 1 is alice's: take it over to have it instead" \
        " (they are told in the audit log)\n"  # fmt: skip
    assert cli("task", "pick", "1", "--as", "bob", "--take-over").code == 0
    assert cli("task", "release", "1", "--as", "bob").out == "Task 1 is back in the backlog.\n"

    assert cli("task", "complete", "1", "--as", "carol").out == "Task 1 is done.\n"
    done = json.loads(cli("task", "show", "1", "--json").out)
    assert (done["status"], done["owner"], done["completed_by"]) == ("done", "carol", "carol")
    assert cli("task", "reopen", "1").out == "Task 1 is open again.\n"
    assert json.loads(cli("task", "show", "1", "--json").out)["status"] == "open"


def test_the_list_filters_and_prints_json_for_scripts(cli, team):
    cli("task", "add", "Old CI job", "-l", "ci", "--size", "L")
    cli("task", "add", "Docs", "-l", "docs")
    cli("task", "pick", "2", "--as", "dan")
    table = cli("task", "list")
    assert table.code == 0
    assert "Open tasks" in table.out and "Old CI job" in table.out and "dan" in table.out
    listed = json.loads(cli("task", "list", "--label", "ci", "--json").out)
    assert [t["title"] for t in listed] == ["Old CI job"]
    assert [
        t["id"] for t in json.loads(cli("task", "list", "--owner", "nobody", "--json").out)
    ] == [1]
    assert json.loads(cli("task", "list", "--status", "done", "--json").out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("task", "add", ""), "title: say what is to be done"),
        (("task", "add", "x", "--size", "XL"), "--size: one of S, M, L"),
        (("task", "add", "x", "--link", "javascript:alert(1)"), "link: only http:// and https://"),
        (("task", "add", "x", "-l", "<b>"), "labels: '<b>' is not a label"),
        (("task", "show", "9"), "no task 9"),
        (("task", "pick", "9", "--as", "alice"), "no task 9"),
        (("task", "pick", "1", "--as", "zed"), "person: there is no person 'zed'"),
        (("task", "release", "1", "--as", "alice"), "nobody has task 1"),
        (("task", "reopen", "1"), "task 1 is open already"),
        (("task", "list", "--status", "closed"), "status: one of open, done"),
        (("task", "list", "--owner", "zed"), "owner: there is no person 'zed'"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, team, args, message):
    cli("task", "add", "A task to refer to")
    result = cli(*args)
    assert result.code == 2, result
    assert result.err.startswith(f"dutydesk: error: {message}"), result.err
    assert result.err.count("\n") == 1


def test_a_bad_number_is_a_usage_error(cli, team):
    result = cli("task", "show", "one")
    assert result.code == 2
    assert "ID" in result.err and "Traceback" not in result.err
