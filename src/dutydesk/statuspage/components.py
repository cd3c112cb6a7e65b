"""Components of the status page and their state: made in the team file, the API or the pages;
every change of state is kept (the uptime bars are built from it), and a troubled component
reminds the comms lead until it recovers (reminders.py)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.statuspage import reminders, snapshot
from dutydesk.statuspage.models import (
    COMPONENT_STATES,
    NAME_LENGTH,
    OPERATIONAL,
    StatusComponent,
    StatusComponentChange,
)
from dutydesk.text import control_character, storable

DESCRIPTION_LENGTH = 2000
_ID_ALPHABET = string.ascii_lowercase + string.digits


def new_id() -> str:
    """An id in Statuspage's style: 12 random lower-case letters and digits."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def list_components(session: Session) -> Sequence[StatusComponent]:
    """Every component and group, in page order."""
    return session.scalars(
        select(StatusComponent).order_by(StatusComponent.position, StatusComponent.name)
    ).all()


def get_component(session: Session, component_id: str, *, lock: bool = False) -> StatusComponent:
    """One component; NotFound if there is none with that id."""
    query = select(StatusComponent).where(StatusComponent.id == component_id)
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(f"no status page component {component_id!r}")
    return found


@dataclass(frozen=True)
class ComponentFields:
    """What a component is made of or changed to; None leaves a field as it is."""

    name: str | None = None
    description: str | None = None
    status: str | None = None
    group_id: str | None = None
    showcase: bool | None = None
    only_show_if_degraded: bool | None = None
    start_date: str | None = None
    position: int | None = None
    services: tuple[str, ...] | None = None
    is_group: bool | None = None


def create_component(
    session: Session,
    fields: ComponentFields,
    *,
    now: datetime,
    component_id: str | None = None,
    from_file: bool = False,
) -> StatusComponent:
    """A new component (or group), operational unless a state is given."""
    if not fields.name:
        raise Invalid("name: give the component a name")
    chosen_id = component_id or new_id()
    if session.get(StatusComponent, chosen_id) is not None:
        raise Conflict(f"a component {chosen_id!r} exists already")
    position = fields.position
    if position is None:
        position = (session.scalar(select(func.max(StatusComponent.position))) or 0) + 1
    component = StatusComponent(
        id=chosen_id,
        name="",
        description="",
        is_group=bool(fields.is_group),
        status=OPERATIONAL,
        status_since=now,
        position=position,
        showcase=True,
        only_show_if_degraded=False,
        from_file=from_file,
        services=[],
        created_at=now,
        updated_at=now,
    )
    session.add(component)
    session.add(StatusComponentChange(component_id=chosen_id, status=OPERATIONAL, at=now))
    session.flush()
    change_component(session, component, fields, now=now)
    return component


def change_component(
    session: Session, component: StatusComponent, fields: ComponentFields, *, now: datetime
) -> list[tuple[str, str]]:
    """Change what is given; returns the state change made, if any, as [(old, new)]."""
    if fields.name is not None:
        component.name = _name(fields.name)
    if fields.description is not None:
        component.description = _description(fields.description)
    if fields.showcase is not None:
        component.showcase = fields.showcase
    if fields.only_show_if_degraded is not None:
        component.only_show_if_degraded = fields.only_show_if_degraded
    if fields.start_date is not None:
        component.start_date = _start_date(fields.start_date)
    if fields.position is not None:
        component.position = fields.position
    if fields.services is not None:
        component.services = sorted(set(fields.services))
    if fields.group_id is not None:
        component.group_id = _group(session, component, fields.group_id)
    component.updated_at = now
    changed: list[tuple[str, str]] = []
    if fields.status is not None and fields.status != component.status:
        changed.append((component.status, fields.status))
        set_state(session, component, fields.status, now=now)
    snapshot.mark_changed(session, now)
    return changed


def set_state(session: Session, component: StatusComponent, status: str, *, now: datetime) -> None:
    """Put the component in a state from now: kept for its uptime bar, and a troubled one
    reminds the comms lead at 3, 6, 12 and 24 hours."""
    check_state(status)
    if component.is_group:
        raise Invalid("status: a group's state is its components' worst; set theirs")
    if status == component.status:
        return
    component.status = status
    component.status_since = now
    component.updated_at = now
    session.add(StatusComponentChange(component_id=component.id, status=status, at=now))
    reminders.troubled(session, component, now)
    snapshot.mark_changed(session, now)


def delete_component(session: Session, component: StatusComponent, *, now: datetime) -> None:
    """Remove a component (a group's components stay, out of the group)."""
    reminders.forget_component(session, component.id)
    session.delete(component)
    session.flush()
    snapshot.mark_changed(session, now)


def check_state(status: str) -> None:
    """Invalid unless `status` is a component state."""
    if status not in COMPONENT_STATES:
        raise Invalid(f"status: {status!r} is not one of {', '.join(COMPONENT_STATES)}")


def _name(text: str) -> str:
    name = " ".join(storable(text).split())
    if not name or len(name) > NAME_LENGTH:
        raise Invalid(f"name: 1 to {NAME_LENGTH} characters")
    return name


def _description(text: str) -> str:
    description = storable(text).strip()
    if len(description) > DESCRIPTION_LENGTH:
        raise Invalid(f"description: at most {DESCRIPTION_LENGTH} characters")
    found = control_character(description.replace("\n", "").replace("\t", " "))
    if found is not None:
        raise Invalid(f"description: no control characters (found {found})")
    return description


def _start_date(text: str) -> str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise Invalid(f"start_date: {text!r} is not a date (YYYY-MM-DD)") from None


def _group(session: Session, component: StatusComponent, group_id: str) -> str | None:
    """The group to put the component in ("" takes it out of its group)."""
    if not group_id:
        return None
    if component.is_group:
        raise Invalid("group_id: a group cannot be in a group")
    group = session.get(StatusComponent, group_id)
    if group is None or not group.is_group:
        raise Invalid(f"group_id: {group_id!r} is not a component group")
    return group.id
