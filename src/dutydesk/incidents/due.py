"""The incidents worker cycle: send the reminders an incident's cadence owes (cadence.py).

Due reminder rows are claimed with FOR UPDATE SKIP LOCKED, so several workers on PostgreSQL
never take the same one; the messages are queued in the outbox (keys naming the incident, the
kind and the due time) and the row moves to its next due time in the same transaction, so a
worker killed at any point leaves both or neither: each reminder goes out once. A worker that
was down sends one reminder of each kind that fell due meanwhile, not one for every interval.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.escalation.policy import messages_by_rules
from dutydesk.incidents import cadence, timeline
from dutydesk.incidents.models import COMMS, LEAD, Incident, IncidentReminder
from dutydesk.incidents.notices import heading, incident_link, to_people
from dutydesk.incidents.policy import IncidentPolicy, incident_policy
from dutydesk.incidents.reminders import state_of
from dutydesk.incidents.service import holder, on_duty
from dutydesk.notify.service import Outgoing, enqueue_many
from dutydesk.people.models import Person
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.timeparse import duration_text, local_text

BATCH = 200


def incidents_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: send the reminders that are due; returns how many it handled."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        due = _claim(session, now)
        if not due or find_team(session) is None:
            return 0
        policy = incident_policy(session)
        messages: list[Outgoing] = []
        for row in due:
            incident = session.get(Incident, row.incident_id)
            if incident is None:
                continue
            reminder = Reminder(
                session, policy, incident, row.due_at, now, runtime.settings.base_url
            )
            messages += reminder.send(row.kind)
            following = cadence.next_due(
                row.kind, state_of(incident), policy.cadence, max(row.due_at, now)
            )
            if following is None:
                session.execute(
                    delete(IncidentReminder).where(
                        IncidentReminder.incident_id == row.incident_id,
                        IncidentReminder.kind == row.kind,
                    )
                )
            else:
                row.due_at = following
        enqueue_many(session, messages, now)
        session.commit()
    return len(due)


def _claim(session: Session, now: datetime) -> list[IncidentReminder]:
    return list(
        session.scalars(
            select(IncidentReminder)
            .where(IncidentReminder.due_at <= now)
            .order_by(IncidentReminder.due_at, IncidentReminder.incident_id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )


class Reminder:
    """One due reminder of an incident, as the messages it sends."""

    def __init__(
        self,
        session: Session,
        policy: IncidentPolicy,
        incident: Incident,
        due_at: datetime,
        now: datetime,
        base_url: str,
    ) -> None:
        self.session, self.policy, self.incident = session, policy, incident
        self.due_at, self.now = due_at, now
        self.link = incident_link(base_url, incident.id)
        self.zone = policy.cadence.working.timezone
        self.key = f"incident-{incident.id}-{{kind}}-{due_at.isoformat()}"

    def send(self, kind: str) -> list[Outgoing]:
        if kind == cadence.UPDATE:
            return self._update()
        if kind == cadence.CHECK:
            return self._check()
        if kind == cadence.BOUNDARY:
            return self._boundary()
        if kind == cadence.PAUSE:
            return self._pause("6 hours into out-of-hours work", cadence.PAUSE)
        if kind == cadence.REVIEW:
            return self._review()
        return []

    def _update(self) -> list[Outgoing]:
        incident = self.incident
        every = self.policy.cadence.update_every[incident.priority]
        since = incident.last_update_at or incident.declared_at
        last = (
            f"the last went out {local_text(incident.last_update_at, self.zone)}"
            if incident.last_update_at
            else f"none has gone out since it was declared {local_text(since, self.zone)}"
        )
        return self._to_comms(
            cadence.UPDATE,
            f"tenants are owed an update ({every.text()} cadence)",
            f"Tenants of {heading(incident)} are owed an update: {last}.\n"
            f"Send it, and record it on the incident: {self.link}#update",
        )

    def _check(self) -> list[Outgoing]:
        since = self.incident.last_check_at or self.incident.declared_at
        return self._to_comms(
            cadence.CHECK,
            "check on the engineer",
            f"Check on the engineer working {heading(self.incident)}: are they OK, what help do"
            f" they need? {duration_text(self.now - since)} since the last check.\n"
            f"Answer in one click: {self.link}#check",
        )

    def _boundary(self) -> list[Outgoing]:
        starts = self.policy.cadence.working.is_open(self.due_at)
        if starts:
            messages = self._to_comms(
                cadence.BOUNDARY,
                "the working day starts: post an update",
                f"The working day starts with {heading(self.incident)} still"
                f" {self.incident.status}: post an update to tenants.\n{self.link}#update",
            )
            return messages + to_people(
                on_duty(self.session, self.incident.id),
                subject=f"[Dutydesk] Continue: {heading(self.incident)}",
                text=(
                    f"{heading(self.incident)} continues this morning: pick up from its"
                    f" document and timeline.\n{self.link}"
                ),
                key=self.key.format(kind="continue"),
                now=self.now,
            )
        messages = self._to_comms(
            cadence.BOUNDARY,
            "the working day ends: post an update",
            f"The working day ends with {heading(self.incident)} still {self.incident.status}:"
            f" post an update to tenants.\n{self.link}#update",
        )
        return messages + self._pause("The working day ends", "end")

    def _pause(self, why: str, kind: str) -> list[Outgoing]:
        working = self.policy.cadence.working
        resumes = working.next_open_at(self.due_at)
        resumes_text = local_text(resumes, self.zone) if resumes else "the next working day"
        timeline.automatic(
            self.session,
            self.incident,
            "pause",
            f"{why}: everyone prompted to pause and document; it continues {resumes_text}",
            self.due_at,
            {"continue_at": resumes.isoformat() if resumes else None},
        )
        return to_people(
            on_duty(self.session, self.incident.id),
            subject=f"[Dutydesk] Pause and document: {heading(self.incident)}",
            text=(
                f"{why}. Pause and write down where {heading(self.incident)} stands: the"
                f" detailed status, what is next, and the TODO list, so the work can continue"
                f" {resumes_text}.\n{self.link}"
            ),
            key=self.key.format(kind=f"pause-{kind}"),
            now=self.now,
        )

    def _review(self) -> list[Outgoing]:
        lead = self._holder(LEAD)
        if lead is None or self.incident.review_due_at is None:
            return []
        due = local_text(self.incident.review_due_at, self.zone)
        return messages_by_rules(
            lead,
            subject=f"[Dutydesk] Review due {due}: {heading(self.incident)}",
            text=(
                f"The review of {heading(self.incident)} is due {due}. Hold it and record it:"
                f" {self.link}/review"
            ),
            key=self.key.format(kind=cadence.REVIEW),
            now=self.now,
            at_once=True,
        )

    def _to_comms(self, kind: str, what: str, text: str) -> list[Outgoing]:
        """To the comms lead (the incident lead while there is none)."""
        person = self._holder(COMMS) or self._holder(LEAD)
        if person is None:
            return []
        return messages_by_rules(
            person,
            subject=f"[Dutydesk] {heading(self.incident)}: {what}",
            text=text,
            key=self.key.format(kind=kind),
            now=self.now,
            at_once=True,
        )

    def _holder(self, role: str) -> Person | None:
        row = holder(self.session, self.incident.id, role)
        if row is None or row.person_id is None:
            return None
        return self.session.get(Person, row.person_id)
