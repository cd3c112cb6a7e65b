"""Telling the engineer on support that a job turned red, by their notification rules, in the
transaction that records it.

The engineer on support is whoever `support: rota` has on call now (tickets' support policy).
With no team, no support rota, or nobody on it now (outside its hours), nobody is told: the
builds page and the dashboard still show the red job.

The text goes out as plain text: the outbox's Slack channel escapes Slack's control characters
and mail is text/plain, and the names in it were checked to be one line each at intake, so a
pipeline named `<!channel>` mentions nobody and no name becomes a mail header.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from dutydesk.builds.models import RedSpell
from dutydesk.builds.results import BuildReport
from dutydesk.escalation.policy import messages_by_rules
from dutydesk.notify.service import enqueue_many
from dutydesk.people.models import Person
from dutydesk.team.service import find_team
from dutydesk.tickets.support import engineer_on_support, support_policy


def red_key(result: BuildReport) -> str:
    """The outbox key of the notice of the failure that turned a job red: the same for a
    retried transaction, so it is never queued twice."""
    identity = "\x1f".join(
        (result.source, result.pipeline, result.job, result.build_id, str(result.attempt))
    )
    return "build-red-" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def tell_support(
    session: Session, spell: RedSpell, result: BuildReport, *, now: datetime, base_url: str
) -> str | None:
    """Queue the notice to the engineer on support now; returns their id, None if nobody."""
    if find_team(session) is None:
        return None
    person_id = engineer_on_support(session, support_policy(session), now)
    person = session.get(Person, person_id) if person_id is not None else None
    if person is None:
        return None
    name = f"{spell.source} {spell.pipeline}/{spell.job}"
    at = f" at {result.sha[:12]}" if result.sha else ""
    link = f"{base_url.rstrip('/')}/builds"
    lines = [
        f"{name} {result.status} on {spell.branch}{at}: the build is red.",
        f'Claim it ("fixing the build") on {link} or with `dutydesk build claim {spell.id}`.',
    ]
    if result.url:
        lines.append(f"The build: {result.url}")
    enqueue_many(
        session,
        messages_by_rules(
            person,
            subject=f"[Dutydesk] The build is red: {name}",
            text="\n".join(lines),
            key=red_key(result),
            now=now,
            at_once=True,
        ),
        now,
    )
    return person.id
