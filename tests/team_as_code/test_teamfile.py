"""Reading team files: every mistake is one line naming the file, the line and the field."""

from __future__ import annotations

from datetime import date

import pytest

from dutydesk.errors import Invalid
from dutydesk.team_as_code.spec import read_team_file

GOOD = """\
team: paas
timezone: Europe/London
holidays: GB-ENG
people:
  - {id: alice, name: Alice Archer, email: alice@example.org}
  - {id: bob, name: Bob Brown}
rotas:
  - id: engineering
    name: In hours engineering support
    hours: ["Mon-Fri 09:30-17:30"]
    skip_holidays: true
    layers:
      - members: [alice, bob]
        shift: 1w
        handoff: "Mon 09:30"
        start: 2026-01-05
"""


def error_for(text: str) -> str:
    with pytest.raises(Invalid) as raised:
        read_team_file(text, "team.yaml")
    return raised.value.message


def test_a_good_file_reads_into_a_spec():
    spec = read_team_file(GOOD, "team.yaml")
    assert spec.team == "paas"
    assert [p.id for p in spec.people] == ["alice", "bob"]
    layer = spec.rotas[0].layers[0]
    assert (layer.shift, layer.handoff, layer.start) == ("1w", "Mon 09:30", date(2026, 1, 5))


def test_an_unquoted_clock_time_is_read_as_a_time_not_a_number():
    text = GOOD.replace(
        'shift: 1w\n        handoff: "Mon 09:30"', "shift: 1d\n        handoff: 10:00"
    )
    assert read_team_file(text, "team.yaml").rotas[0].layers[0].handoff == "10:00"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        pytest.param(
            GOOD.replace("shift: 1w", "shift: 1x"),
            "team.yaml:14: rotas[0].layers[0].shift: '1x' is not a shift length like 12h, 1d, 1w or 2w",
            id="bad-shift",
        ),
        pytest.param(
            GOOD.replace("members: [alice, bob]", "members: [alice, zed]"),
            "team.yaml:13: rotas[0].layers[0].members[1]: 'zed' is not one of the people in this file",
            id="unknown-member",
        ),
        pytest.param(
            GOOD.replace("{id: bob, name: Bob Brown}", "{id: alice, name: Bob Brown}"),
            "team.yaml:6: people[1].id: duplicate person id 'alice'",
            id="duplicate-person",
        ),
        pytest.param(
            GOOD.replace("holidays: GB-ENG", "holidays: XX-YY"),
            "team.yaml:3: holidays: 'XX-YY' is not a known holiday calendar",
            id="unknown-calendar",
        ),
        pytest.param(
            GOOD.replace("holidays: GB-ENG", "holidays: GB-XYZ"),
            "team.yaml:3: holidays: 'GB-XYZ' is not a known holiday calendar; GB has",
            id="unknown-subdivision",
        ),
        pytest.param(
            GOOD.replace("Europe/London", "Europe/Londn"),
            "team.yaml:2: timezone: 'Europe/Londn' is not a time zone",
            id="unknown-zone",
        ),
        pytest.param(
            GOOD.replace("start: 2026-01-05", "start: 2026-01-07"),
            "team.yaml:13: rotas[0].layers[0]: start 2026-01-07 is a Wed, but the handoff is on Mon",
            id="start-not-on-handoff-day",
        ),
        pytest.param(
            GOOD.replace("Mon-Fri 09:30-17:30", "Mon-Fry 09:30-17:30"),
            "team.yaml:10: rotas[0].hours[0]: 'Mon-Fry 09:30-17:30': 'Fry' is not a day",
            id="bad-hours",
        ),
        pytest.param(
            GOOD.replace("skip_holidays: true", "skip_holiday: true"),
            "team.yaml:11: rotas[0].skip_holiday: is not a known field",
            id="misspelt-field",
        ),
        pytest.param(
            GOOD.replace("    name: In hours engineering support\n", ""),
            "team.yaml:8: rotas[0].name: is required",
            id="missing-field",
        ),
        pytest.param(
            GOOD.replace("email: alice@example.org", "email: alice-at-example"),
            "team.yaml:5: people[0].email: 'alice-at-example' is not an e-mail address",
            id="bad-email",
        ),
        pytest.param(
            GOOD.replace("{id: bob,", "{id: Bob Brown!,"),
            "team.yaml:6: people[1].id: 'Bob Brown!' is not an id",
            id="bad-id",
        ),
        pytest.param(
            GOOD.replace("timezone: Europe/London\n", "timezone: Europe/London\ntimezone: UTC\n"),
            "team.yaml:3: timezone: appears twice",
            id="duplicate-key",
        ),
        pytest.param(
            GOOD.replace("people:\n", "people:\n  - {id: x\n"),
            "team.yaml:6: YAML syntax error",
            id="yaml-syntax",
        ),
        pytest.param(
            GOOD + "    announce: {slack_channel: general}\n",
            "team.yaml:17: rotas[0].announce.slack_channel: 'general' is not a Slack channel id like C0123ABCD",
            id="slack-channel-name-not-id",
        ),
        pytest.param(
            GOOD + '    announce: {topic: "{nam} is on support"}\n',
            "team.yaml:17: rotas[0].announce.topic: '{nam} is on support' has a placeholder Dutydesk does not know",
            id="unknown-topic-placeholder",
        ),
        pytest.param("", "team.yaml:1: the file is empty", id="empty"),
        pytest.param("- just\n- a list\n", "team.yaml:1: the file must be a mapping", id="a-list"),
    ],
)
def test_a_broken_file_is_refused_with_file_line_and_field(broken, expected):
    message = error_for(broken)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_several_problems_are_counted_in_the_one_line():
    broken = GOOD.replace("shift: 1w", "shift: 1x").replace("start: 2026-01-05", "start: soon")
    message = error_for(broken)
    assert message.endswith("(and 1 more problem)")


def test_announcements_are_read_with_their_defaults():
    text = GOOD + "    announce: {slack_channel: C0123ABCD, slack_usergroup: S0123ABCD}\n"
    announce = read_team_file(text, "team.yaml").rotas[0].announce
    assert announce is not None
    assert (announce.slack_channel, announce.slack_usergroup) == ("C0123ABCD", "S0123ABCD")
    assert (announce.topic, announce.remind_before) == ("{name} is on support", True)
