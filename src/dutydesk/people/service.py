"""People: finding them, and showing them by name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.errors import NotFound
from dutydesk.people.models import Person


def list_people(session: Session) -> Sequence[Person]:
    """Everyone, in the team file's order."""
    return session.scalars(select(Person).order_by(Person.position, Person.id)).all()


def person_names(session: Session) -> dict[str, str]:
    """Each person's name by id, for showing people rather than ids."""
    return {person.id: person.name for person in list_people(session)}


def name_of(session: Session, person_id: str) -> str:
    """A person's name, or their id when there is no such person."""
    person = session.get(Person, person_id)
    return person.name if person is not None else person_id


def get_person(session: Session, person_id: str) -> Person:
    """The person with this id, or NotFound."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id!r} in the team")
    return person
