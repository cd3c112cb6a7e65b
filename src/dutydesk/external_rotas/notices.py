"""Telling the team's admins about an external rota that needs a person: its copy is stale (no
good fetch for `stale_after`), or a new reading is kept aside as suspect until confirmed.

Each is said once per spell: `stale_told_at` is set when the notice is queued and cleared by
the next good fetch; a suspect reading is told when it is first kept aside (its
`suspect_since`). Admins are told on every contact they have (e-mail, Slack), at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.auth.models import User
from dutydesk.external_rotas.feed_url import redacted
from dutydesk.external_rotas.models import ExternalRota
from dutydesk.notify.service import Outgoing
from dutydesk.people.models import Person
from dutydesk.text import one_line


def admin_contacts(session: Session) -> list[tuple[str, str]]:
    """(channel, destination) of every admin who is one of the team's people."""
    rows = session.execute(
        select(Person.email, Person.slack)
        .join(User, User.person_id == Person.id)
        .where(User.role == "admin")
        .order_by(Person.id)
    )
    contacts: list[tuple[str, str]] = []
    for email, slack in rows:
        if email:
            contacts.append(("email", email))
        if slack:
            contacts.append(("slack", slack))
    return contacts


def is_stale(row: ExternalRota, now: datetime) -> bool:
    """No good fetch for the rota's `stale_after` (counted from its first failure if it has
    never had one)."""
    since = row.last_success_at or row.failing_since
    return since is not None and now - since >= timedelta(seconds=row.stale_after_seconds)


def stale_rotas(session: Session, now: datetime) -> list[ExternalRota]:
    """External rotas whose copy became stale and whose admins have not been told."""
    rows = session.scalars(
        select(ExternalRota)
        .where(ExternalRota.stale_told_at.is_(None))
        .order_by(ExternalRota.rota_id)
        .with_for_update(skip_locked=True)
    )
    return [row for row in rows if is_stale(row, now)]


def stale_messages(
    row: ExternalRota,
    rota_name: str,
    contacts: Sequence[tuple[str, str]],
    *,
    base_url: str,
    now: datetime,
) -> list[Outgoing]:
    """The notice that the rota's copy is stale, to each admin contact."""
    since = row.last_success_at
    age = _age(now - since) if since is not None else None
    subject = one_line(
        f"[Dutydesk] External rota {rota_name}: "
        + (f"no fresh copy for {age}" if age else "its feed has never been read")
    )[:300]
    lines = [
        f"Dutydesk could not refresh the external rota {rota_name} from {redacted(row.url)}.",
        f"The last failure: {row.failure_message or 'unknown'}.",
        (
            f"The copy in use was fetched {age} ago; who is on call there may have changed."
            if age
            else "No copy has ever been read, so nobody is on call on it in Dutydesk."
        ),
        f"The rota's page: {base_url.rstrip('/')}/rotas/{row.rota_id}",
    ]
    told_for = (since or row.failing_since or now).isoformat()
    return _to_admins(contacts, subject, "\n\n".join(lines), f"stale-{row.rota_id}-{told_for}")


def suspect_messages(
    row: ExternalRota,
    rota_name: str,
    contacts: Sequence[tuple[str, str]],
    *,
    base_url: str,
) -> list[Outgoing]:
    """The notice that a new reading puts nobody on call next week and waits to be confirmed."""
    subject = one_line(f"[Dutydesk] External rota {rota_name}: nobody on call next week?")[:300]
    lines = [
        f"The feed of the external rota {rota_name} ({redacted(row.url)}) now puts nobody on"
        " call in the coming week, where the copy in use has someone.",
        "Dutydesk keeps using the copy it had until someone confirms the new one on the"
        " rota's page.",
        f"The rota's page: {base_url.rstrip('/')}/rotas/{row.rota_id}",
    ]
    assert row.suspect_since is not None
    key = f"suspect-{row.rota_id}-{row.suspect_since.isoformat()}"
    return _to_admins(contacts, subject, "\n\n".join(lines), key)


def _to_admins(
    contacts: Sequence[tuple[str, str]], subject: str, text: str, key: str
) -> list[Outgoing]:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return [
        Outgoing(
            channel=channel,
            destination=destination,
            subject=subject,
            text=text,
            idempotency_key=f"external-rota-{digest}-{channel}-{index}",
        )
        for index, (channel, destination) in enumerate(contacts)
    ]


def _age(elapsed: timedelta) -> str:
    hours = int(elapsed.total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days"
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{int(elapsed.total_seconds() // 60)} minutes"
