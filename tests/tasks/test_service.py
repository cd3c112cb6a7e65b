"""The backlog's rules on SQLite and PostgreSQL: adding a task with its labels, who may pick up,
take over and release a task, completing and reopening, editing, listing by filter, and an
audit entry for every change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.audit.models import AuditEntry
from dutydesk.audit.service import subject_history
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tasks import service
from dutydesk.tasks.models import TaskLabel


def run(runtime, act):
    """`act(session, now)` in one committed transaction; returns what it returns, detached."""
    with unit_of_work(runtime.sessions) as session:
        result = act(session, runtime.clock.now())
        session.commit()
        if result is not None and not isinstance(result, (list, tuple, str)):
            session.expunge(result)
        return result


def actions(runtime, task_id):
    with unit_of_work(runtime.read_sessions) as session:
        return [r.entry.action for r in subject_history(session, service.audit_subject(task_id))]


def test_a_new_task_keeps_its_fields_and_labels_and_is_in_the_audit_log(runtime, add):
    number = add(
        "Rotate the CI deploy key",
        description="See **the runbook**.",
        labels=("CI", "security", "ci"),
        size="S",
        link="https://ci.example.org/keys",
    )
    task = run(runtime, lambda s, now: service.get_task(s, number))
    assert (task.title, task.labels, task.size, task.link) == (
        "Rotate the CI deploy key",
        ["ci", "security"],
        "S",
        "https://ci.example.org/keys",
    )
    assert (task.status, task.owner_id, task.picked_at, task.source) == ("open", None, None, None)
    with unit_of_work(runtime.read_sessions) as session:
        stored = session.scalars(select(TaskLabel.label).where(TaskLabel.task_id == number))
        assert sorted(stored) == ["ci", "security"]
    assert actions(runtime, number) == ["task.add"]


def test_other_domains_add_tasks_as_before_with_their_source(runtime, example_team):
    """Incident reviews and red builds call add_task with title, owner and link only."""
    task = run(
        runtime,
        lambda s, now: service.add_task(
            s,
            service.NewTask(title="Fix the flaky job", owner_id="bob", link="https://ci.example/1"),
            source="build:7",
            actor="worker",
            now=now,
        ),
    )
    assert (task.owner_id, task.picked_at, task.source, task.labels) == (
        "bob",
        runtime.clock.now(),
        "build:7",
        [],
    )
    with unit_of_work(runtime.read_sessions) as session:
        assert [t.id for t in service.tasks_from(session, "build:7")] == [task.id]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link": "javascript:alert(1)"}, "link: only http:// and https://"),
        ({"size": "XL"}, "size: one of S, M, L"),
        ({"owner_id": "nobody-here"}, "owner: there is no person 'nobody-here'"),
        ({"labels": ("two words",)}, "labels: 'two words' is not a label"),
    ],
)
def test_a_task_with_a_wrong_field_is_refused_naming_it(runtime, example_team, fields, message):
    with pytest.raises(Invalid) as refused:
        run(
            runtime,
            lambda s, now: service.add_task(
                s, service.NewTask(title="x", **fields), source=None, actor="test", now=now
            ),
        )
    assert refused.value.message.startswith(message)


# Who has the task before, who picks it up, whether they take it over → who has it after, or
# the refusal's start, and the audit action.
PICK_UPS = [
    (None, "alice", False, "alice", "task.pick_up"),
    (None, "alice", True, "alice", "task.pick_up"),
    ("alice", "alice", False, "alice", None),
    ("bob", "alice", False, "task 1 is bob's: take it over", None),
    ("bob", "alice", True, "alice", "task.take_over"),
]


@pytest.mark.parametrize(("before", "picker", "take_over", "after", "action"), PICK_UPS)
def test_who_may_pick_up_a_task(runtime, add, before, picker, take_over, after, action):
    number = add("Tidy the dashboards", owner=before)
    clock_before = runtime.clock.now()
    runtime.clock.advance(timedelta(minutes=5))

    def pick(session, now):
        return service.pick_up(session, number, picker, take_over=take_over, actor="t", now=now)

    if after.startswith("task "):
        with pytest.raises(Conflict) as refused:
            run(runtime, pick)
        assert refused.value.message.startswith(after)
        assert actions(runtime, number) == ["task.add"]
        return
    task = run(runtime, pick)
    assert task.owner_id == after
    assert task.picked_at == (clock_before if action is None else runtime.clock.now())
    assert actions(runtime, number) == ["task.add", *([action] if action else [])][::-1]


def test_taking_over_names_the_previous_owner_in_the_audit_log(runtime, add):
    number = add("Upgrade the runners", owner="bob")
    run(
        runtime,
        lambda s, now: service.pick_up(s, number, "carol", take_over=True, actor="t", now=now),
    )
    with unit_of_work(runtime.read_sessions) as session:
        [latest, _] = subject_history(session, service.audit_subject(number))
    assert latest.entry.details["from"] == "bob"
    assert latest.person_ids == ["bob", "carol"]


@pytest.mark.parametrize(
    ("owner", "releaser", "outcome"),
    [
        ("alice", "alice", None),
        ("alice", "bob", "task 1 is alice's: only they release it"),
        ("alice", None, "task 1 is alice's: only they release it"),
        (None, "alice", "nobody has task 1"),
    ],
)
def test_only_the_owner_releases_a_task(runtime, add, owner, releaser, outcome):
    number = add("Write the on-call guide", owner=owner)

    def release(session, now):
        return service.release(session, number, releaser, actor="t", now=now)

    if outcome is None:
        task = run(runtime, release)
        assert (task.owner_id, task.picked_at) == (None, None)
        assert actions(runtime, number)[0] == "task.release"
    else:
        with pytest.raises(Conflict, match=outcome):
            run(runtime, release)


@pytest.mark.parametrize(
    ("owner", "completer", "owner_after", "completed_by"),
    [
        (None, "carol", "carol", "carol"),
        (None, None, None, "t"),
        ("alice", "carol", "alice", "carol"),
    ],
)
def test_anyone_completes_an_open_task(runtime, add, owner, completer, owner_after, completed_by):
    number = add("Delete the old buckets", owner=owner)
    task = run(runtime, lambda s, now: service.complete(s, number, completer, actor="t", now=now))
    assert (task.status, task.owner_id, task.completed_by) == ("done", owner_after, completed_by)
    assert task.completed_at == runtime.clock.now()


def test_a_done_task_is_reopened_with_its_owner_and_refuses_what_needs_it_open(runtime, add):
    number = add("Renew the certificate", owner="alice")
    run(runtime, lambda s, now: service.complete(s, number, "alice", actor="t", now=now))
    for refused_act, message in (
        (
            lambda s, now: service.complete(s, number, "alice", actor="t", now=now),
            "is done already",
        ),
        (lambda s, now: service.pick_up(s, number, "bob", actor="t", now=now), "reopen it"),
        (lambda s, now: service.release(s, number, "alice", actor="t", now=now), "is done"),
    ):
        with pytest.raises(Conflict, match=message):
            run(runtime, refused_act)
    task = run(runtime, lambda s, now: service.reopen(s, number, actor="t", now=now))
    assert (task.status, task.owner_id, task.completed_at, task.completed_by) == (
        "open",
        "alice",
        None,
        None,
    )
    with pytest.raises(Conflict, match="is open already"):
        run(runtime, lambda s, now: service.reopen(s, number, actor="t", now=now))
    assert actions(runtime, number) == ["task.reopen", "task.complete", "task.add"]


def test_editing_changes_the_text_and_labels_and_records_what_changed(runtime, add):
    number = add("Old title", labels=("ci",), size="S", link="https://a.example/")
    text = service.TaskText(title="New title", labels=("docs", "ci"), size="m", link="")
    task = run(runtime, lambda s, now: service.edit_task(s, number, text, actor="t", now=now))
    assert (task.title, task.labels, task.size, task.link) == (
        "New title",
        ["docs", "ci"],
        "M",
        None,
    )
    with unit_of_work(runtime.read_sessions) as session:
        [latest, _] = subject_history(session, service.audit_subject(number))
        assert latest.entry.details["changed"] == ["labels", "link", "size", "title"]
        ids = service.list_tasks(session, service.TaskFilter(label="docs"))
        assert [t.id for t in ids] == [number]
    # The same text again changes nothing, and records nothing.
    run(runtime, lambda s, now: service.edit_task(s, number, text, actor="t", now=now))
    assert actions(runtime, number) == ["task.edit", "task.add"]


def test_an_unknown_task_is_not_found(runtime, example_team):
    for number in (99, 0, -1, 2**40):
        with pytest.raises(NotFound, match=f"no task {number}"):
            run(runtime, lambda s, now, n=number: service.get_task(s, n))


def test_the_backlog_lists_open_tasks_oldest_first_and_filters_them(runtime, add):
    old = add("Oldest", age=timedelta(days=3), labels=("ci",), size="L")
    mine = add("Alice's", age=timedelta(days=2), owner="alice", size="S")
    new = add("Newest", age=timedelta(days=1), labels=("ci", "docs"))
    done = add("Done one", age=timedelta(days=4), labels=("ci",))
    run(runtime, lambda s, now: service.complete(s, done, None, actor="t", now=now))

    def listed(**chosen):
        with unit_of_work(runtime.read_sessions) as session:
            return [t.id for t in service.list_tasks(session, service.TaskFilter(**chosen))]

    assert listed() == [old, mine, new]
    assert listed(label="ci") == [old, new]
    assert listed(label="CI") == [old, new]
    assert listed(label="docs", size="none") == [new]
    assert listed(size="S") == [mine]
    assert listed(owner="alice") == [mine]
    assert listed(owner=service.NOBODY) == [old, new]
    assert listed(status="done") == [done]
    for wrong, message in (
        ({"status": "closed"}, "status: one of open, done"),
        ({"size": "XL"}, "size: one of S, M, L or none"),
        ({"owner": "zed"}, "owner: there is no person 'zed'"),
        ({"label": "two words"}, "label: 'two words' is not a label"),
    ):
        with pytest.raises(Invalid, match=message):
            listed(**wrong)


def test_every_change_is_filed_under_the_task_in_the_audit_log(runtime, add):
    number = add("Audit me")
    run(runtime, lambda s, now: service.pick_up(s, number, "dan", actor="web:dan", now=now))
    run(runtime, lambda s, now: service.complete(s, number, "dan", actor="web:dan", now=now))
    with unit_of_work(runtime.read_sessions) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.subject == f"task:{number}").order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.actor, e.details["owner"]) for e in entries] == [
            ("task.add", "test", None),
            ("task.pick_up", "web:dan", "dan"),
            ("task.complete", "web:dan", "dan"),
        ]
