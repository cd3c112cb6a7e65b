"""The report made at a fast-forwarded handoff: each section's figures match the week's data;
the invitation goes out the working day before; a second pass, or a second worker, makes
nothing more."""

from __future__ import annotations

from datetime import timedelta

from dutydesk.builds.intake import record_result
from dutydesk.builds.results import BuildReport
from dutydesk.builds.service import claim, red_now
from dutydesk.db import unit_of_work
from dutydesk.handover.due import handover_due
from dutydesk.handover.figures import LISTED
from tests.handover.conftest import HANDOFF, INVITED, WEEK_START, at


def test_nothing_happens_before_the_invitation_is_due(week_of_data, cycle, handovers, outbox):
    assert cycle(INVITED - timedelta(minutes=1)) == 0
    assert handovers() == [] and outbox() == []


def test_the_invitation_goes_out_the_working_day_before(week_of_data, cycle, handovers, outbox):
    assert cycle(INVITED) == 1
    [row] = handovers()
    assert (row.handoff_at, row.period_start_at) == (HANDOFF, WEEK_START)
    assert (row.outgoing_id, row.incoming_id, row.made_at) == ("bob", "carol", None)
    invitations = outbox(":invite:")
    assert sorted(m.destination for m in invitations) == [
        "bob@example.org",
        "carol@example.org",
        "leads@example.org",
    ]
    calendar = invitations[0].payload["email"]["calendar"]
    assert "METHOD:REQUEST" in calendar
    assert "DTSTART:20260119T093000Z" in calendar and "DTEND:20260119T101500Z" in calendar
    assert "UID:handover.engineering.20260119T093000Z@dutydesk" in calendar
    assert outbox(":report:") == []


def test_the_report_at_the_handoff_has_each_section_with_the_weeks_figures(
    week_of_data, cycle, handovers, outbox
):
    cycle(INVITED)
    assert cycle(HANDOFF) == 1
    [row] = handovers()
    assert row.made_at == HANDOFF
    report = row.report
    assert report["period"] == {"start": WEEK_START.isoformat(), "end": HANDOFF.isoformat()}
    assert report["outgoing"] == {"id": "bob", "name": "Bob Brown"}
    assert report["incoming"] == {"id": "carol", "name": "Carol Chen"}
    sections = report["sections"]

    alerts = sections["alerts"]
    assert alerts["count"] == 4
    assert alerts["noisiest"] == [
        {"service": "platform-api", "name": "Platform API", "alerts": 3},
        {"service": "status-checks", "name": "Health checks and heartbeats", "alerts": 1},
    ]
    assert (alerts["pages"], alerts["pages_out_of_hours"]) == (2, 1)
    [night] = alerts["out_of_hours"]
    assert (night["service"], night["people"], night["in_hours"]) == (
        "status-checks",
        ["Carol Chen"],
        False,
    )

    tickets = sections["tickets"]
    assert (tickets["new"], tickets["solved"], tickets["breached"]) == (2, 1, 1)
    assert (tickets["open_count"], tickets["overdue_count"]) == (2, 1)
    overdue, waiting = tickets["open"]
    assert (overdue["subject"], overdue["overdue"], overdue["owed"]) == (
        "Logs **missing** <b>",
        True,
        "first_response",
    )
    assert (waiting["subject"], waiting["overdue"]) == ("Old question", False)

    incidents = sections["incidents"]
    assert [i["title"] for i in incidents["open"]] == ["Slow deploys"]
    assert [i["title"] for i in incidents["resolved"]] == ["Router errors"]
    assert [(i["title"], i["overdue"]) for i in incidents["reviews_due"]] == [
        ("Router errors", False)
    ]

    changes = sections["rota_changes"]
    assert (changes["swaps"], changes["cover"], changes["overrides"]) == (1, 1, 0)

    tasks = sections["tasks"]
    assert tasks["done_count"] == 1 and tasks["done"][0]["title"] == "Rotate the CA"
    assert [t["title"] for t in tasks["outgoing_open"]] == ["Write the runbook"]

    assert report["open_items"] == {
        "incidents": 1,
        "tickets": 2,
        "tickets_overdue": 1,
        "outgoing_tasks": 1,
    }
    reports = outbox(":report:")
    assert sorted(m.channel + " " + m.destination for m in reports) == [
        "email bob@example.org",
        "email carol@example.org",
        "email leads@example.org",
        "slack C0HANDOVR1",
    ]
    slack = next(m for m in reports if m.channel == "slack")
    assert "Alerts: 4; pages: 2 (1 out of hours)" in slack.text
    assert "Tickets: 2 new, 1 solved, 1 breached, 2 open" in slack.text


def test_a_second_pass_and_a_second_worker_make_nothing_more(
    week_of_data, cycle, runtime, handovers, outbox
):
    cycle(INVITED)
    cycle(HANDOFF)
    queued = len(outbox())
    assert cycle(HANDOFF + timedelta(minutes=1)) == 0
    assert handover_due(runtime, "worker-2") == 0
    assert len(handovers()) == 1 and len(outbox()) == queued


def test_the_report_is_made_at_the_handoff_even_without_an_earlier_invitation(
    week_of_data, cycle, handovers, outbox
):
    """A worker down over the invitation's time sends it with the report, at the handoff."""
    assert cycle(HANDOFF + timedelta(hours=2)) == 2
    [row] = handovers()
    assert row.made_at == HANDOFF + timedelta(hours=2)
    assert len(outbox(":invite:")) == 3 and len(outbox(":report:")) == 4


def test_a_past_report_keeps_its_figures(week_of_data, cycle, runtime, handovers):
    cycle(HANDOFF)
    before = handovers()[0].report
    from dutydesk.db import unit_of_work
    from dutydesk.tickets.models import Ticket

    with unit_of_work(runtime.sessions) as session:
        session.query(Ticket).delete()
        session.commit()
    cycle(HANDOFF + timedelta(days=1))
    assert handovers()[0].report == before


def test_open_and_overdue_tickets_are_counted_whole_past_the_listed_ones(
    week_of_data, cycle, runtime, handovers
):
    from dutydesk.db import unit_of_work
    from dutydesk.tickets.models import Ticket

    with unit_of_work(runtime.sessions) as session:
        for n in range(LISTED + 10):
            session.add(
                Ticket(
                    subject=f"Overdue {n}",
                    status="open",
                    priority="P3",
                    source="web",
                    created_at=WEEK_START,
                    updated_at=WEEK_START,
                    clock_kind="update",
                    clock_running_since=WEEK_START,
                    answer_due_at=WEEK_START + timedelta(hours=n),
                )
            )
        session.commit()
    cycle(HANDOFF)
    report = handovers()[0].report
    tickets = report["sections"]["tickets"]
    assert len(tickets["open"]) == LISTED
    assert (tickets["open_count"], tickets["overdue_count"]) == (LISTED + 12, LISTED + 11)
    assert report["open_items"]["tickets_overdue"] == LISTED + 11


def test_open_incidents_reviews_and_the_outgoing_engineers_tasks_are_counted_whole(
    week_of_data, cycle, runtime, handovers, outbox
):
    from dutydesk.tasks.models import Task
    from tests.handover.conftest import _incident, _task

    with unit_of_work(runtime.sessions) as session:
        for n in range(LISTED + 5):
            session.add(_incident(f"Open {n}", WEEK_START, "active"))
            session.add(_incident(f"Done {n}", WEEK_START, "resolved", resolved_at=at(13, 9)))
            session.add(_task(f"Chore {n}", "open", None, owner="bob"))
        session.commit()
        assert session.query(Task).count() > LISTED
    cycle(HANDOFF)
    report = handovers()[0].report
    incidents = report["sections"]["incidents"]
    assert len(incidents["open"]) == LISTED
    # The week's data has one active incident and one resolved, its review due.
    assert (
        incidents["open_count"],
        incidents["resolved_count"],
        incidents["reviews_due_count"],
    ) == (LISTED + 6, LISTED + 6, LISTED + 6)
    assert report["sections"]["tasks"]["outgoing_open_count"] == LISTED + 6
    assert (report["open_items"]["incidents"], report["open_items"]["outgoing_tasks"]) == (
        LISTED + 6,
        LISTED + 6,
    )
    slack = next(m for m in outbox(":report:") if m.channel == "slack")
    assert f"Incidents: {LISTED + 6} open, {LISTED + 6} resolved, {LISTED + 6} reviews due" in (
        slack.text
    )


def _build(runtime, status: str, when, build: str, job: str, sha: str) -> None:
    report = BuildReport(
        source="concourse",
        pipeline="paas-cf",
        job=job,
        build_id=build,
        attempt=1,
        status=status,
        branch="main",
        sha=sha,
        url=f"https://ci.example.org/builds/{build}",
        finished_at=when,
    )
    with unit_of_work(runtime.sessions) as session:
        record_result(session, report, now=when, base_url="http://dutydesk.test")
        session.commit()


def test_the_build_failures_of_the_week_and_the_red_builds_at_the_handoff(
    week_of_data, cycle, runtime, handovers, outbox
):
    """deploy: red Tuesday 10:00 to 14:00 (two failures, then fixed at a new commit); smoke:
    red from Thursday 16:00 to the handoff, claimed by alice; lint: one failure Friday 11:00
    that passed on a re-run at the same commit an hour later (flaky). A failure the week
    before does not count."""
    _build(runtime, "failed", at(8, 10), "0", "deploy", "0" * 40)
    _build(runtime, "succeeded", at(8, 11), "00", "deploy", "1" * 40)
    _build(runtime, "failed", at(13, 10), "1", "deploy", "a" * 40)
    _build(runtime, "failed", at(13, 12), "2", "deploy", "b" * 40)
    _build(runtime, "succeeded", at(13, 14), "3", "deploy", "c" * 40)
    _build(runtime, "failed", at(15, 16), "4", "smoke", "d" * 40)
    _build(runtime, "failed", at(16, 11), "5", "lint", "e" * 40)
    _build(runtime, "succeeded", at(16, 12), "6", "lint", "e" * 40)
    with unit_of_work(runtime.sessions) as session:
        [smoke] = red_now(session)
        claim(session, smoke.id, "alice", actor="test", now=at(15, 17), base_url="http://x")
        session.commit()

    cycle(HANDOFF)
    report = handovers()[0].report
    builds = report["sections"]["builds"]
    smoke_red = (HANDOFF - at(15, 16)).total_seconds()
    assert (builds["failures"], builds["flaky"]) == (4, 1)
    assert builds["red_seconds"] == 4 * 3600 + smoke_red + 3600
    # Impact: failures × red hours, the most costly first.
    assert [
        (j["job"], j["failures"], j["red_seconds"], j["flaky"]) for j in builds["top_jobs"]
    ] == [
        ("concourse paas-cf/smoke", 1, smoke_red, 0),
        ("concourse paas-cf/deploy", 2, 4 * 3600, 0),
        ("concourse paas-cf/lint", 1, 3600, 1),
    ]
    assert builds["red"] == [
        {
            "job": "concourse paas-cf/smoke",
            "since": at(15, 16).isoformat(),
            "failures": 1,
            "fixing": "Alice Archer",
        }
    ]
    assert report["open_items"]["builds_red"] == 1
    [mail] = [m for m in outbox(":report:") if m.destination == "carol@example.org"]
    assert "## Build failures" in mail.text
    assert "| concourse paas\\-cf/smoke | 1 |" in mail.text  # escaped as Markdown
    assert "1 failure; fixing the build: Alice Archer" in mail.text
    assert "- Red builds: **1**" in mail.text
    [slack] = [m for m in outbox(":report:") if m.channel == "slack"]
    assert "Build failures: 4, red for" in slack.text and "1 flaky; 1 red now" in slack.text


def test_a_team_that_never_recorded_a_build_has_no_build_section(week_of_data, cycle, handovers):
    cycle(HANDOFF)
    report = handovers()[0].report
    assert "builds" not in report["sections"] and "builds_red" not in report["open_items"]
