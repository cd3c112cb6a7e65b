"""Services' integration keys: issue one (shown once), list them, revoke one, look one up."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import IntegrationKey, Service
from dutydesk.audit.service import record
from dutydesk.auth.service import token_digest
from dutydesk.errors import Invalid, NotFound
from dutydesk.text import control_character

NAME_LENGTH = 120


def get_service(session: Session, service_id: str) -> Service:
    """The service with this id, or NotFound naming the services there are."""
    service = session.get(Service, service_id)
    if service is None:
        known = session.scalars(select(Service.id).order_by(Service.position, Service.id)).all()
        listed = ", ".join(known) if known else "none yet: declare them under `services:`"
        raise NotFound(f"no service {service_id!r} (services: {listed})")
    return service


def add_integration(
    session: Session, service_id: str, name: str, now: datetime, *, actor: str
) -> tuple[IntegrationKey, str]:
    """Issue a key for a service; the plain key is returned once and only its digest kept."""
    service = get_service(session, service_id)
    if not name.strip() or len(name) > NAME_LENGTH or control_character(name):
        raise Invalid(
            f"integration name: say what sends with it in 1 to {NAME_LENGTH} characters on one line"
        )
    # 32 lower-case hex characters: the shape of a PagerDuty routing key, so tools that check
    # the length before sending (Alertmanager, pdpyras) accept it.
    plain = secrets.token_hex(16)
    key = IntegrationKey(
        service_id=service.id, name=name, key_digest=token_digest(plain), created_at=now
    )
    session.add(key)
    session.flush()
    record(
        session,
        actor=actor,
        action="integration.add",
        rota_id=None,
        person_ids=[],
        summary=f"add integration {key.id} ({name}) to service {service.id}",
        details={"integration": key.id, "service": service.id, "name": name},
        now=now,
    )
    return key, plain


def list_integrations(session: Session) -> Sequence[IntegrationKey]:
    """Every integration key (digests only), by service then age."""
    return session.scalars(
        select(IntegrationKey).order_by(IntegrationKey.service_id, IntegrationKey.id)
    ).all()


def revoke_integration(
    session: Session, key_id: int, now: datetime, *, actor: str
) -> IntegrationKey:
    """Stop a key working; events sent with it are refused from now on."""
    # Ids are 32-bit integers in the database; PostgreSQL refuses to compare with larger ones.
    key = session.get(IntegrationKey, key_id) if 0 < key_id < 2**31 else None
    if key is None:
        raise NotFound(f"no integration {key_id}")
    if key.revoked_at is None:
        key.revoked_at = now
        record(
            session,
            actor=actor,
            action="integration.revoke",
            rota_id=None,
            person_ids=[],
            summary=f"revoke integration {key.id} ({key.name}) of service {key.service_id}",
            details={"integration": key.id, "service": key.service_id},
            now=now,
        )
    session.flush()
    return key


class LiveKey(NamedTuple):
    """An unrevoked integration key: which it is and the service its events go to."""

    id: int
    service_id: str


def find_live_key(session: Session, presented: str) -> LiveKey | None:
    """The unrevoked key behind a routing key, or None; says nothing about which was wrong."""
    row = session.execute(_LIVE_KEY, {"digest": token_digest(presented)}).first()
    return None if row is None else LiveKey(row.id, row.service_id)


# Built once: every batch of events looks its keys up, and building a query costs more than
# running it.
_KEYS = cast(Table, IntegrationKey.__table__)
_LIVE_KEY = select(_KEYS.c.id, _KEYS.c.service_id).where(
    _KEYS.c.key_digest == bindparam("digest"), _KEYS.c.revoked_at.is_(None)
)
