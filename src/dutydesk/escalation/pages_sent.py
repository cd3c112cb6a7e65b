"""The pages sent in a period, as the reports count them: a page is an escalation step reaching
a person, however many channels carried it, at the time the step paged (`queued_at`: a
notification rule's delay makes a later `due_at` for its channel, not a later page).

The fairness report counts the pages each person had (`pages_to_people`); the support-week
handover counts each step once and lists who it reached (`steps_paged`). Both read the period
through the `group_pages.queued_at` index, grouped in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import AlertGroup
from dutydesk.escalation.models import GroupPage

# A step of a group's escalation: (group id, run, loop, step).
StepKey = tuple[int, int, int, int]


class PagedPerson(NamedTuple):
    """A step reaching one person (None: only channels, such as a Slack channel or a list).
    A named tuple: a year holds tens of thousands, made faster than dataclasses."""

    step: StepKey
    person_id: str | None
    at: datetime


@dataclass(frozen=True)
class StepPaged:
    """One escalation step that paged: when, for which service, and the people it reached
    (none when it reached only channels)."""

    at: datetime
    group_id: int
    service_id: str
    people: tuple[str, ...]


def pages_to_people(session: Session, start: datetime, end: datetime) -> list[PagedPerson]:
    """Each step that paged in [start, end) once per person it reached, in no order (a year of
    them is a lot to sort for a sum)."""
    rows = session.execute(
        select(
            GroupPage.group_id,
            GroupPage.run,
            GroupPage.loop_index,
            GroupPage.step_index,
            GroupPage.person_id,
            func.min(GroupPage.queued_at).label("at"),
        )
        .where(GroupPage.queued_at >= start, GroupPage.queued_at < end)
        .group_by(
            GroupPage.group_id,
            GroupPage.run,
            GroupPage.loop_index,
            GroupPage.step_index,
            GroupPage.person_id,
        )
    )
    return [
        PagedPerson((group_id, run, loop, step), person_id, at)
        for group_id, run, loop, step, person_id, at in rows
    ]


def steps_paged(session: Session, start: datetime, end: datetime) -> list[StepPaged]:
    """The steps that paged in [start, end), oldest first, each with the people it reached."""
    steps: dict[StepKey, tuple[datetime, list[str]]] = {}
    for reached in pages_to_people(session, start, end):
        people = steps.setdefault(reached.step, (reached.at, []))[1]
        if reached.person_id is not None:
            people.append(reached.person_id)
    group_ids = {key[0] for key in steps}
    services = dict(
        session.execute(
            select(AlertGroup.id, AlertGroup.service_id).where(AlertGroup.id.in_(group_ids))
        ).all()
    )
    paged = [
        StepPaged(at, key[0], services[key[0]], tuple(people))
        for key, (at, people) in steps.items()
    ]
    return sorted(paged, key=lambda step: (step.at, step.group_id))
