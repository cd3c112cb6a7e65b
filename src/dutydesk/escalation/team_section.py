"""The team file's `escalation_policies`: who is paged for a service's alerts, step by step."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.escalation.models import EscalationPolicy
from dutydesk.escalation.spec import PolicySpec
from dutydesk.team.sections import KnownIds, Problem, Section, remove_rows, save_in_order


def export_policies(session: Session) -> list[PolicySpec]:
    """Every stored policy, in the file's order."""
    policies = session.scalars(
        select(EscalationPolicy).order_by(EscalationPolicy.position, EscalationPolicy.id)
    )
    return [PolicySpec.model_validate(policy.definition) for policy in policies]


def save_policies(
    session: Session, specs: Sequence[PolicySpec], changed: Collection[str], now: datetime
) -> None:
    """Create or update the policies whose ids are given."""

    def fill(policy: EscalationPolicy, spec: PolicySpec) -> None:
        policy.name = spec.name
        policy.definition = spec.model_dump(mode="json")

    save_in_order(session, EscalationPolicy, specs, changed, fill)


def remove_policies(session: Session, ids: Collection[str], now: datetime) -> None:
    """Remove policies; a group running a removed one goes on with its service's policy at its
    next step (and says so in its log)."""
    remove_rows(session, EscalationPolicy, ids)


def policy_problems(specs: Sequence[PolicySpec], known: KnownIds) -> list[Problem]:
    """Each policy once; the people, rotas and other policies they name exist."""
    problems: list[Problem] = []
    policies = {policy.id: policy for policy in specs}
    seen: set[str] = set()
    for p, policy in enumerate(specs):
        if policy.id in seen:
            problems.append(((p, "id"), f"duplicate policy id {policy.id!r}"))
        seen.add(policy.id)
        if policy.outside_hours is not None:
            if policy.outside_hours not in policies:
                problems.append(
                    ((p, "outside_hours"), f"{policy.outside_hours!r} is not a policy here")
                )
            elif not policy.hours:
                problems.append(
                    ((p, "outside_hours"), "a policy without hours has no outside hours")
                )
            elif policies[policy.outside_hours].outside_hours is not None:
                problems.append(
                    (
                        (p, "outside_hours"),
                        f"{policy.outside_hours!r} hands over in turn; hand over to a policy"
                        " without outside_hours",
                    )
                )
        for s, step in enumerate(policy.steps):
            for t, target in enumerate(step.notify):
                where = (p, "steps", s, "notify", t)
                if target.rota is not None and target.rota not in known["rotas"]:
                    problems.append(
                        ((*where, "rota"), f"{target.rota!r} is not a rota in this file")
                    )
                if target.person is not None and target.person not in known["people"]:
                    problems.append(
                        (
                            (*where, "person"),
                            f"{target.person!r} is not one of the people in this file",
                        )
                    )
    return problems


def leave_out_policy_defaults(policy: dict[str, Any]) -> None:
    """An exported policy without the fields it leaves at their defaults."""
    for key in ("hours", "skip_holidays", "repeat"):
        if not policy[key]:
            del policy[key]
    if policy["ack_timeout"] == PolicySpec.model_fields["ack_timeout"].default:
        del policy["ack_timeout"]


SECTION = Section(
    kind="policy",
    item=PolicySpec,
    compared=("name", "hours", "skip_holidays", "outside_hours", "steps", "repeat", "ack_timeout"),
    export=export_policies,
    save=save_policies,
    remove=remove_policies,
    problems=policy_problems,
    trim=leave_out_policy_defaults,
)
