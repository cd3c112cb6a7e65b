"""The worker cycle that announces handoffs and reminds people of their next turn.

Each rota has a cursor row: every handoff before it has been announced. A cycle claims the
cursors (skipping any another worker holds), queues the messages for what changed since, and
moves the cursors to now, all in one transaction. Messages go through the outbox, so a worker
killed mid-cycle leaves nothing half-done: either the cursor moved and the messages are queued,
or neither.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dutydesk.announcements.destinations import AnnouncedRota, announced_rotas
from dutydesk.announcements.handoffs import (
    RESUMING_WITHIN,
    Handoff,
    handoffs,
    previous_working_day,
    turns,
)
from dutydesk.announcements.models import HandoffCursor
from dutydesk.announcements.notices import Announcer
from dutydesk.db import unit_of_work
from dutydesk.oncall.service import overrides_between
from dutydesk.overrides.models import Override
from dutydesk.people.models import Person
from dutydesk.rotas.oncall import OnCallNow, OverridePlan, RotaPlan, on_call_at, schedule
from dutydesk.runtime import Runtime
from dutydesk.team.holidays import team_calendar
from dutydesk.team.models import Team
from dutydesk.team.service import find_team
from dutydesk.timeparse import parse_zone

log = logging.getLogger(__name__)
# How far ahead to look for turns to remind people of: past the longest gap between a turn's
# start and the working day before it (a long weekend plus holidays).
REMINDER_HORIZON = timedelta(days=8)
# Overrides this far ahead can shape "until when" in an announcement (as in `who`).
LOOK_AHEAD = timedelta(days=400)
# Just past "now", so a handoff exactly now is announced now.
_TICK = timedelta(microseconds=1)


def announce_due(runtime: Runtime, worker_id: str) -> int:
    """Queue handoff announcements and turn reminders that are due; returns how many handoffs."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        team = find_team(session)
        if team is None:
            return 0
        rotas = announced_rotas(session, team)
        if not rotas:
            return 0
        people = {p.id: p for p in session.scalars(select(Person))}
        announcer = Announcer(session, parse_zone(team.timezone), people, now)
        count, claimed = _announce_handoffs(session, team, rotas, announcer, now)
        # Only rotas whose cursor this worker holds: another worker does the rest.
        _queue_reminders(session, team, [r for r in rotas if r.rota.id in claimed], announcer, now)
        try:
            session.commit()
        except IntegrityError:
            # Another worker created the same new cursor first; its cycle does the work.
            log.info("worker %s: handoff cursors were created by another worker", worker_id)
            return 0
        return count


def _announce_handoffs(
    session: Session,
    team: Team,
    rotas: Sequence[AnnouncedRota],
    announcer: Announcer,
    now: datetime,
) -> tuple[int, set[str]]:
    """Announce the latest handoff of each rota since its cursor; returns how many rotas had
    one, and the ids of the rotas whose cursors this worker claimed."""
    ids = [r.rota.id for r in rotas]
    cursors = {
        c.rota_id: c
        for c in session.scalars(
            select(HandoffCursor)
            .where(HandoffCursor.rota_id.in_(ids))
            .with_for_update(skip_locked=True)
        )
    }
    existing = set(
        session.scalars(select(HandoffCursor.rota_id).where(HandoffCursor.rota_id.in_(ids)))
    )
    # A cursor that exists but was not claimed is being worked on by another worker.
    held_elsewhere = existing - set(cursors)
    earliest = min((c.announced_until for c in cursors.values()), default=now)
    overrides = overrides_between(session, ids, earliest, now + LOOK_AHEAD)
    changed: set[str] = set()
    now_on: dict[str, OnCallNow] = {}
    for item in rotas:
        rota_id = item.rota.id
        if rota_id in held_elsewhere:
            continue
        cursor = cursors.get(rota_id)
        current = on_call_at(item.rota.plan, overrides[rota_id], now)
        now_on[rota_id] = current
        if cursor is None:
            # First sight of this rota: announce from now on, not its history.
            session.add(
                HandoffCursor(rota_id=rota_id, announced_until=now, person_id=current.person)
            )
            continue
        if cursor.announced_until >= now:
            continue
        segments = schedule(item.rota.plan, overrides[rota_id], cursor.announced_until, now + _TICK)
        found = handoffs(segments, cursor.announced_until, now, cursor.person_id)
        if found:
            # After an outage only the latest change is news; the earlier ones are history.
            changed.add(rota_id)
            change = found[-1]
            starts, ends = _turn_edges(item.rota.plan, overrides[rota_id], change)
            announcer.handoff(
                item.rota, item.announce, change, current, turn_starts=starts, turn_ends=ends
            )
        cursor.announced_until = now
        cursor.person_id = current.person
    if changed:
        announcer.refresh_channels([r for r in rotas if r.rota.id in now_on], now_on, changed)
    return len(changed), set(cursors)


def _queue_reminders(
    session: Session,
    team: Team,
    rotas: Sequence[AnnouncedRota],
    announcer: Announcer,
    now: datetime,
) -> None:
    """Remind each person the working day before their turn starts, at the turn's local time.

    Every pass looks at the turns ahead, not only at reminders falling due since the last pass,
    so a turn arranged late (a swap accepted after its reminder time) is still reminded of; the
    idempotency key makes the repeats free of effect.
    """
    calendar = team_calendar(team)
    zone = parse_zone(team.timezone)
    reminding = [r for r in rotas if r.announce.remind_before]
    if not reminding:
        return
    ids = [r.rota.id for r in reminding]
    overrides = overrides_between(session, ids, now - LOOK_AHEAD, now + LOOK_AHEAD)
    # Break cover is not a turn to be reminded of: it was arranged by the person covering.
    covers = set(
        session.execute(
            select(Override.rota_id, Override.person_id, Override.start_at).where(
                Override.kind == "cover", Override.rota_id.in_(ids), Override.end_at > now
            )
        ).all()
    )
    for item in reminding:
        rota_id = item.rota.id
        # Look back too, so someone resuming after break cover is not taken for a new turn.
        since = now - RESUMING_WITHIN
        before = _last_person(item.rota.plan, overrides[rota_id], since)
        segments = schedule(item.rota.plan, overrides[rota_id], since, now + REMINDER_HORIZON)
        for turn in turns(segments, before):
            if (rota_id, turn.person, turn.start) in covers:
                continue
            if turn.start > now and _reminder_time(turn.start, zone, calendar) <= now:
                announcer.reminder(item.rota, turn)


def _turn_edges(
    plan: RotaPlan, overrides: Sequence[OverridePlan], change: Handoff
) -> tuple[bool, bool]:
    """Whether a handoff starts the incoming person's turn, and ends the outgoing one's.

    The end of a day is not the end of a weekly turn when the same person is next on, and a
    break is not when the person is back within RESUMING_WITHIN.
    """
    since = change.at - RESUMING_WITHIN
    around = schedule(plan, overrides, since, change.at + REMINDER_HORIZON)
    starts = change.incoming is not None and any(
        turn.start == change.at for turn in turns(around, _last_person(plan, overrides, since))
    )
    if change.outgoing is None:
        return starts, False
    later = [s for s in around if s.start >= change.at]
    next_person = later[0].person if later else None
    back_soon = any(
        s.person == change.outgoing and s.start < change.at + RESUMING_WITHIN for s in later
    )
    return starts, next_person != change.outgoing and not back_soon


def _last_person(plan: RotaPlan, overrides: Sequence[OverridePlan], now: datetime) -> str | None:
    """Who is on call now or, in a gap, who was on last: a gap is not the end of a turn."""
    current = on_call_at(plan, overrides, now)
    if current.person is not None or current.start is None:
        return current.person
    return on_call_at(plan, overrides, current.start - _TICK).person


def _reminder_time(turn_start: datetime, zone: ZoneInfo, calendar: Any) -> datetime:
    local = turn_start.astimezone(zone)
    day = previous_working_day(local.date(), calendar)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=zone)
