"""The team file's `status_page:`: the page's name, kept as one row of its definition, and the
groups and components the file declares, kept as components marked `from_file`.

Components made through the API or the pages are not the file's: `dutydesk export` leaves them
out and `dutydesk apply` leaves them alone. Every change goes through components.py, so that the
public snapshot is rebuilt with it, and none touches a component's state, which is live.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.errors import Conflict
from dutydesk.statuspage import snapshot
from dutydesk.statuspage.components import (
    ComponentFields,
    change_component,
    create_component,
    delete_component,
)
from dutydesk.statuspage.models import StatusComponent, StatusPageSettings
from dutydesk.statuspage.spec import SETTINGS_ID, ComponentSpec, GroupSpec, StatusPageSpec
from dutydesk.team.sections import KnownIds, Problem, Section


def export_status_page(session: Session) -> list[StatusPageSpec]:
    """The stored `status_page:` with the file's groups and components as they are now, in
    the order the file last listed them (none before it is first applied)."""
    row = session.get(StatusPageSettings, SETTINGS_ID)
    if row is None:
        return []
    applied = StatusPageSpec.model_validate(row.definition)
    rows = _file_rows(session)
    group_ids = {r.id for r in rows if r.is_group}
    groups = _in_order([r for r in rows if r.is_group], [g.id for g in applied.groups])
    members = _in_order([r for r in rows if not r.is_group], [c.id for c in applied.components])
    return [
        StatusPageSpec(
            name=applied.name,
            groups=[GroupSpec(id=g.id, name=g.name, description=g.description) for g in groups],
            components=[
                ComponentSpec(
                    id=c.id,
                    name=c.name,
                    description=c.description,
                    # The file can only name its own groups: a component moved into a group
                    # made through the API is written as in none, which the file puts back.
                    group=c.group_id if c.group_id in group_ids else None,
                    services=list(c.services),
                    only_show_if_degraded=c.only_show_if_degraded,
                )
                for c in members
            ],
        )
    ]


def save_status_page(
    session: Session,
    specs: Sequence[StatusPageSpec],
    changed: Collection[str],
    now: datetime,
) -> None:
    """Keep the file's `status_page:`: its definition, and its groups and components created,
    changed or removed to match."""
    at = now
    for spec in specs:
        row = session.get(StatusPageSettings, SETTINGS_ID) or StatusPageSettings(id=SETTINGS_ID)
        row.definition = spec.model_dump(mode="json")
        session.add(row)
        _keep_components(session, spec, at)
    session.flush()
    # The page's name is on the page too.
    snapshot.mark_changed(session, at)


def remove_status_page(session: Session, ids: Collection[str], now: datetime) -> None:
    """The file no longer has `status_page:`: the default name, and none of its components
    (those made through the API or the pages stay)."""
    at = now
    session.execute(delete(StatusPageSettings).where(StatusPageSettings.id.in_(list(ids))))
    stored = {row.id: row for row in session.scalars(select(StatusComponent))}
    _remove(session, [row for row in stored.values() if row.from_file], stored, at)
    snapshot.mark_changed(session, at)


def status_page_problems(specs: Sequence[StatusPageSpec], known: KnownIds) -> list[Problem]:
    """Each id once among groups and components; a component's group is one of the file's
    groups and its services are services of the file."""
    problems: list[Problem] = []
    for spec in specs:
        seen: set[str] = set()
        listed: list[tuple[str, Sequence[GroupSpec | ComponentSpec]]] = [
            ("groups", spec.groups),
            ("components", spec.components),
        ]
        for key, items in listed:
            for index, item in enumerate(items):
                if item.id in seen:
                    problems.append(
                        ((0, key, index, "id"), f"duplicate status page id {item.id!r}")
                    )
                seen.add(item.id)
        groups = {group.id for group in spec.groups}
        for index, component in enumerate(spec.components):
            if component.group is not None and component.group not in groups:
                problems.append(
                    (
                        (0, "components", index, "group"),
                        f"{component.group!r} is not one of the groups of status_page",
                    )
                )
            # The list's line rather than an item's: the list is read sorted (spec.py).
            problems += [
                ((0, "components", index, "services"), f"{service!r} is not a service in this file")
                for service in component.services
                if service not in known["services"]
            ]
    return problems


def leave_out_status_page_defaults(document: dict[str, Any]) -> None:
    """An exported `status_page:` without what it leaves at the defaults."""
    for key in ("groups", "components"):
        if not document.get(key):
            document.pop(key, None)
            continue
        for item in document[key]:
            for name in ("description", "services", "only_show_if_degraded"):
                if name in item and not item[name]:
                    del item[name]


def page_order(spec: StatusPageSpec) -> list[GroupSpec | ComponentSpec]:
    """The file's groups and components as the page shows them, top to bottom: components in
    the order listed, each group where its first component is listed, followed by all of its
    components; groups without components last."""
    members: dict[str, list[ComponentSpec]] = {group.id: [] for group in spec.groups}
    for component in spec.components:
        if component.group is not None:
            members.setdefault(component.group, []).append(component)
    groups = {group.id: group for group in spec.groups}
    placed: list[GroupSpec | ComponentSpec] = []
    shown: set[str] = set()
    for component in spec.components:
        if component.group is None:
            placed.append(component)
        elif component.group not in shown:
            shown.add(component.group)
            placed += [groups[component.group], *members[component.group]]
    placed += [group for group in spec.groups if group.id not in shown]
    return placed


def _keep_components(session: Session, spec: StatusPageSpec, at: datetime) -> None:
    stored = {row.id: row for row in session.scalars(select(StatusComponent))}
    declared = {group.id for group in spec.groups} | {c.id for c in spec.components}
    # Removed first: a group that goes may leave components for a group that comes.
    _remove(
        session, [r for r in stored.values() if r.from_file and r.id not in declared], stored, at
    )
    # Groups come before their components, which must find them.
    for position, item in enumerate(page_order(spec), start=1):
        fields = _fields(item, position)
        row = stored.get(item.id)
        if row is not None and row.is_group != fields.is_group:
            if not row.from_file:
                kind = "group" if row.is_group else "component"
                raise Conflict(
                    f"status_page: {item.id!r} is a {kind} made through the API or the pages;"
                    " give the file's one another id"
                )
            # The file made it a group, or no longer one: a new thing under the old id.
            _remove(session, [row], stored, at)
            row = None
        if row is None:
            stored[item.id] = create_component(
                session, fields, now=at, component_id=item.id, from_file=True
            )
            continue
        # An id made through the API or the pages that the file now declares: the file takes
        # it over (from here on, apply keeps it and export writes it), keeping its state, its
        # history and its subscribers, rather than refusing the file or making a second one.
        row.from_file = True
        if _differs(row, fields):
            change_component(session, row, fields, now=at)


def _fields(item: GroupSpec | ComponentSpec, position: int) -> ComponentFields:
    """What the file says of a group or component; its state is not the file's."""
    if isinstance(item, GroupSpec):
        return ComponentFields(
            name=item.name, description=item.description, position=position, is_group=True
        )
    return ComponentFields(
        name=item.name,
        description=item.description,
        position=position,
        # "" takes it out of a group (components.py).
        group_id=item.group or "",
        services=tuple(item.services),
        only_show_if_degraded=item.only_show_if_degraded,
        is_group=False,
    )


def _differs(row: StatusComponent, fields: ComponentFields) -> bool:
    """Whether the file changes the row: unchanged rows keep their `updated_at`."""
    if (row.name, row.description, row.position) != (
        fields.name,
        fields.description,
        fields.position,
    ):
        return True
    if fields.is_group:
        return False
    return (row.group_id or "", sorted(row.services), row.only_show_if_degraded) != (
        fields.group_id,
        sorted(fields.services or ()),
        fields.only_show_if_degraded,
    )


def _remove(
    session: Session,
    rows: Iterable[StatusComponent],
    stored: dict[str, StatusComponent],
    at: datetime,
) -> None:
    """Delete components, then groups; components left in a deleted group are out of it."""
    gone_groups: set[str] = set()
    for row in sorted(rows, key=lambda r: (r.is_group, r.position, r.id)):
        if row.is_group:
            gone_groups.add(row.id)
        del stored[row.id]
        delete_component(session, row, now=at)
    for row in stored.values():
        if row.group_id in gone_groups:
            # The database set it to NULL (ON DELETE SET NULL); read it again.
            session.expire(row, ["group_id"])


def _file_rows(session: Session) -> Sequence[StatusComponent]:
    return session.scalars(
        select(StatusComponent)
        .where(StatusComponent.from_file.is_(True))
        .order_by(StatusComponent.position, StatusComponent.id)
    ).all()


def _in_order(rows: Sequence[StatusComponent], ids: Sequence[str]) -> list[StatusComponent]:
    """Rows in the order of `ids` (the file's as last applied); any other after, in page order."""
    index = {row_id: place for place, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: index.get(row.id, len(index)))


SECTION = Section(
    kind="status_page",
    item=StatusPageSpec,
    compared=("name", "groups", "components"),
    export=export_status_page,
    save=save_status_page,
    remove=remove_status_page,
    problems=status_page_problems,
    trim=leave_out_status_page_defaults,
    single=True,
)
