"""The team file's `people`: everyone who can be on a rota, with their contact details."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dutydesk.people.models import Person, Unavailability
from dutydesk.people.spec import NotifyRuleSpec, PersonSpec, UnavailableSpec
from dutydesk.team.sections import (
    KnownIds,
    Problem,
    Section,
    duplicate_ids,
    remove_rows,
    save_in_order,
)


def export_people(session: Session) -> list[PersonSpec]:
    """Everyone stored, in the file's order."""
    return [
        PersonSpec(
            id=person.id,
            name=person.name,
            email=person.email,
            slack=person.slack,
            phone=person.phone,
            notify=[NotifyRuleSpec.model_validate(rule) for rule in person.notify],
            unavailable=[
                UnavailableSpec(from_=away.first_day, to=away.last_day, note=away.note)
                for away in person.unavailable
            ],
        )
        for person in session.scalars(
            select(Person)
            .options(selectinload(Person.unavailable))
            .order_by(Person.position, Person.id)
        )
    ]


def save_people(
    session: Session, specs: Sequence[PersonSpec], changed: Collection[str], now: datetime
) -> None:
    """Create or update the people whose ids are given."""

    def fill(person: Person, spec: PersonSpec) -> None:
        # A new person's calendar feed gets its own secret part of the address.
        person.feed_salt = person.feed_salt or secrets.token_hex(16)
        person.name = spec.name
        person.email = spec.email
        person.slack = spec.slack
        person.phone = spec.phone
        person.notify = [rule.model_dump() for rule in spec.notify]
        person.unavailable = [
            Unavailability(position=i, first_day=away.from_, last_day=away.to, note=away.note)
            for i, away in enumerate(spec.unavailable)
        ]

    save_in_order(session, Person, specs, changed, fill)


def remove_people(session: Session, ids: Collection[str], now: datetime) -> None:
    """Remove people (the rotas and overrides naming them are changed or removed before)."""
    remove_rows(session, Person, ids)


def people_problems(specs: Sequence[PersonSpec], known: KnownIds) -> list[Problem]:
    """Each person once."""
    return duplicate_ids("person", specs)


def _leave_out_defaults(person: dict[str, Any]) -> None:
    if not person["notify"]:
        del person["notify"]
    if not person["unavailable"]:
        del person["unavailable"]
    else:
        # Written as the file spells it: `from`, not the field's Python name.
        person["unavailable"] = [
            {"from": away["from_"], **{k: v for k, v in away.items() if k != "from_"}}
            for away in person["unavailable"]
        ]


SECTION = Section(
    kind="person",
    item=PersonSpec,
    compared=("name", "email", "slack", "phone", "notify", "unavailable"),
    export=export_people,
    save=save_people,
    remove=remove_people,
    problems=people_problems,
    trim=_leave_out_defaults,
    audit_as="person",
    written_empty=True,
)
