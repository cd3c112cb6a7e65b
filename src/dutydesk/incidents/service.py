"""Incidents: declaring them, their status and priority, their roles and participants, the
updates tenants are sent and the checks on the engineer. Every change is recorded in the
timeline (timeline.py) and the audit log, moves the cadence's reminders (reminders.py), and
queues what people are told in the same transaction.

`actor` is who did it, as the audit log names people ("alice", "cli", "slack:U01"); `now` the
time; `base_url` the service's address, for links in messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.escalation.policy import messages_by_rules
from dutydesk.incidents import cadence, document, document_edits, links, timeline
from dutydesk.incidents.models import (
    ACTIVE,
    ESCALATION,
    MITIGATED,
    OPEN_STATUSES,
    PRIORITIES,
    RESOLVED,
    REVIEWED,
    ROLE_NAMES,
    ROLES,
    SOURCES,
    STATUSES,
    TITLE_LENGTH,
    Incident,
    IncidentParticipant,
    IncidentRole,
)
from dutydesk.incidents.notices import announced, heading, incident_link, to_people
from dutydesk.incidents.policy import IncidentPolicy
from dutydesk.incidents.reminders import reschedule
from dutydesk.incidents.roles import RoleFill, fill_roles
from dutydesk.incidents.webhooks import DECLARED, RESOLVED_EVENT, STATUS_CHANGED, send_event
from dutydesk.notify.service import Outgoing, enqueue_many
from dutydesk.people.models import Person
from dutydesk.text import check_one_line, control_character, storable
from dutydesk.timeparse import local_text

# Incident numbers are PostgreSQL integers.
LARGEST_NUMBER = 2_147_483_647
UPDATE_LENGTH = 5_000
# people.id's length.
PERSON_ID_LENGTH = 64
# Where an incident may go from each status. Mitigated can slip back to active, a resolved
# incident can be reopened, and only holding its review makes it reviewed.
MOVES = {
    ACTIVE: (MITIGATED, RESOLVED),
    MITIGATED: (ACTIVE, RESOLVED),
    RESOLVED: (ACTIVE,),
    REVIEWED: (),
}


def get_incident(session: Session, incident_id: int, *, lock: bool = False) -> Incident:
    """The incident with this number, or NotFound."""
    if not 1 <= incident_id <= LARGEST_NUMBER:
        raise NotFound(f"no incident {incident_id}")
    incident = session.get(Incident, incident_id, with_for_update=lock or None)
    if incident is None:
        raise NotFound(f"no incident {incident_id}")
    return incident


def list_incidents(
    session: Session, *, statuses: Sequence[str] = OPEN_STATUSES, limit: int = 200
) -> Sequence[Incident]:
    """Incidents in `statuses`, the newest first."""
    for status in statuses:
        _check_status(status)
    return session.scalars(
        select(Incident)
        .where(Incident.status.in_(list(statuses)))
        .order_by(Incident.declared_at.desc(), Incident.id.desc())
        .limit(limit)
    ).all()


@dataclass(frozen=True)
class Declaration:
    """What declaring an incident takes: a title and priority, where it came from, and what
    it starts from (alerts, tickets)."""

    title: str
    priority: str
    source: str
    alert_ids: Sequence[int] = ()
    ticket_ids: Sequence[int] = ()
    # The incident lead chosen by whoever declares; None: the engineer on support.
    lead: str | None = None


def declare(
    session: Session,
    policy: IncidentPolicy,
    declaration: Declaration,
    *,
    actor: str,
    person_id: str | None,
    now: datetime,
    base_url: str,
) -> Incident:
    """A new active incident with its roles filled from the rotas at `now`, its document made
    from the template, its alerts and tickets linked; each role holder is told, and the
    incident's link is posted to the incident channel and mailed to the incident list."""
    title = _title(declaration.title)
    _check_priority(declaration.priority)
    if declaration.source not in SOURCES:
        raise Invalid(f"source: one of {', '.join(SOURCES)}")
    fills = fill_roles(session, policy, now, person_id)
    if declaration.lead is not None:
        _person(session, declaration.lead, "lead")
        fills[0] = RoleFill(fills[0].role, declaration.lead, f"chosen by {actor}")
    zone = policy.cadence.working.timezone
    holders = _names(session, [fill.person_id for fill in fills])
    text = document.template(
        title=title,
        priority=declaration.priority,
        declared_at_text=local_text(now, zone),
        declared_by=actor,
        roles=[
            (ROLE_NAMES[fill.role], holders.get(fill.person_id or "", "nobody yet"))
            for fill in fills
        ],
    )
    incident = Incident(
        title=title,
        priority=declaration.priority,
        status=ACTIVE,
        source=declaration.source,
        declared_at=now,
        declared_by=actor,
        updated_at=now,
        document=text,
        document_version=1,
        document_saved_at=now,
        document_saved_by=actor,
    )
    session.add(incident)
    session.flush()
    document_edits.keep_version(session, incident)
    timeline.automatic(
        session, incident, "declared", f"Declared {declaration.priority} by {actor}", now
    )
    messages: list[Outgoing] = []
    for fill in fills:
        messages += _give_role(session, incident, fill, actor, now, base_url, holders)
    if person_id is not None:
        join(session, incident, person_id, now=now)
    for alert_id in declaration.alert_ids:
        links.link_alert(session, incident, alert_id, actor=actor, now=now)
    for ticket_id in declaration.ticket_ids:
        links.link_ticket(session, incident, ticket_id, actor=actor, now=now)
    link = incident_link(base_url, incident.id)
    roles_text = "\n".join(
        f"{ROLE_NAMES[fill.role]}: {holders.get(fill.person_id or '', 'nobody yet')}"
        for fill in fills
    )
    messages += announced(
        policy.spec,
        subject=f"[Dutydesk] {heading(incident)} declared",
        text=f"{heading(incident)} declared by {actor}.\n{roles_text}\nDocument: {link}",
        key=f"incident-{incident.id}-declared",
        now=now,
    )
    enqueue_many(session, messages, now)
    reschedule(session, policy, incident, now)
    send_event(session, policy, incident, DECLARED, now)
    _audit(session, incident, actor, "incident.declare", f"declared {heading(incident)}", now)
    return incident


def set_status(
    session: Session,
    policy: IncidentPolicy,
    incident: Incident,
    status: str,
    *,
    actor: str,
    now: datetime,
    base_url: str,
) -> None:
    """Move the incident: active → mitigated → resolved (or back); resolving owes a review
    in 10 support days and answers the tenants of its linked tickets."""
    _check_status(status)
    if status == incident.status:
        raise Conflict(f"incident {incident.id} is {status} already")
    if status == REVIEWED:
        raise Invalid("status: an incident is reviewed by holding its review")
    if status not in MOVES[incident.status]:
        raise Conflict(f"incident {incident.id} is {incident.status}: it cannot become {status}")
    was = incident.status
    incident.status = status
    incident.updated_at = now
    if status == MITIGATED:
        incident.mitigated_at = now
    elif status == RESOLVED:
        incident.resolved_at = now
        incident.review_due_at = cadence.review_due(now, policy.cadence.working)
    elif status == ACTIVE:
        incident.resolved_at = incident.review_due_at = None
    timeline.automatic(
        session, incident, "status", f"Status {was} → {status} by {actor}", now, {"from": was}
    )
    if status == RESOLVED:
        links.answer_linked_tickets(session, policy, incident, actor=actor, now=now)
        send_event(session, policy, incident, RESOLVED_EVENT, now)
    else:
        send_event(session, policy, incident, STATUS_CHANGED, now)
    reschedule(session, policy, incident, now)
    link = incident_link(base_url, incident.id)
    enqueue_many(
        session,
        announced(
            policy.spec,
            subject=f"[Dutydesk] {heading(incident)} is {status}",
            text=f"{heading(incident)} is {status} ({actor}).\n{link}",
            key=f"incident-{incident.id}-status-{status}-{now.isoformat()}",
            now=now,
        ),
        now,
    )
    _audit(
        session, incident, actor, "incident.status", f"{heading(incident)}: {was} → {status}", now
    )


def set_priority(
    session: Session,
    policy: IncidentPolicy,
    incident: Incident,
    priority: str,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Change the priority: the cadence follows the new one's interval at once."""
    _check_priority(priority)
    _check_open(incident)
    if priority == incident.priority:
        raise Conflict(f"incident {incident.id} is {priority} already")
    was = incident.priority
    incident.priority = priority
    incident.updated_at = now
    timeline.automatic(
        session, incident, "priority", f"Priority {was} → {priority} by {actor}", now
    )
    reschedule(session, policy, incident, now)
    send_event(session, policy, incident, STATUS_CHANGED, now)
    _audit(session, incident, actor, "incident.priority", f"{heading(incident)}: was {was}", now)


def hand_over(
    session: Session,
    incident: Incident,
    role: str,
    person_id: str,
    *,
    actor: str,
    now: datetime,
    base_url: str,
) -> None:
    """Give a role to someone else: the holder's time in it ends now, the new one's starts, and
    they are told."""
    if role not in ROLES:
        raise Invalid(f"role: one of {', '.join(ROLES)}")
    _check_open(incident)
    _person(session, person_id, "person")
    current = holder(session, incident.id, role)
    if current is not None and current.person_id == person_id:
        raise Conflict(f"{person_id} is the {ROLE_NAMES[role].lower()} already")
    names = _names(session, [person_id])
    fill = RoleFill(role, person_id, f"handed over by {actor}")
    enqueue_many(session, _give_role(session, incident, fill, actor, now, base_url, names), now)
    incident.updated_at = now
    join(session, incident, person_id, now=now)


def holder(session: Session, incident_id: int, role: str) -> IncidentRole | None:
    """Who holds a role of the incident now (their row), or None."""
    return session.scalar(
        select(IncidentRole)
        .where(
            IncidentRole.incident_id == incident_id,
            IncidentRole.role == role,
            IncidentRole.ended_at.is_(None),
        )
        .order_by(IncidentRole.id.desc())
        .limit(1)
    )


def role_history(session: Session, incident_id: int) -> Sequence[IncidentRole]:
    """Every holding of every role of the incident, in the order they started."""
    return session.scalars(
        select(IncidentRole)
        .where(IncidentRole.incident_id == incident_id)
        .order_by(IncidentRole.started_at, IncidentRole.id)
    ).all()


def join(session: Session, incident: Incident, person_id: str, *, now: datetime) -> bool:
    """Add a participant; False when they had joined already."""
    _person(session, person_id, "person")
    if session.get(IncidentParticipant, (incident.id, person_id)) is not None:
        return False
    session.add(IncidentParticipant(incident_id=incident.id, person_id=person_id, joined_at=now))
    session.flush()
    return True


def participants(session: Session, incident_id: int) -> Sequence[IncidentParticipant]:
    return session.scalars(
        select(IncidentParticipant)
        .where(IncidentParticipant.incident_id == incident_id)
        .order_by(IncidentParticipant.joined_at, IncidentParticipant.person_id)
    ).all()


def call_escalation(
    session: Session, incident: Incident, *, actor: str, now: datetime, base_url: str
) -> Person:
    """Page the escalation contact by their notification rules: what the first-line
    responder does out of hours, in one action."""
    _check_open(incident)
    current = holder(session, incident.id, ESCALATION)
    if current is None or current.person_id is None:
        raise Conflict(
            f"incident {incident.id} has no escalation contact: give the role to someone first"
        )
    person = _person(session, current.person_id, "escalation")
    link = incident_link(base_url, incident.id)
    enqueue_many(
        session,
        messages_by_rules(
            person,
            subject=f"[Dutydesk] {actor} calls you in: {heading(incident)}",
            text=(
                f"{actor} needs the escalation contact on {heading(incident)}: decisions on"
                f" tenant communications and leadership backup.\n{link}"
            ),
            key=f"incident-{incident.id}-call-{now.isoformat()}",
            now=now,
        ),
        now,
    )
    timeline.automatic(
        session, incident, "role", f"{actor} called in the escalation contact, {person.name}", now
    )
    _audit(session, incident, actor, "incident.call", f"called in {person.name}", now)
    return person


def record_update(
    session: Session,
    policy: IncidentPolicy,
    incident: Incident,
    text: str,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Tenants were sent an update: it goes into the timeline and the update cadence starts
    again from now."""
    _check_open(incident)
    body = storable(text).strip()
    if not body:
        raise Invalid("update: say what tenants were told")
    if len(body) > UPDATE_LENGTH:
        raise Invalid(f"update: at most {UPDATE_LENGTH} characters")
    incident.last_update_at = now
    incident.updated_at = now
    timeline.automatic(session, incident, "update", f"Tenant update by {actor}: {body}", now)
    reschedule(session, policy, incident, now)


def answer_check(
    session: Session,
    policy: IncidentPolicy,
    incident: Incident,
    *,
    all_ok: bool,
    actor: str,
    now: datetime,
    base_url: str,
    note: str = "",
) -> None:
    """The comms lead checked on the engineer: all OK, or help is needed (the escalation
    contact and participants are told). Into the timeline; the next check is 30 minutes on."""
    _check_open(incident)
    said = " ".join(storable(note).split())[:500]
    answer = "all OK" if all_ok else "needs help"
    incident.last_check_at = now
    incident.updated_at = now
    timeline.automatic(
        session,
        incident,
        "check",
        f"Checked on the engineer ({actor}): {answer}" + (f". {said}" if said else ""),
        now,
        {"ok": all_ok},
    )
    reschedule(session, policy, incident, now)
    if not all_ok:
        helpers = [p for p in on_duty(session, incident.id) if p.id != actor]
        link = incident_link(base_url, incident.id)
        enqueue_many(
            session,
            to_people(
                helpers,
                subject=f"[Dutydesk] Help needed: {heading(incident)}",
                text=f"The engineer on {heading(incident)} needs help. {said}\n{link}",
                key=f"incident-{incident.id}-help-{now.isoformat()}",
                now=now,
            ),
            now,
        )


def on_duty(session: Session, incident_id: int) -> list[Person]:
    """The role holders now, then the participants: everyone the incident's prompts reach."""
    held = session.scalars(
        select(IncidentRole.person_id).where(
            IncidentRole.incident_id == incident_id,
            IncidentRole.ended_at.is_(None),
            IncidentRole.person_id.is_not(None),
        )
    ).all()
    joined = [p.person_id for p in participants(session, incident_id)]
    ids = list(dict.fromkeys([*held, *joined]))
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [people[i] for i in ids if i in people]


def _give_role(
    session: Session,
    incident: Incident,
    fill: RoleFill,
    actor: str,
    now: datetime,
    base_url: str,
    names: dict[str, str],
) -> list[Outgoing]:
    current = holder(session, incident.id, fill.role)
    if current is not None:
        current.ended_at = now
    session.add(
        IncidentRole(
            incident_id=incident.id,
            role=fill.role,
            person_id=fill.person_id,
            started_at=now,
            reason=fill.reason[:300],
        )
    )
    name = names.get(fill.person_id or "", "nobody")
    timeline.automatic(
        session,
        incident,
        "role",
        f"{ROLE_NAMES[fill.role]}: {name} ({fill.reason})",
        now,
        {"role": fill.role, "person": fill.person_id},
    )
    if fill.person_id is None:
        return []
    person = session.get(Person, fill.person_id)
    if person is None:
        return []
    link = incident_link(base_url, incident.id)
    return messages_by_rules(
        person,
        subject=f"[Dutydesk] You are the {ROLE_NAMES[fill.role].lower()}: {heading(incident)}",
        text=(
            f"You are the {ROLE_NAMES[fill.role].lower()} of {heading(incident)}"
            f" ({fill.reason}).\n{link}"
        ),
        key=f"incident-{incident.id}-role-{fill.role}-{now.isoformat()}",
        now=now,
        at_once=True,
    )


def _names(session: Session, person_ids: Sequence[str | None]) -> dict[str, str]:
    ids = [p for p in person_ids if p]
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def _person(session: Session, person_id: str, field: str) -> Person:
    # Not a person's id (too long, a control character): no query, which PostgreSQL would
    # refuse for a NUL.
    plausible = 0 < len(person_id) <= PERSON_ID_LENGTH and control_character(person_id) is None
    person = session.get(Person, person_id) if plausible else None
    if person is None:
        raise Invalid(f"{field}: there is no person {person_id!r} on the team")
    return person


def _title(text: str) -> str:
    try:
        title = check_one_line(text.strip())
    except ValueError as error:
        raise Invalid(f"title: {error}") from None
    if not title:
        raise Invalid("title: say in a few words what is wrong")
    if len(title) > TITLE_LENGTH:
        raise Invalid(f"title: at most {TITLE_LENGTH} characters")
    return title


def _check_priority(priority: str) -> None:
    if priority not in PRIORITIES:
        raise Invalid(f"priority: one of {', '.join(PRIORITIES)}")


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise Invalid(f"status: one of {', '.join(STATUSES)}")


def _check_open(incident: Incident) -> None:
    if incident.status not in OPEN_STATUSES:
        raise Conflict(f"incident {incident.id} is {incident.status}: reopen it first")


def _audit(
    session: Session, incident: Incident, actor: str, action: str, summary: str, now: datetime
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        rota_id=None,
        person_ids=[],
        summary=summary,
        details={"incident": incident.id},
        now=now,
        subject=f"incident:{incident.id}",
    )
