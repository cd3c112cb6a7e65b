"""A person's contact methods, changed by that person or an admin on the contact page."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import String
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.auth.models import User
from dutydesk.errors import Forbidden, Invalid
from dutydesk.people.models import Person
from dutydesk.people.service import get_person
from dutydesk.people.spec import PersonSpec
from dutydesk.team.service import find_team

# What a person types on the contact page must be something Dutydesk can use: a Slack member
# id to send direct messages to, and a phone number in one international form. The team file
# is looser (it predates these checks), so these apply only to values that change.
_SLACK_MEMBER_RE = re.compile(r"^[UW][A-Z0-9]{2,63}$")
_E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
# Spaces, dots, dashes and brackets people type inside a phone number; the stored form has none.
_PHONE_PUNCTUATION_RE = re.compile(r"[\s.()-]")
CONTACT_FIELDS = ("email", "slack", "phone")


@dataclass(frozen=True)
class ContactChange:
    """One contact method of a person, before and after a change (None: not set)."""

    field: str
    old: str | None
    new: str | None


class InvalidContacts(Invalid):
    """Contact methods that cannot be saved; `problems` holds one message per field."""

    def __init__(self, problems: dict[str, str]) -> None:
        field, message = next(iter(problems.items()))
        super().__init__(f"{field}: {message}")
        self.problems = problems


def may_edit_contacts(user: User, person_id: str) -> bool:
    """Admins may edit anyone's contact methods; a responder only their own; viewers nobody's."""
    if user.role == "admin":
        return True
    return user.role == "responder" and user.person_id == person_id


def require_contact_editor(user: User, person_id: str) -> None:
    """Forbidden unless `user` may edit the contact methods of `person_id`."""
    if not may_edit_contacts(user, person_id):
        raise Forbidden(
            f"{user.username} may not change the contact methods of {person_id}:"
            " responders can change only their own, admins anyone's"
        )


def contact_changes(
    session: Session,
    person_id: str,
    *,
    email: str | None,
    slack: str | None,
    phone: str | None,
) -> list[ContactChange]:
    """What setting these contact methods would change (empty: nothing); InvalidContacts if
    a value cannot be saved. Empty text means "not set"."""
    person = get_person(session, person_id)
    new = _new_values(person, {"email": email, "slack": slack, "phone": phone})
    changes = [
        ContactChange(name, getattr(person, name), new[name])
        for name in CONTACT_FIELDS
        if getattr(person, name) != new[name]
    ]
    problems = _team_file_problems(person, new)
    for change in changes:
        if change.field not in problems and change.new is not None:
            problem = _typed_value_problem(change.field, change.new)
            if problem:
                problems[change.field] = problem
    if problems:
        raise InvalidContacts({name: problems[name] for name in CONTACT_FIELDS if name in problems})
    return changes


def update_contacts(
    session: Session,
    person_id: str,
    *,
    email: str | None,
    slack: str | None,
    phone: str | None,
    by: User,
    actor: str,
    now: datetime,
) -> list[ContactChange]:
    """Set a person's contact methods, as `by` (see may_edit_contacts), and audit what changed.

    Returns the changes made; none when the values are already these.
    """
    require_contact_editor(by, person_id)
    changes = contact_changes(session, person_id, email=email, slack=slack, phone=phone)
    if not changes:
        return changes
    person = get_person(session, person_id)
    for change in changes:
        setattr(person, change.field, change.new)
    team = find_team(session)
    if team is not None:
        # The team's revision changes with every change to people (see Team.revision).
        team.revision = secrets.token_hex(16)
    fields = [change.field for change in changes]
    record(
        session,
        actor=actor,
        action="person.update",
        rota_id=None,
        person_ids=[person_id],
        summary=f"update person {person_id} ({', '.join(fields)})",
        details={
            "kind": "person",
            "id": person_id,
            "fields": fields,
            "old": {change.field: change.old for change in changes},
            "new": {change.field: change.new for change in changes},
        },
        now=now,
    )
    session.flush()
    return changes


def _new_values(person: Person, typed: dict[str, str | None]) -> dict[str, str | None]:
    """What each field would become: trimmed, None when empty, a phone without punctuation.

    A stored value typed back as it is stays exactly as stored: it may come from the team file,
    which predates the form's rules, and must not stop someone changing another field.
    """
    new: dict[str, str | None] = {}
    for name in CONTACT_FIELDS:
        stored: str | None = getattr(person, name)
        value = (typed[name] or "").strip() or None
        if value is not None and stored is not None and value == stored.strip():
            value = stored
        elif value is not None and name == "phone":
            value = _PHONE_PUNCTUATION_RE.sub("", value)
        new[name] = value
    return new


def _team_file_problems(person: Person, new: dict[str, str | None]) -> dict[str, str]:
    """The team file's own rules for these fields, so `dutydesk export` then `apply` still works."""
    try:
        PersonSpec(id=person.id, name=person.name, **new)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for found in error.errors():
            name = str(found["loc"][0])
            message = str(found["msg"]).removeprefix("Value error, ")
            problems.setdefault(name, message[:1].lower() + message[1:])
        return problems
    return {}


def _typed_value_problem(field: str, value: str) -> str | None:
    column_type = Person.__table__.c[field].type
    # The database's limit (the team file does not check every one).
    if isinstance(column_type, String) and column_type.length and len(value) > column_type.length:
        return f"must be at most {column_type.length} characters"
    if field == "slack" and not _SLACK_MEMBER_RE.match(value):
        return f"{value!r} is not a Slack member id: those look like U01ABC2DEF"
    if field == "phone" and not _E164_RE.match(value):
        return (
            f"{value!r} is not a phone number in international form:"
            " + then the country code and number, like +447700900123"
        )
    return None
