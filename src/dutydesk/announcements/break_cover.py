"""Telling a rota's channels that break cover has been arranged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.announcements.destinations import announced_rotas
from dutydesk.announcements.notices import Announcer
from dutydesk.overrides.models import Override
from dutydesk.people.models import Person
from dutydesk.team.service import get_team
from dutydesk.timeparse import local_text, parse_zone


def announce_break_cover(
    session: Session, cover: Override, *, covering_for: str | None, now: datetime
) -> None:
    """Queue the message that `cover` was arranged (for `covering_for`, the person on call then)
    to the rota's channels, in the caller's transaction; nothing when the rota announces
    nowhere."""
    team = get_team(session)
    announced = {a.rota.id: a for a in announced_rotas(session, team)}
    item = announced.get(cover.rota_id)
    if item is None:
        return
    zone = parse_zone(team.timezone)
    people = {p.id: p for p in session.scalars(select(Person))}
    announcer = Announcer(session, zone, people, now)
    text = (
        f"{announcer.name(cover.person_id)} covers {item.rota.name}"
        f" from {local_text(cover.start_at, zone, with_year=False)}"
        f" to {local_text(cover.end_at, zone, with_year=False)}"
    )
    if covering_for is not None:
        text += f" for {announcer.name(covering_for)}"
    if cover.note:
        text += f" ({cover.note})"
    announcer.cover_created(item.rota, item.announce, cover.id, text + ".")
