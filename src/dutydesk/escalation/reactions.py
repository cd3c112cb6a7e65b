"""Escalation reacts to alert state: when paging starts, stops and starts again.

Alerts announce what happens to a group's alerts (alerts/reactions.py); this is escalation's
answer, wired once by the composition root. Paging starts when a group gets a triggered alert
and is not already escalating; it stops when no alert in the group is triggered any more
(acknowledged, snoozed or resolved), and pages queued for later (a person's "email after 2
minutes") are withdrawn then. A reassigned group starts over, paging its new person first.
A run whose first step a hold kept from paging (maintenance: escalation/paging.py) leaves the
group with no policy recorded, so that a new alert in it pages for the ones held.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import TRIGGERED, Alert, AlertGroup, Service
from dutydesk.escalation.service import load_policies, log_group, start_paging, withdraw_pages


class EscalationReactions:
    """Escalation's side of `dutydesk.alerts.reactions.AlertReactions`."""

    def opened(
        self,
        session: Session,
        group: AlertGroup,
        service: Service,
        now: datetime,
        *,
        joining: Sequence[int],
    ) -> None:
        """Page unless the group is paging already, or has paged for alerts still triggered.

        A quiet group (acknowledged) pages again for a new problem; one whose policy ran out with
        its alerts still triggered has paged for them, and one page per group is enough. One
        with no policy recorded has paged for none of them (a maintenance window held them), so
        a new alert pages for them all. A service without a policy pages nobody; its alerts say
        so where they are shown.
        """
        if group.next_step_at is not None:
            return
        if group.policy_id is None or not _others_triggered(session, group, joining):
            start_paging(session, group, service, now)

    def retrigger_at(
        self, session: Session, alert: Alert, group: AlertGroup | None, now: datetime
    ) -> datetime | None:
        """The policy's acknowledgement timeout from now: the group's running policy, else the
        service's; None when there is none, or it has no timeout."""
        policy_id = group.policy_id if group is not None else None
        if policy_id is None:
            service = session.get(Service, alert.service_id)
            policy_id = service.escalation_policy_id if service is not None else None
        policy = load_policies(session).get(policy_id) if policy_id is not None else None
        if policy is None or policy.ack_timeout is None:
            return None
        return now + policy.ack_timeout

    def quieted(
        self, session: Session, group: AlertGroup, now: datetime, *, triggered: int, reason: str
    ) -> None:
        """Stop paging once nothing in the group is triggered, withdrawing pages not yet due."""
        if triggered == 0 and group.next_step_at is not None:
            group.next_step_at = None
            withdrawn = withdraw_pages(session, group, now, reason)
            if withdrawn:
                log_group(session, group, "pages-withdrawn", "dutydesk", now, {"count": withdrawn})

    def triggered_again(self, session: Session, group: AlertGroup, now: datetime) -> None:
        """Page again from the first step, unless the group is paging already."""
        if group.next_step_at is None:
            service = session.get(Service, group.service_id)
            if service is not None:
                start_paging(session, group, service, now)

    def reassigned(
        self, session: Session, group: AlertGroup, person_id: str, now: datetime
    ) -> None:
        """Start over from the person: the next step pages them at once, whatever the policy's
        hours, and the policy carries on from its second step; pages not yet due are withdrawn."""
        group.assignee_id = person_id
        group.next_step_at = None
        withdraw_pages(session, group, now, f"reassigned to {person_id}")
        self.triggered_again(session, group, now)


def _others_triggered(session: Session, group: AlertGroup, joining: Sequence[int]) -> bool:
    found = session.scalar(_OTHER_TRIGGERED, {"group_id": group.id, "joining": joining})
    return found is not None


# Run for every batch of new alerts, so built once (building it costs more than running it):
# whether the group has alerts still triggered besides the ones joining it.
_OTHER_TRIGGERED = (
    select(Alert.id)
    .where(
        Alert.group_id == bindparam("group_id"),
        Alert.id.not_in(bindparam("joining", expanding=True)),
        Alert.status == TRIGGERED,
    )
    .limit(1)
)
