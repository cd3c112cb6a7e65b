"""The status page's worker cycle: what the page owes (`status_due` rows, reminders.py), the
daily rollover of the public snapshot, expired unconfirmed subscribers, and the static copy.

Each due row is claimed alone, FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite's one writer does
the same there), and acted on in the transaction that moves it on or drops it: a maintenance
window's notice, start or end (which queue their subscribers' messages in the outbox), or a
reminder to the comms lead. A worker killed at any point leaves the row and its messages
together or neither, and every message's key names what it is about, so nothing goes twice. A
row whose action fails is logged and tried again a few minutes later; the others go on. One
row a transaction keeps each short: a window's start may tell thousands of subscribers.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.escalation.policy import messages_by_rules
from dutydesk.incidents.models import COMMS
from dutydesk.incidents.policy import IncidentPolicy, incident_policy
from dutydesk.incidents.roles import fill_roles
from dutydesk.incidents.service import holder
from dutydesk.notify.service import enqueue_many
from dutydesk.people.models import Person
from dutydesk.runtime import Runtime
from dutydesk.statuspage import links, maintenance, reminders, snapshot, subscribers
from dutydesk.statuspage.models import (
    CLOSED_STATUSES,
    INCIDENT,
    MAINTENANCE_KIND,
    TROUBLED_STATES,
    StatusComponent,
    StatusDue,
    StatusIncident,
    StatusIncidentComponent,
    StatusSnapshot,
    StatusSubscriber,
)
from dutydesk.statuspage.site import Site
from dutydesk.team.service import find_team
from dutydesk.text import one_line
from dutydesk.timeparse import local_text, parse_zone

log = logging.getLogger(__name__)

# Rows one pass takes on, each in a transaction of its own.
BATCH = 100
# A row whose action failed is tried again this much later.
RETRY_AFTER = timedelta(minutes=5)
STATE_WORDS = {
    "degraded_performance": "degraded performance",
    "partial_outage": "a partial outage",
    "major_outage": "a major outage",
}


def statuspage_due(runtime: Runtime, worker_id: str) -> int:
    """One pass: act on what is due, roll the snapshot over to a new day, forget expired
    subscriptions, keep the static copy current; returns how many things it handled."""
    now = runtime.clock.now()
    site = Site.of(runtime)
    handled = 0
    while handled < BATCH and _one_due(runtime, site, now):
        handled += 1
    return handled + _upkeep(runtime, site, now)


def _one_due(runtime: Runtime, site: Site, now: datetime) -> bool:
    """Claim the next due row and act on it; False when none is due (or free to take)."""
    with unit_of_work(runtime.sessions) as session:
        row = session.scalar(
            select(StatusDue)
            .where(StatusDue.due_at <= now)
            .order_by(StatusDue.due_at, StatusDue.key)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return False
        key, kind, subject_id, due_at = row.key, row.kind, row.subject_id, row.due_at
        try:
            _act(session, kind, subject_id, due_at, now=now, site=site)
            _settle(session, key, now)
            session.commit()
            return True
        except Exception:
            # One broken row must not hold up the others (they come after it), nor be tried
            # on every pass: what it did is rolled back as the session closes, and it is
            # tried again a few minutes later.
            log.exception("status page: %s failed; trying again in %s", key, RETRY_AFTER)
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            update(StatusDue)
            .where(StatusDue.key == key, StatusDue.due_at == due_at)
            .values(due_at=now + RETRY_AFTER)
        )
        session.commit()
    return True


def _settle(session: Session, key: str, now: datetime) -> None:
    """A row its action left due (a step that was taken already, a subject gone) is done."""
    row = session.get(StatusDue, key)
    if row is not None and row.due_at <= now:
        session.delete(row)
        session.flush()


def _act(
    session: Session, kind: str, subject_id: str, due_at: datetime, *, now: datetime, site: Site
) -> None:
    if kind in (reminders.NOTICE, reminders.START, reminders.END):
        window = session.get(StatusIncident, subject_id, with_for_update=True)
        if window is None or window.kind != MAINTENANCE_KIND:
            return
        if kind == reminders.NOTICE:
            # A notice that falls due only once the window has started (a worker was down) is
            # no notice: the start's update tells subscribers instead.
            if window.scheduled_for is not None and now < window.scheduled_for:
                maintenance.notice(session, window, now=now, site=site)
        elif kind == reminders.START:
            maintenance.start(session, window, now=now, site=site)
        else:
            maintenance.complete(session, window, now=now, site=site)
        return
    if find_team(session) is None:
        return
    if kind == reminders.TROUBLED:
        component = session.get(StatusComponent, subject_id, with_for_update=True)
        if component is not None:
            _remind_troubled(session, component, due_at, now=now, site=site)
    elif kind == reminders.NO_UPDATE:
        status_incident = session.get(StatusIncident, subject_id, with_for_update=True)
        if status_incident is not None:
            _remind_no_update(session, status_incident, due_at, now=now, site=site)


def _remind_troubled(
    session: Session, component: StatusComponent, due_at: datetime, *, now: datetime, site: Site
) -> None:
    """Tell the comms lead how long the component has been troubled, then owe the next."""
    if component.status in TROUBLED_STATES:
        policy = incident_policy(session)
        zone = policy.cadence.working.timezone
        hours = reminders.hours_troubled(component, now)
        # The step this row stands for (3, 6, 12 or 24 hours), whenever the worker gets to it.
        step = round((due_at - component.status_since) / timedelta(hours=1))
        state = STATE_WORDS.get(component.status, component.status.replace("_", " "))
        since = local_text(component.status_since, zone)
        person = _comms_for_component(session, policy, component.id, now)
        if person is not None:
            messages = messages_by_rules(
                person,
                subject=one_line(
                    f"[Dutydesk] Status page: {component.name} has had {state} for {hours} hours"
                ),
                text=(
                    f"{component.name} has shown {state} on the status page since {since}"
                    f" ({hours} hours). Post an update to tenants, or set it operational if it"
                    f" has recovered: {_team_page(site)}"
                ),
                key=(
                    f"status-troubled-{component.id}-{step}h-{component.status_since.isoformat()}"
                ),
                now=now,
                at_once=True,
            )
            enqueue_many(session, messages, now)
    reminders.troubled(session, component, now)


def _remind_no_update(
    session: Session,
    status_incident: StatusIncident,
    due_at: datetime,
    *,
    now: datetime,
    site: Site,
) -> None:
    """Tell the comms lead an incident of the page's own is owed an update, then owe the next."""
    owed = (
        status_incident.kind == INCIDENT
        and status_incident.incident_id is None
        and status_incident.status not in CLOSED_STATUSES
    )
    if owed:
        policy = incident_policy(session)
        zone = policy.cadence.working.timezone
        priority = reminders.priority_of(status_incident)
        every = policy.cadence.update_every.get(priority)
        cadence = f", {every.text()} cadence" if every is not None else ""
        person = _comms_on_call(session, policy, now)
        if person is not None:
            messages = messages_by_rules(
                person,
                subject=one_line(
                    f"[Dutydesk] Status page: {status_incident.name}: tenants are owed an"
                    f" update ({priority}{cadence})"
                )[:450],
                text=(
                    f"{status_incident.name} has had no update on the status page since"
                    f" {local_text(status_incident.last_update_at, zone)}; its"
                    f" {status_incident.impact} impact makes it {priority}. Post an update:"
                    f" {_team_page(site)}"
                ),
                key=f"status-no-update-{status_incident.id}-{due_at.isoformat()}",
                now=now,
                at_once=True,
            )
            enqueue_many(session, messages, now)
    reminders.no_update(session, status_incident, now)


def _team_page(site: Site) -> str:
    return f"{site.base_url.rstrip('/')}/status-page"


def _comms_for_component(
    session: Session, policy: IncidentPolicy, component_id: str, now: datetime
) -> Person | None:
    """The comms lead of the newest open incident of the team shown on the status page with
    the component; else whoever the rotas make comms lead now."""
    incident_id = session.scalar(
        select(StatusIncident.incident_id)
        .join(
            StatusIncidentComponent,
            StatusIncidentComponent.status_incident_id == StatusIncident.id,
        )
        .where(
            StatusIncidentComponent.component_id == component_id,
            StatusIncident.kind == INCIDENT,
            StatusIncident.status.not_in(CLOSED_STATUSES),
            StatusIncident.incident_id.is_not(None),
        )
        .order_by(StatusIncident.created_at.desc(), StatusIncident.id)
        .limit(1)
    )
    if incident_id is not None:
        role = holder(session, incident_id, COMMS)
        if role is not None and role.person_id is not None:
            return session.get(Person, role.person_id)
    return _comms_on_call(session, policy, now)


def _comms_on_call(session: Session, policy: IncidentPolicy, now: datetime) -> Person | None:
    """Whoever the comms rota has on call now; outside its hours, the escalation rota's."""
    fill = next(f for f in fill_roles(session, policy, now, None) if f.role == COMMS)
    return session.get(Person, fill.person_id) if fill.person_id is not None else None


def _upkeep(runtime: Runtime, site: Site, now: datetime) -> int:
    """The snapshot's rollover, expired subscriptions and the static copy, each looked at with
    one cheap read and written only when there is something to do."""
    with unit_of_work(runtime.read_sessions) as session:
        team = find_team(session)
        if team is None:
            return 0
        zone = parse_zone(team.timezone)
        built_at = session.scalar(
            select(StatusSnapshot.built_at).where(StatusSnapshot.id == snapshot.SNAPSHOT_ID)
        )
        # Unconfirmed subscriptions are few (found by the index on confirmed_at); one expired
        # is enough to know there is something to forget.
        expired = session.scalar(
            select(StatusSubscriber.id)
            .where(
                StatusSubscriber.confirmed_at.is_(None),
                StatusSubscriber.created_at < now - links.CONFIRM_LIFETIME,
            )
            .limit(1)
        )
    handled = 0
    if built_at is None or _day(built_at, zone) < _day(now, zone):
        handled += _roll_over(runtime, now, zone)
    if expired is not None:
        handled += _forget_expired(runtime, now)
    export_dir = runtime.settings.status_export_dir
    if export_dir:
        handled += _export(runtime, site, Path(export_dir))
    return handled


def _day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _roll_over(runtime: Runtime, now: datetime, zone: ZoneInfo) -> int:
    """Rebuild the snapshot on a new day in the team's zone, whose uptime bars end on the day
    before (or build the first): 1 when this worker did, 0 when another had."""
    with unit_of_work(runtime.sessions) as session:
        row = session.get(StatusSnapshot, snapshot.SNAPSHOT_ID, with_for_update=True)
        if row is not None and _day(row.built_at, zone) >= _day(now, zone):
            return 0
        # Stored as the transaction commits, and handed to this process's public site then.
        snapshot.mark_changed(session, now)
        session.commit()
    return 1


def _forget_expired(runtime: Runtime, now: datetime) -> int:
    with unit_of_work(runtime.sessions) as session:
        forgotten = subscribers.forget_unconfirmed(session, now)
        session.commit()
    if forgotten:
        log.info("status page: forgot %d unconfirmed subscription(s)", forgotten)
    return forgotten


def _export(runtime: Runtime, site: Site, directory: Path) -> int:
    """Write the static copy when the stored snapshot is newer than the one written: 1 when it
    was written. The files are swapped in one by one (os.replace), and `.version` last."""
    # Imported here: rendering loads the page templates, which only an export needs.
    from dutydesk.statuspage.export import write_site, written_version

    with unit_of_work(runtime.read_sessions) as session:
        version = snapshot.stored_version(session)
        if version is None or version == written_version(directory):
            return 0
        found = snapshot.stored(session)
    if found is None:
        return 0
    version, page = found
    write_site(page, directory, public_url=site.public_url, version=version)
    return 1
