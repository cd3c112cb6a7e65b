"""Firing an escalation step: who the step reaches now, and the pages queued for them.

Every page is an outbox message queued in the transaction that moves the group to its next
step, with an idempotency key naming the group, run, repeat, step, target and rule: a step can
only ever queue its pages once, whichever worker fires it and however often it is retried.

A run's first step is not fired while a hold is on the service at the time it fell due (a
maintenance window on the status page: escalation/holds.py): the alerts stay recorded and shown,
their log says why nobody was paged, and the run ends there. As with PagerDuty's maintenance
windows, what was held is dropped rather than sent when the window ends: an alert resolved
meanwhile never pages, and one still open pages when a new alert opens in its group or service
(a repeated event of it is a duplicate, which pages nothing, held or not). A run that paged
before the window goes on escalating through it, and a reassigned group pages its new person.
Asked here rather than as alerts arrive, so the Events API's path asks nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.alerts.grouping import open_alerts_of
from dutydesk.alerts.models import TRIGGERED, Alert, AlertGroup, Service
from dutydesk.errors import Invalid, NotFound
from dutydesk.escalation.holds import holds_of
from dutydesk.escalation.links import ACTION_LINK_LIFETIME, LINK_ACTIONS, ActionLink, action_url
from dutydesk.escalation.models import GroupPage
from dutydesk.escalation.policy import Policy, Step, Target, following, in_force, notify_rules
from dutydesk.escalation.service import log_group
from dutydesk.external_rotas.service import contact, is_external
from dutydesk.notify.service import enqueue
from dutydesk.oncall.service import who
from dutydesk.people.models import Person
from dutydesk.text import one_line
from dutydesk.timeparse import local_text

WORKER_ACTOR = "worker"
# The log entry of a run's first step that a hold kept from paging.
HELD = "held"
_LISTED_ALERTS = 10
# Each line of what a sender wrote starts with this, as a quoted reply does in e-mail.
UNTRUSTED_PREFIX = "  > "
_CHANNEL_VIA = {"slack_channel": "slack", "email": "email", "webhook": "webhook"}
# What pages a reassigned group of a service without a policy: the assignee, once.
ASSIGNEE_ONLY = Policy(
    id="assignee",
    name="Reassigned",
    steps=(Step(targets=(), escalate_after=timedelta(minutes=15)),),
    repeat=0,
    ack_timeout=None,
)


@dataclass(frozen=True)
class PagingContext:
    """What composing pages needs besides the database: links, the team's clock, the plans."""

    base_url: str
    secret_key: str
    zone: ZoneInfo
    policies: dict[str, Policy]


def fire_due_step(
    session: Session, group: AlertGroup, context: PagingContext, now: datetime
) -> int:
    """Run the group's due step (handing over or waiting outside hours); returns pages queued."""
    if group.assignee_id is not None:
        # A reassigned group pages its new person at once, whatever the policy's hours; then
        # the policy goes on from its second step as usual (hand-overs included).
        running = _running_policy(session, group, context, now) or ASSIGNEE_ONLY
        return _fire(session, group, running, context, now)
    if _held(session, group, now):
        return 0
    policy = _running_policy(session, group, context, now)
    if policy is None:
        group.next_step_at = None
        log_group(session, group, "no-policy", WORKER_ACTOR, now, {"policy": group.policy_id})
        return 0
    decision = in_force(context.policies, policy.id, now)
    if decision.policy is None:
        # Outside the policy's hours with no fallback: wait for them (None: none within a year).
        group.next_step_at = decision.wait_until
        waits = decision.wait_until.isoformat() if decision.wait_until else None
        log_group(
            session,
            group,
            "outside-hours",
            WORKER_ACTOR,
            now,
            {"policy": policy.id, "waits_until": waits},
        )
        return 0
    if decision.handed_over:
        log_group(
            session,
            group,
            "handover",
            WORKER_ACTOR,
            now,
            {"from": policy.id, "to": decision.policy.id, "reason": "outside hours"},
        )
        group.policy_id, group.step_index, group.loop_index = decision.policy.id, 0, 0
    return _fire(session, group, decision.policy, context, now)


def _held(session: Session, group: AlertGroup, now: datetime) -> bool:
    """Whether a hold keeps the run's first step from paging, at the time it fell due (when the
    alerts opened, or when the policy's hours began). A held run ends with no policy recorded
    on the group, so that a new alert in it pages for these ones too (escalation/reactions.py)."""
    if group.step_index != 0 or group.loop_index != 0 or group.next_step_at is None:
        return False
    why = holds_of(session).held(session, group.service_id, min(group.next_step_at, now))
    if why is None:
        return False
    group.next_step_at = None
    group.policy_id = None
    held = [a for a in open_alerts_of(session, group.id) if a.status == TRIGGERED]
    log_group(session, group, HELD, WORKER_ACTOR, now, {"reason": why}, alerts=held)
    return True


def _running_policy(
    session: Session, group: AlertGroup, context: PagingContext, now: datetime
) -> Policy | None:
    """The policy the group runs; if an apply removed it, the service's policy now, from its
    first step (so a renamed policy keeps paging), else None."""
    policy = context.policies.get(group.policy_id or "")
    if policy is not None:
        return policy
    service = session.get(Service, group.service_id)
    current = context.policies.get(service.escalation_policy_id or "") if service else None
    if current is not None and group.policy_id is not None:
        log_group(
            session,
            group,
            "policy-changed",
            WORKER_ACTOR,
            now,
            {"from": group.policy_id, "to": current.id},
        )
        group.policy_id, group.step_index, group.loop_index = current.id, 0, 0
    return current


def _fire(
    session: Session, group: AlertGroup, policy: Policy, context: PagingContext, now: datetime
) -> int:
    if group.step_index >= len(policy.steps):
        # The policy lost steps in an apply since this group's last one: start it over.
        group.step_index = 0
    step = policy.steps[group.step_index]
    targets = step.targets
    if group.assignee_id is not None:
        # Reassigned: this first step pages the assignee instead; only this once.
        targets, group.assignee_id = (Target("person", group.assignee_id),), None
    alerts = open_alerts_of(session, group.id)
    paged: set[str] = set()  # a person a step names twice (a rota and by name) is paged once
    queued = 0
    for target_index, target in enumerate(targets):
        try:
            with session.begin_nested():
                queued += _page_target(
                    session, group, policy, target, target_index, alerts, context, now, paged
                )
        except Invalid as problem:
            # A contact the outbox refuses must not stop the step's other targets, nor other
            # groups' steps: say so in the log and go on.
            log_group(
                session,
                group,
                "page-failed",
                WORKER_ACTOR,
                now,
                {
                    "policy": policy.id,
                    "step": group.step_index + 1,
                    "to": str(target),
                    "error": problem.message,
                },
                alerts=alerts,
            )
    after = following(policy, group.step_index, group.loop_index)
    # Asked only of a step that paged nobody: every other step runs no query for it.
    empty_external = (
        [t.value for t in targets if t.kind == "rota" and is_external(session, t.value)]
        if after is not None and queued == 0
        else []
    )
    if after is not None and empty_external:
        # The other tool owns that rota and put nobody on it: waiting escalate_after for
        # nobody to answer helps no one, so the next step pages now.
        log_group(
            session,
            group,
            "fell-through",
            WORKER_ACTOR,
            now,
            {
                "policy": policy.id,
                "step": group.step_index + 1,
                "repeat": group.loop_index,
                "rota": empty_external[0],
                "next_step": after[0] + 1,
            },
            alerts=alerts,
        )
        group.step_index, group.loop_index = after
        group.next_step_at = now
        session.flush()
        return queued
    if after is None:
        group.next_step_at = None
        log_group(
            session,
            group,
            "escalation-ended",
            WORKER_ACTOR,
            now,
            {"policy": policy.id},
            alerts=alerts,
        )
    else:
        group.step_index, group.loop_index = after
        group.next_step_at = now + step.escalate_after
    session.flush()
    return queued


def _page_target(
    session: Session,
    group: AlertGroup,
    policy: Policy,
    target: Target,
    target_index: int,
    alerts: Sequence[Alert],
    context: PagingContext,
    now: datetime,
    paged: set[str],
) -> int:
    position = {"policy": policy.id, "step": group.step_index + 1, "repeat": group.loop_index}
    if target.kind in _CHANNEL_VIA:
        via = _CHANNEL_VIA[target.kind]
        key = _key(group, policy, target_index, target.kind, 0)
        text = _page_text(session, group, alerts, context, None, now)
        _queue(session, group, policy, None, via, target.value, key, text, alerts, now, now)
        log_group(
            session,
            group,
            "page",
            WORKER_ACTOR,
            now,
            {**position, "to": str(target)},
            alerts=alerts,
        )
        return 1
    person = _person_for(session, target, now)
    if person is None:
        log_group(
            session,
            group,
            "nobody-on-call",
            WORKER_ACTOR,
            now,
            {**position, "rota": target.value},
            alerts=alerts,
        )
        return 0
    if person.id in paged:
        return 0
    paged.add(person.id)
    rules = notify_rules(person.notify, email=person.email, slack=person.slack)
    if not rules:
        log_group(
            session,
            group,
            "no-contact",
            WORKER_ACTOR,
            now,
            {**position, "person": person.id},
            alerts=alerts,
        )
        return 0
    text = _page_text(session, group, alerts, context, person.id, now)
    for rule_index, rule in enumerate(rules):
        destination = person.slack if rule.via == "slack" else person.email
        assert destination is not None, "rules only name contact methods the person has"
        due_at = now + rule.after
        key = _key(group, policy, target_index, person.id, rule_index)
        _queue(
            session, group, policy, person.id, rule.via, destination, key, text, alerts, now, due_at
        )
        log_group(
            session,
            group,
            "page",
            WORKER_ACTOR,
            now,
            {**position, "person": person.id, "via": rule.via, "due_at": due_at.isoformat()},
            alerts=alerts,
        )
    return len(rules)


def _person_for(session: Session, target: Target, now: datetime) -> Person | None:
    if target.kind == "person":
        return session.get(Person, target.value)
    try:
        on_call = who(session, [target.value], now)[0].now.person
    except NotFound:
        return None  # the rota was removed since the policy named it; logged as nobody
    if on_call is None:
        return None
    found = session.get(Person, on_call)
    if found is None:
        # Someone an external rota's feed names who is not in the team: paged by the e-mail
        # the feed gives (a Person that is never added to the session, to page like one).
        outsider = contact(session, target.value, on_call)
        if outsider is not None:
            return Person(id=outsider.id, name=outsider.name, email=outsider.email, notify=[])
    return found


def _key(group: AlertGroup, policy: Policy, target_index: int, who_: str, rule_index: int) -> str:
    # Everything that tells one page from another: the policy too, since a hand-over starts the
    # 24x7 policy at step 1 in the same run and repeat as the policy it took over from.
    return (
        f"page-{group.id}-{group.run}-{policy.id}-{group.loop_index}-{group.step_index}"
        f"-{target_index}-{who_}-{rule_index}"
    )


def _queue(
    session: Session,
    group: AlertGroup,
    policy: Policy,
    person_id: str | None,
    via: str,
    destination: str,
    key: str,
    text: str,
    alerts: Sequence[Alert],
    now: datetime,
    due_at: datetime,
) -> None:
    service = session.get(Service, group.service_id)
    service_name = service.name if service is not None else group.service_id
    first = alerts[0].summary if alerts else "alerts"
    count = f"{len(alerts)} alerts" if len(alerts) != 1 else "alert"
    subject = one_line(f"[Dutydesk] {count} on {service_name}: {first}")[:300]
    payload: dict[str, Any] | None = None
    if via == "webhook":
        payload = {
            "event": "alert.page",
            "group": group.id,
            "service": group.service_id,
            "alerts": [
                {"id": a.id, "summary": a.summary, "severity": a.severity, "status": a.status}
                for a in alerts
            ],
            "text": text,
        }
    message = enqueue(
        session,
        channel=via,
        destination=destination,
        subject=subject,
        text=text,
        idempotency_key=key,
        now=now,
        due_at=due_at,
        payload=payload,
    )
    session.add(
        GroupPage(
            group_id=group.id,
            queued_at=now,
            due_at=due_at,
            run=group.run,
            loop_index=group.loop_index,
            step_index=group.step_index,
            policy_id=policy.id,
            person_id=person_id,
            via=via,
            destination=destination,
            outbox_message_id=message.id,
        )
    )


def _page_text(
    session: Session,
    group: AlertGroup,
    alerts: Sequence[Alert],
    context: PagingContext,
    person_id: str | None,
    now: datetime,
) -> str:
    """A page's text: Dutydesk's own lines and links first, then what the monitoring sent.

    Summaries and sources come from whoever holds an integration key. They are collapsed to
    one line and quoted under a heading, after our links, so that no summary can add a line
    that reads like ours (a fake "Acknowledge: https://..." link).
    """
    service = session.get(Service, group.service_id)
    service_name = one_line(service.name) if service is not None else group.service_id
    count = f"{len(alerts)} alerts" if len(alerts) != 1 else "1 alert"
    lines = [
        f"Dutydesk page: {count} on {service_name}",
        f"Opened: {local_text(group.opened_at, context.zone)}",
        "",
    ]
    if person_id is not None:
        # Links act as the person paged, so only people get them, never a shared channel.
        expires_at = now + ACTION_LINK_LIFETIME
        for action in LINK_ACTIONS:
            link = ActionLink(group.id, action, person_id, expires_at)
            url = action_url(context.base_url, context.secret_key, link)
            lines.append(f"{action.capitalize()}: {url}")
    if alerts:
        lines.append(f"Open: {context.base_url.rstrip('/')}/alerts/{alerts[0].id}")
    lines += ["", "What the monitoring sent (quoted as received):"]
    for alert in alerts[:_LISTED_ALERTS]:
        said = f"[{alert.severity}] {alert.summary} (source: {alert.source})"
        lines.append(f"{UNTRUSTED_PREFIX}{one_line(said)}")
    if len(alerts) > _LISTED_ALERTS:
        lines.append(f"{UNTRUSTED_PREFIX}and {len(alerts) - _LISTED_ALERTS} more")
    return "\n".join(lines)
