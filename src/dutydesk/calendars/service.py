"""Calendar feeds: secret URLs per rota and per person, and the shifts behind them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dutydesk.calendars.ical import FeedEvent, render_feed
from dutydesk.errors import NotFound
from dutydesk.oncall.service import names_on_call, overrides_between
from dutydesk.people.models import Person
from dutydesk.people.service import get_person
from dutydesk.rotas.models import Rota
from dutydesk.rotas.oncall import OverridePlan, RotaPlan, Segment, on_call_at, schedule
from dutydesk.rotas.plans import CompiledRota, compiled_rotas
from dutydesk.rotas.service import get_rota
from dutydesk.team.service import get_team

# How far on_call_at may look either side of an instant (see rotas.oncall._SEARCH_WINDOWS).
_REACH = timedelta(days=400)


def feed_token(secret_key: str, kind: str, subject_id: str, salt: str) -> str:
    """The secret part of a feed URL: an HMAC of what it shows, keyed by the instance secret."""
    message = f"feed:{kind}:{subject_id}:{salt}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:40]


def rota_feed_path(secret_key: str, rota: Rota) -> str:
    """The path of a rota's feed."""
    return f"/ical/rotas/{rota.id}/{feed_token(secret_key, 'rota', rota.id, rota.feed_salt)}.ics"


def person_feed_path(secret_key: str, person: Person) -> str:
    """The path of a person's feed."""
    token = feed_token(secret_key, "person", person.id, person.feed_salt)
    return f"/ical/people/{person.id}/{token}.ics"


def reset_feed_url(session: Session, kind: str, subject_id: str) -> None:
    """Give a rota or person a new feed URL; the old one stops working."""
    subject: Rota | Person = (
        get_rota(session, subject_id) if kind == "rota" else get_person(session, subject_id)
    )
    subject.feed_salt = secrets.token_hex(16)
    session.flush()


def _check(secret_key: str, kind: str, subject_id: str, salt: str, presented: str) -> None:
    expected = feed_token(secret_key, kind, subject_id, salt)
    # Bytes, because compare_digest refuses str with non-ASCII characters.
    if not hmac.compare_digest(expected.encode(), presented.encode()):
        # Same answer as an unknown rota: a wrong token must not reveal what exists.
        raise NotFound("no such calendar feed")


def rota_feed(
    session: Session,
    secret_key: str,
    rota_id: str,
    presented: str,
    now: datetime,
    *,
    days_back: int,
    days_ahead: int,
) -> bytes:
    """The iCal document of a rota's final schedule, if the token matches."""
    rota = session.get(Rota, rota_id)
    if rota is None:
        raise NotFound("no such calendar feed")
    _check(secret_key, "rota", rota.id, rota.feed_salt, presented)
    compiled = compiled_rotas(session, get_team(session))[rota.id]
    names = names_on_call(session)
    start, end = now - timedelta(days=days_back), now + timedelta(days=days_ahead)
    overrides = overrides_between(session, [rota.id], start - _REACH, end + _REACH)[rota.id]
    events = [
        FeedEvent(
            rota.id, rota.name, s.person, names.get(s.person, s.person), s.start, s.end, s.source
        )
        for s in feed_segments(compiled.plan, overrides, start, end)
    ]
    return render_feed(rota.name, events, summary_for="rota", generated_at=now)


def person_feed(
    session: Session,
    secret_key: str,
    person_id: str,
    presented: str,
    now: datetime,
    *,
    days_back: int,
    days_ahead: int,
) -> bytes:
    """The iCal document of one person's shifts on every rota, if the token matches."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("no such calendar feed")
    _check(secret_key, "person", person.id, person.feed_salt, presented)
    rotas: list[CompiledRota] = list(compiled_rotas(session, get_team(session)).values())
    start, end = now - timedelta(days=days_back), now + timedelta(days=days_ahead)
    overrides = overrides_between(session, [r.id for r in rotas], start - _REACH, end + _REACH)
    events = [
        FeedEvent(rota.id, rota.name, person.id, person.name, s.start, s.end, s.source)
        for rota in rotas
        for s in feed_segments(rota.plan, overrides[rota.id], start, end)
        if s.person == person.id
    ]
    events.sort(key=lambda e: (e.start, e.rota_id))
    return render_feed(f"{person.name}: on call", events, summary_for="person", generated_at=now)


def feed_segments(
    plan: RotaPlan, overrides: Sequence[OverridePlan], start: datetime, end: datetime
) -> list[Segment]:
    """The schedule overlapping [start, end), with the first and last stretch left whole.

    The window moves with the clock; cutting shifts at its edges would give the first and last
    event a new start or end (and a new UID) on every fetch.
    """
    segments = schedule(plan, overrides, start, end)
    for index in {0, len(segments) - 1} if segments else set():
        segment = segments[index]
        if segment.start > start and segment.end < end:
            continue
        whole = on_call_at(plan, overrides, segment.start)
        if whole.person != segment.person or whole.source != segment.source:
            continue
        segments[index] = replace(
            segment,
            start=whole.start if whole.start is not None else segment.start,
            end=whole.end if whole.end is not None else segment.end,
        )
    return segments
