"""Escalation policies and notification rules in the team file, checked with line numbers."""

from __future__ import annotations

import pytest

from dutydesk.errors import Invalid
from dutydesk.team_as_code.spec import read_team_file

GOOD = """\
team: paas
people:
  - {id: alice, name: Alice, email: alice@example.org, slack: U01ALICE,
     notify: [{via: slack}, {via: email, after: 2m}]}
rotas:
  - id: escalation
    name: Escalation
escalation_policies:
  - id: in-hours
    name: In hours only
    hours: ["Mon-Fri 09:30-17:30"]
    outside_hours: 24x7
    steps:
      - notify: [{rota: escalation}]
        escalate_after: 15m
  - id: 24x7
    name: 24x7
    steps:
      - notify: [{person: alice}, {slack_channel: C0123ABCD}]
services:
  - {id: api, name: API, escalation_policy: in-hours}
"""


def error_for(text: str) -> str:
    with pytest.raises(Invalid) as raised:
        read_team_file(text, "team.yaml")
    return raised.value.message


def test_policies_rules_and_services_are_read():
    spec = read_team_file(GOOD, "team.yaml")
    assert [p.id for p in spec.escalation_policies] == ["in-hours", "24x7"]
    assert [(r.via, r.after) for r in spec.people[0].notify] == [("slack", "0m"), ("email", "2m")]
    assert spec.escalation_policies[0].ack_timeout == "30m"
    assert spec.services[0].escalation_policy == "in-hours"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("escalation_policy: in-hours", "escalation_policy: nights"),
            "services[0].escalation_policy: 'nights' is not an escalation policy in this file",
        ),
        (
            ("{rota: escalation}", "{rota: comms}"),
            "escalation_policies[0].steps[0].notify[0].rota: 'comms' is not a rota in this file",
        ),
        (
            ("{person: alice}", "{person: bob}"),
            "escalation_policies[1].steps[0].notify[0].person: 'bob' is not one of the people",
        ),
        (
            ("outside_hours: 24x7", "outside_hours: later"),
            "escalation_policies[0].outside_hours: 'later' is not a policy here",
        ),
        (("escalate_after: 15m", "escalate_after: soon"), "'soon' is not a duration"),
        (
            ("{person: alice}, {slack", "{person: alice, rota: escalation}, {slack"),
            "name exactly one of rota, person, slack_channel, email or webhook",
        ),
        (("slack: U01ALICE,", ""), "a notify rule uses slack, but alice has no slack"),
        (("{via: slack}", "{via: pigeon}"), "notify[0].via"),
    ],
)
def test_a_mistake_is_refused_naming_where(change, message):
    old, new = change
    assert old in GOOD
    assert message in error_for(GOOD.replace(old, new))


def test_a_policy_needs_a_step():
    text = GOOD.replace(
        "    steps:\n      - notify: [{person: alice}, {slack_channel: C0123ABCD}]\n",
        "    steps: []\n",
    )
    assert "escalation_policies[1].steps" in error_for(text)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "slack: U01ALICE",
            "slack: bob brown",
            "people[0].slack: 'bob brown' is not a Slack member",
        ),
        ("email: alice@example.org", "email: 'a<b@example.org'", "is not an e-mail address"),
        ("email: alice@example.org", "email: 'a,b@example.org'", "is not an e-mail address"),
    ],
)
def test_a_contact_the_outbox_would_refuse_is_refused_in_the_file(old, new, message):
    assert old in GOOD
    assert message in error_for(GOOD.replace(old, new))
