"""The escalation worker cycle: re-trigger what was acknowledged too long ago, fire due steps.

Both read nothing but rows: alerts whose `retrigger_at` has passed, and groups whose
`next_step_at` has. They are claimed with FOR UPDATE SKIP LOCKED (SQLite's write lock does the
same there), and the step's pages are queued in the transaction that moves the group on, so a
worker killed mid-cycle leaves the step due for the next one, and no step is fired twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import AlertGroup
from dutydesk.alerts.service import retrigger_due
from dutydesk.db import unit_of_work
from dutydesk.escalation.paging import PagingContext, fire_due_step
from dutydesk.escalation.service import load_policies
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.timeparse import parse_zone

BATCH = 100


def escalate_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: re-trigger and fire what is due now; returns how many alerts and steps."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        # Alerts are triggered again by their own rules, which announce it (and so page).
        handled = retrigger_due(session, now, limit=BATCH)
        groups = _claim_due_groups(session, now)
        if groups:
            team = find_team(session)
            context = PagingContext(
                base_url=runtime.settings.base_url,
                secret_key=runtime.secret_key(),
                zone=parse_zone(team.timezone if team is not None else "UTC"),
                policies=load_policies(session),
            )
            for group in groups:
                fire_due_step(session, group, context, now)
        session.commit()
    return handled + len(groups)


def _claim_due_groups(session: Session, now: datetime) -> list[AlertGroup]:
    return list(
        session.scalars(
            select(AlertGroup)
            .where(AlertGroup.next_step_at <= now)
            .order_by(AlertGroup.next_step_at, AlertGroup.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True, key_share=True)
        )
    )
