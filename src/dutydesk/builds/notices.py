"""Telling the engineer on support that a job turned red, by their notification rules, in the
transaction that records it, or later (`tell_late`, the worker's due.py) when nobody was on
support then.

The engineer on support is whoever `support: rota` has on call now (tickets' support policy).
With no team, no support rota, or nobody on it now (outside its hours), nobody is told at once:
the builds page and the dashboard still show the red job, and the engineer who next comes on
support is told by the worker.

The text goes out as plain text: the outbox's Slack channel escapes Slack's control characters
and mail is text/plain, and the names in it were checked to be one line each at intake, so a
pipeline named `<!channel>` mentions nobody and no name becomes a mail header.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.builds.models import RedSpell
from dutydesk.builds.results import BuildReport
from dutydesk.escalation.policy import messages_by_rules
from dutydesk.notify.service import enqueue_many
from dutydesk.people.models import Person
from dutydesk.team.service import find_team
from dutydesk.tickets.support import engineer_on_support, support_policy
from dutydesk.timeparse import local_text


def red_key(result: BuildReport) -> str:
    """The outbox key of the notice of the failure that turned a job red: the same for a
    retried transaction, so it is never queued twice."""
    identity = "\x1f".join(
        (result.source, result.pipeline, result.job, result.build_id, str(result.attempt))
    )
    return "build-red-" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def _name(spell: RedSpell) -> str:
    return f"{spell.source} {spell.pipeline}/{spell.job}"


def late_key(spell: RedSpell) -> str:
    """The outbox key of the notice of a spell nobody was told of when it turned red, told to
    the engineer who next came on support: made from the spell's identity (its job and first
    failure), so a retried worker pass never queues it twice."""
    identity = "\x1f".join(
        (spell.source, spell.pipeline, spell.job, spell.started_at.isoformat(), str(spell.id))
    )
    return "build-red-late-" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def support_person(session: Session, now: datetime) -> Person | None:
    """The engineer on support now; None with no team, no support rota, or nobody on it."""
    if find_team(session) is None:
        return None
    person_id = engineer_on_support(session, support_policy(session), now)
    return session.get(Person, person_id) if person_id is not None else None


def tell_support(
    session: Session, spell: RedSpell, result: BuildReport, *, now: datetime, base_url: str
) -> str | None:
    """Queue the notice to the engineer on support now; returns their id, None if nobody."""
    person = support_person(session, now)
    if person is None:
        return None
    at = f" at {result.sha[:12]}" if result.sha else ""
    first = f"{_name(spell)} {result.status} on {spell.branch}{at}: the build is red."
    _tell(session, person, spell, first, result.url, red_key(result), now=now, base_url=base_url)
    return person.id


def tell_late(
    session: Session,
    spell: RedSpell,
    person: Person,
    *,
    zone: ZoneInfo,
    now: datetime,
    base_url: str,
) -> None:
    """Queue the notice of a spell that turned red while nobody was on support to `person`,
    the engineer on support now: the same notice, saying since when it has been red."""
    at = f", first at {spell.first_failing_sha[:12]}" if spell.first_failing_sha else ""
    failures = f"{spell.failures} failure{'s' if spell.failures != 1 else ''}"
    first = (
        f"{_name(spell)} has been red on {spell.branch} since"
        f" {local_text(spell.started_at, zone)} ({failures}{at}): the build is red."
        " Nobody was on support when it turned red."
    )
    key = late_key(spell)
    _tell(session, person, spell, first, spell.first_failing_url, key, now=now, base_url=base_url)


def _tell(
    session: Session,
    person: Person,
    spell: RedSpell,
    first: str,
    url: str | None,
    key: str,
    *,
    now: datetime,
    base_url: str,
) -> None:
    link = f"{base_url.rstrip('/')}/builds"
    lines = [
        first,
        f'Claim it ("fixing the build") on {link} or with `dutydesk build claim {spell.id}`.',
    ]
    if url:
        lines.append(f"The build: {url}")
    enqueue_many(
        session,
        messages_by_rules(
            person,
            subject=f"[Dutydesk] The build is red: {_name(spell)}",
            text="\n".join(lines),
            key=key,
            now=now,
            at_once=True,
        ),
        now,
    )
