"""What the alert API and `dutydesk alert` show of one alert: its log and its group's pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.alerts.schemas import AlertLogRead, AlertRead, alert_read, log_read
from dutydesk.alerts.service import AlertView
from dutydesk.escalation.models import GroupPage


class PageRead(BaseModel):
    """A page sent (or to be sent) for the alert's group."""

    queued_at: datetime
    due_at: datetime
    step: int = Field(description="The policy's step, from 1.")
    repeat: int = Field(description="0 on the policy's first run through its steps.")
    policy: str | None
    person: str | None = Field(description="The person paged; null for a channel.")
    via: str = Field(examples=["email"], description="email, slack or webhook")
    message_id: int | None = Field(description="The outbox message: GET /api/v1/deliveries.")


class AlertDetail(AlertRead):
    """An alert with its log, oldest entry first, and its group's pages."""

    log: list[AlertLogRead]
    pages: list[PageRead]


def alert_detail(view: AlertView, pages: Sequence[GroupPage], zone: ZoneInfo) -> AlertDetail:
    """An alert, its log and its group's pages, with times in the team's zone."""
    return AlertDetail(
        **alert_read(view.alert, zone).model_dump(),
        log=[log_read(entry, zone) for entry in view.log],
        pages=[
            PageRead(
                queued_at=page.queued_at.astimezone(zone),
                due_at=page.due_at.astimezone(zone),
                step=page.step_index + 1,
                repeat=page.loop_index,
                policy=page.policy_id,
                person=page.person_id,
                via=page.via,
                message_id=page.outbox_message_id,
            )
            for page in pages
        ],
    )
