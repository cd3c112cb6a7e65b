"""What a domain's section of the team file is: a list of items with ids, how the database's
rows are written out as items, and how the changed ones are saved and the dropped ones removed.

A domain declares its section in its module.py (contributions.TeamSection) and builds it here;
`dutydesk apply` and `dutydesk export` (dutydesk/team_as_code/) work across every section.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.team.spec import StrictSpec

# A place in a section's list, from the item's index on (`(0, "layers", 1, "members", 2)`).
Path = tuple[str | int, ...]
# A problem with the file that spans items: where, and what.
Problem = tuple[Path, str]
# The ids each section of the file declares, by the section's key (`{"people": {...}}`).
KnownIds = Mapping[str, frozenset[str]]


class Item(Protocol):
    """An item of a section: everything in one has an id."""

    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=StrictSpec)


def _no_problems(items: Sequence[Any], known: KnownIds) -> list[Problem]:
    return []


def _keep_everything(document: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class Section(Generic[ItemT]):
    """One list of the team file and the table it is kept in.

    `kind` names an item in plans and the audit log ("create rota comms"); `compared` are the
    fields whose change makes an update. `export` gives the stored items in the file's order;
    `save` creates or updates the items whose ids it is given, each at its place in the list;
    `remove` deletes rows by id; both are given the time of the apply (`now`). `problems`
    checks what a single item cannot: duplicate ids, and ids of other sections (`known`, by
    section key) or of its own. `trim` leaves defaults out of an exported item. `audit_as`
    files an item's changes under a rota's or a person's history. `written_empty`: `dutydesk
    export` writes the key even with no items.

    `single`: the file holds one mapping under the key rather than a list (`support:`), or
    leaves it out. It is kept as a list of at most one item, whose id is the section's key.
    """

    kind: str
    item: type[ItemT]
    compared: tuple[str, ...]
    export: Callable[[Session], list[ItemT]]
    save: Callable[[Session, Sequence[ItemT], Collection[str], datetime], None]
    remove: Callable[[Session, Collection[str], datetime], None]
    problems: Callable[[Sequence[ItemT], KnownIds], list[Problem]] = _no_problems
    trim: Callable[[dict[str, Any]], None] = _keep_everything
    audit_as: Literal["rota", "person"] | None = None
    written_empty: bool = False
    single: bool = False


def save_in_order(
    session: Session,
    model: type[Any],
    items: Sequence[Any],
    changed: Collection[str],
    fill: Callable[[Any, Any], None],
) -> None:
    """Fill the rows of the changed items (new rows for new ids) and put each at its place in
    the file (`position`)."""
    rows = {row.id: row for row in session.scalars(select(model))}
    for position, item in enumerate(items):
        if item.id not in changed:
            continue
        row = rows.get(item.id) or model(id=item.id)
        fill(row, item)
        row.position = position
        session.add(row)
    session.flush()


def remove_rows(session: Session, model: type[Any], ids: Collection[str]) -> None:
    """Delete the rows with these ids (their own rows go with them)."""
    for row in session.scalars(select(model).where(model.id.in_(ids))):
        session.delete(row)
    session.flush()


def duplicate_ids(kind: str, items: Sequence[Item]) -> list[Problem]:
    """A problem at each item whose id an earlier item already has."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(((index, "id"), f"duplicate {kind} id {item.id!r}"))
        seen.add(item.id)
    return problems
