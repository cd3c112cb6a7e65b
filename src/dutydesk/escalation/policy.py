"""Escalation policies as plans: pure rules for which step comes next and which policy pages.

No database here: the worker loads the plans and the group's position, and asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dutydesk.escalation.spec import PolicySpec
from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.notify.service import Outgoing
from dutydesk.people.models import Person
from dutydesk.people.spec import NotifyRuleSpec
from dutydesk.timeparse import parse_duration

# The longest subject a message of the outbox takes.
SUBJECT_LENGTH = 300

TARGET_KINDS = ("rota", "person", "slack_channel", "email", "webhook")


@dataclass(frozen=True, slots=True)
class Target:
    """Who or what a step notifies: a rota's on-call person, a person, or a channel."""

    kind: str  # one of TARGET_KINDS
    value: str

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


@dataclass(frozen=True, slots=True)
class Step:
    """Notify the targets, then wait `escalate_after` before the next step."""

    targets: tuple[Target, ...]
    escalate_after: timedelta


@dataclass(frozen=True, slots=True)
class Policy:
    """A compiled policy; `hours` None means it pages at any time."""

    id: str
    name: str
    steps: tuple[Step, ...]
    repeat: int
    ack_timeout: timedelta | None
    hours: SupportHours | None = None
    outside_hours: str | None = None


@dataclass(frozen=True, slots=True)
class NotifyRule:
    """One of a person's rules: this contact method, this long after they are paged."""

    via: str
    after: timedelta


@dataclass(frozen=True, slots=True)
class InForce:
    """What to do when a step is due: page with `policy`, or wait until `wait_until`.

    `handed_over` says the policy is the fallback of the one the group was running.
    """

    policy: Policy | None
    handed_over: bool = False
    wait_until: datetime | None = None


def compile_policy(spec: PolicySpec, calendar: HolidayCalendar, hours_zone: Any) -> Policy:
    """A policy as the worker runs it, from the team file's declaration."""
    hours = None
    if spec.hours:
        hours = SupportHours(
            timezone=hours_zone,
            weekly=tuple(parse_hours(text) for text in spec.hours),
            skip_holidays=spec.skip_holidays,
            holidays=calendar,
        )
    timeout = parse_duration(spec.ack_timeout)
    return Policy(
        id=spec.id,
        name=spec.name,
        steps=tuple(
            Step(
                targets=tuple(_target(target.model_dump()) for target in step.notify),
                escalate_after=parse_duration(step.escalate_after),
            )
            for step in spec.steps
        ),
        repeat=spec.repeat,
        ack_timeout=timeout if timeout else None,
        hours=hours,
        outside_hours=spec.outside_hours,
    )


def _target(fields: dict[str, Any]) -> Target:
    kind = next(name for name in TARGET_KINDS if fields.get(name) is not None)
    return Target(kind, str(fields[kind]))


def following(policy: Policy, step_index: int, loop_index: int) -> tuple[int, int] | None:
    """The (step, loop) after this one; None when the last step of the last repeat is done."""
    if step_index + 1 < len(policy.steps):
        return step_index + 1, loop_index
    if loop_index < policy.repeat:
        return 0, loop_index + 1
    return None


def in_force(policies: Mapping[str, Policy], policy_id: str | None, at: datetime) -> InForce:
    """Which policy pages at `at` for a group running `policy_id`.

    Outside its hours (a holiday counts as outside when it skips them) a policy hands over to
    its `outside_hours` policy; with none, paging waits until its hours start again.
    """
    policy = policies.get(policy_id) if policy_id is not None else None
    if policy is None or policy.hours is None or policy.hours.is_open(at):
        return InForce(policy)
    if policy.outside_hours is not None and policy.outside_hours in policies:
        return InForce(policies[policy.outside_hours], handed_over=True)
    return InForce(None, wait_until=policy.hours.next_open_at(at))


def notify_rules(rules: list[Any], *, email: str | None, slack: str | None) -> list[NotifyRule]:
    """A person's rules from the team file; with none, every contact method they have, at once."""
    if rules:
        checked = [NotifyRuleSpec.model_validate(rule) for rule in rules]
        return [NotifyRule(rule.via, parse_duration(rule.after)) for rule in checked]
    defaults = [("slack", slack), ("email", email)]
    return [NotifyRule(via, timedelta(0)) for via, contact in defaults if contact]


def messages_by_rules(
    person: Person,
    *,
    subject: str,
    text: str,
    key: str,
    now: datetime,
    at_once: bool = False,
) -> list[Outgoing]:
    """One message to `person` by each of their notification rules (their delays kept unless
    `at_once`), keyed `key-<person>-<rule>` so that a retried transaction queues none twice;
    none when they have no contact to send to."""
    messages: list[Outgoing] = []
    rules = notify_rules(person.notify, email=person.email, slack=person.slack)
    for index, rule in enumerate(rules):
        destination = person.slack if rule.via == "slack" else person.email
        if destination is None:
            continue
        messages.append(
            Outgoing(
                channel=rule.via,
                destination=destination,
                subject=subject[:SUBJECT_LENGTH],
                text=text,
                idempotency_key=f"{key}-{person.id}-{index}",
                due_at=now if at_once else now + rule.after,
            )
        )
    return messages
