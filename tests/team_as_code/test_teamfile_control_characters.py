"""No string in a team file may hold a line break or other control character (only a service's
description may span lines): each is refused with the line it is on."""

from __future__ import annotations

import re

import pytest

from dutydesk.errors import Invalid
from dutydesk.team_as_code.spec import read_team_file

# Every string field of the file, each double-quoted so a test can put an escape into it.
EVERY_STRING = """\
team: "paas"
timezone: "Europe/London"
holidays: "GB-ENG"
announce: {slack_channel: "C0123ABCD", topic: "{name} is on support", email: "ops@example.org"}
people:
  - {id: "alice", name: "Alice Archer", email: "alice@example.org", slack: "U01ALICE", phone: "+44 20 7946 0000"}
  - id: "bob"
    name: "Bob Brown"
    notify: [{via: "slack", after: "0m"}]
    slack: "U01BOB"
rotas:
  - id: "engineering"
    name: "In hours engineering support"
    hours: ["Mon-Fri 09:30-17:30"]
    layers:
      - {members: ["alice", "bob"], shift: "1w", handoff: "Mon 09:30", start: 2026-01-05}
    announce: {webhook: "https://hooks.example.org/x", apprise: "json://hooks.example.org"}
escalation_policies:
  - id: "in-hours"
    name: "In hours only"
    hours: ["Mon-Fri 09:30-17:30"]
    outside_hours: "always"
    steps:
      - notify: [{rota: "engineering"}, {email: "pager@example.org"}]
        escalate_after: "15m"
    ack_timeout: "30m"
  - id: "always"
    name: "Always"
    steps: [{notify: [{person: "alice"}]}]
services:
  - id: "platform-api"
    name: "Platform API"
    description: "The API\\nthat tenants push apps with"
    escalation_policy: "in-hours"
    group_window: "5m"
"""
QUOTED = re.compile(r'"[^"]*"')


def spoiled(escape: str) -> list[tuple[str, int]]:
    """For each quoted string: the file with `escape` inside it, and that string's line."""
    variants = []
    for match in QUOTED.finditer(EVERY_STRING):
        line = EVERY_STRING.count("\n", 0, match.start()) + 1
        at = match.start() + 1
        variants.append((EVERY_STRING[:at] + escape + EVERY_STRING[at:], line))
    return variants


def test_the_file_with_every_string_field_is_valid():
    spec = read_team_file(EVERY_STRING, "team.yaml")
    assert spec.services[0].description == "The API\nthat tenants push apps with"


@pytest.mark.parametrize("escape", ["\\r\\n", "\\n", "\\x1b", "\\x85", "\\u2028", "\\t"])
def test_a_control_character_in_any_string_is_refused_on_its_line(escape):
    cases = spoiled(escape)
    assert len(cases) > 40
    for text, line in cases:
        if escape in ("\\n", "\\t") and "The API" in text.splitlines()[line - 1]:
            continue  # a description may span lines
        with pytest.raises(Invalid) as refused:
            read_team_file(text, "team.yaml")
        assert refused.value.message.startswith(f"team.yaml:{line}: "), (line, text)


def test_the_message_says_why_and_which_character():
    text = EVERY_STRING.replace('name: "Bob Brown"', 'name: "Bob\\r\\nBcc: all@example.org"')
    with pytest.raises(Invalid) as refused:
        read_team_file(text, "team.yaml")
    assert refused.value.message == (
        "team.yaml:8: people[1].name: must be one line without control characters (found U+000D)"
    )


def test_a_description_may_span_lines_but_holds_no_other_control_characters():
    text = EVERY_STRING.replace("The API\\n", "The API\\a")
    with pytest.raises(Invalid) as refused:
        read_team_file(text, "team.yaml")
    assert refused.value.message == (
        "team.yaml:33: services[0].description: must not contain control characters (found U+0007)"
    )
