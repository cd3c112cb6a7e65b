"""Handoffs announced at the right moment, reminders the working day before, break cover."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dutydesk.announcements.service import announce_due
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.overrides.models import Override
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Cycle, Worker
from tests.conftest import EXAMPLE_TEAM

ANNOUNCE = (
    "    announce: {slack_channel: C0ENG0001, slack_usergroup: S0ENG0001, email: eng@example.org}\n"
)


@pytest.fixture
def announced_team(make_team):
    text = EXAMPLE_TEAM.read_text()
    # The engineering rota announces; bob and carol have Slack ids too.
    text = text.replace(
        "    skip_holidays: true               # nobody is on this rota on bank holidays\n",
        "    skip_holidays: true\n" + ANNOUNCE,
        1,
    )
    text = text.replace("email: bob@example.org}", "email: bob@example.org, slack: U02BOB}")
    text = text.replace("email: carol@example.org}", "email: carol@example.org, slack: U03CAROL}")
    make_team(text)


@pytest.fixture
def cycle(runtime):
    worker = Worker(runtime, [Cycle("announcements", announce_due)], worker_id="test")
    return worker.run_once


def queued(runtime) -> list[OutboxMessage]:
    with unit_of_work(runtime.read_sessions) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def by_channel(messages, channel):
    return [(m.destination, m.text) for m in messages if m.channel == channel]


def test_the_first_cycle_announces_nothing_from_the_past(announced_team, cycle, runtime):
    assert cycle() == {"announcements": 0}
    assert queued(runtime) == []


def test_the_end_of_the_day_is_announced_to_the_channel_the_group_and_the_people(
    announced_team, cycle, runtime, clock
):
    cycle()
    clock.set(datetime(2026, 1, 14, 17, 30, tzinfo=UTC))
    assert cycle() == {"announcements": 1}
    messages = queued(runtime)
    text = (
        "Nobody is on In hours engineering support now (next turn from Thu 15 Jan 09:30)."
        " Handed over from Bob Brown."
    )
    assert by_channel(messages, "slack") == [("C0ENG0001", text)]
    assert by_channel(messages, "slack_topic") == [
        ("C0ENG0001", "No one is on In hours engineering support")
    ]
    [group] = [m for m in messages if m.channel == "slack_usergroup"]
    assert (group.destination, group.payload) == ("S0ENG0001", {"users": []})
    # The end of Wednesday is not the end of Bob's week: only the team address hears of it.
    assert by_channel(messages, "email") == [("eng@example.org", text)]


def test_only_the_end_and_start_of_a_turn_are_emailed_to_the_people(
    announced_team, cycle, runtime, clock
):
    clock.set(datetime(2026, 1, 16, 17, 0, tzinfo=UTC))
    cycle()
    clock.set(datetime(2026, 1, 16, 17, 30, tzinfo=UTC))
    cycle()
    clock.set(datetime(2026, 1, 19, 9, 30, tzinfo=UTC))
    cycle()
    personal = [
        (m.destination, m.subject)
        for m in queued(runtime)
        if m.channel == "email"
        and m.destination != "eng@example.org"
        and m.idempotency_key.startswith("handoff:")
    ]
    assert personal == [
        ("bob@example.org", "Your turn on In hours engineering support has ended"),
        ("carol@example.org", "You are on In hours engineering support until Mon 19 Jan 17:30"),
    ]


def test_the_topic_changes_exactly_at_the_handoff_across_a_dst_weekend(
    announced_team, cycle, runtime, clock
):
    # Monday 30 March 2026, the first morning of British Summer Time: 09:30 BST is 08:30 UTC.
    clock.set(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    cycle()
    clock.set(datetime(2026, 3, 30, 8, 29, 59, tzinfo=UTC))
    cycle()
    assert by_channel(queued(runtime), "slack_topic") == []
    clock.set(datetime(2026, 3, 30, 8, 30, tzinfo=UTC))
    assert cycle() == {"announcements": 1}
    assert by_channel(queued(runtime), "slack_topic") == [
        ("C0ENG0001", "Alice Archer is on support")
    ]


def test_running_a_cycle_twice_queues_each_announcement_once(announced_team, cycle, runtime, clock):
    cycle()
    clock.set(datetime(2026, 1, 14, 17, 31, tzinfo=UTC))
    cycle()
    before = len(queued(runtime))
    assert cycle() == {"announcements": 0}
    assert len(queued(runtime)) == before


def test_a_person_is_reminded_the_working_day_before_their_turn(
    announced_team, cycle, runtime, clock
):
    # Carol's week starts on Monday 19 January at 09:30; the reminder is due Friday 09:30.
    clock.set(datetime(2026, 1, 16, 9, 29, tzinfo=UTC))
    cycle()
    assert [m for m in queued(runtime) if m.idempotency_key.startswith("reminder:")] == []
    clock.set(datetime(2026, 1, 16, 9, 30, tzinfo=UTC))
    cycle()
    reminders = [m for m in queued(runtime) if m.idempotency_key.startswith("reminder:")]
    assert sorted((m.channel, m.destination, m.text) for m in reminders) == [
        (
            "email",
            "carol@example.org",
            "Reminder: your turn on In hours engineering support starts Mon 19 Jan 09:30.",
        ),
        (
            "slack",
            "U03CAROL",
            "Reminder: your turn on In hours engineering support starts Mon 19 Jan 09:30.",
        ),
    ]


def test_break_cover_is_announced_when_made_and_when_it_starts_and_ends(
    announced_team, cycle, cli, runtime, clock
):
    cycle()
    made = cli(
        "cover", "engineering", "--by", "dan", "--from", "12:30", "--for", "45m", "--note", "lunch"
    )
    assert made.code == 0, made.err
    assert (
        "dan covers engineering from Wed 14 Jan 2026 12:30 until Wed 14 Jan 2026 13:15" in made.out
    )
    assert by_channel(queued(runtime), "slack") == [
        (
            "C0ENG0001",
            "Dan Dorsey covers In hours engineering support from Wed 14 Jan 12:30"
            " to Wed 14 Jan 13:15 for Bob Brown (lunch).",
        )
    ]
    cycle()  # a pass right after: cover is not a turn to be reminded of
    assert [m for m in queued(runtime) if m.idempotency_key.startswith("reminder:")] == []
    during = json.loads(cli("who", "engineering", "--at", "2026-01-14T12:45", "--json").out)
    assert (during[0]["person"], during[0]["source"]) == ("dan", "override")
    clock.set(datetime(2026, 1, 14, 12, 30, tzinfo=UTC))
    cycle()
    clock.set(datetime(2026, 1, 14, 13, 15, tzinfo=UTC))
    cycle()
    posts = [text for _, text in by_channel(queued(runtime), "slack")][1:]
    assert posts == [
        "Dan Dorsey is now on In hours engineering support until Wed 14 Jan 13:15."
        " Handed over from Bob Brown.",
        "Bob Brown is now on In hours engineering support until Wed 14 Jan 17:30."
        " Handed over from Dan Dorsey.",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--by", "dan", "--from", "09:00", "--for", "45m"),
            "from: cover cannot start in the past",
        ),
        (("--by", "zed", "--from", "12:30", "--for", "45m"), "no person 'zed' in the team"),
        (("--by", "dan", "--from", "12:30", "--for", "13h"), "break cover lasts at most 12 hours"),
        (("--by", "dan", "--from", "12:30", "--for", "soon"), "--for: 'soon' is not a duration"),
        (("--by", "dan", "--for", "45m"), "give exactly one of --from TIME or --now"),
        (("--by", "dan", "--from", "12:30", "--for", "99999999d"), "is not a duration"),
        (("--by", "bob", "--from", "12:30", "--for", "45m"), "bob is the one on call"),
        (("--by", "dan", "--from", "18:00", "--for", "45m"), "nobody is on engineering"),
    ],
)
def test_bad_cover_is_refused_and_changes_nothing(announced_team, cli, runtime, args, message):
    result = cli("cover", "engineering", *args)
    assert result.code == 2
    assert message in result.err
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(Override)).all() == []
    assert queued(runtime) == []


def test_overlapping_cover_is_refused(announced_team, cli, runtime):
    assert cli("cover", "engineering", "--by", "dan", "--now", "--for", "30m").code == 0
    clash = cli("cover", "engineering", "--by", "erin", "--from", "10:15", "--for", "30m")
    assert clash.code == 2
    assert "overlaps cover 1 by dan" in clash.err
    with unit_of_work(runtime.read_sessions) as session:
        assert [o.person_id for o in session.scalars(select(Override))] == ["dan"]


def test_cover_through_the_api_starts_now_by_default(announced_team, api, runtime):
    made = api.post("/api/v1/rotas/engineering/cover", json={"by": "dan", "for": "30m"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["person"], body["from"], body["until"]) == (
        "dan",
        "2026-01-14T10:00:00Z",
        "2026-01-14T10:30:00Z",
    )
    refused = api.post(
        "/api/v1/rotas/engineering/cover", json={"by": "erin", "from": "10:15", "for": "30m"}
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict"


def test_the_full_worker_runs_the_announcements(announced_team, runtime):
    assert "announcements" in Worker(runtime, default_cycles()).run_once()


def test_a_channel_carrying_several_rotas_gets_a_line_for_each(make_team, cycle, runtime, clock):
    make_team(
        EXAMPLE_TEAM.read_text().replace(
            "people:\n", "announce: {slack_channel: C0TEAM001}\npeople:\n", 1
        )
    )
    cycle()
    clock.set(datetime(2026, 1, 14, 17, 30, tzinfo=UTC))
    cycle()
    [(channel, topic)] = by_channel(queued(runtime), "slack_topic")
    assert channel == "C0TEAM001"
    assert topic.splitlines() == [
        "No one is on In hours engineering support",
        "No one is on In hours comms",
        "Escalation: Carol Chen is on support",
    ]
