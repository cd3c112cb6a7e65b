"""The whole team file: the team's own fields and the sections the domains declare.

The file's model is built from the registered sections, so a new domain only declares its own.
Sections are listed in the file's order (`TeamSection.order`); they are checked, created and
updated in an order where each comes after the sections whose ids it names (APPLY_ORDER).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import GenericAlias
from typing import Any

from pydantic import Field, create_model

from dutydesk import composition
from dutydesk.team.sections import KnownIds, Problem, Section
from dutydesk.team.spec import TeamFields
from dutydesk.team.teamfile import read_document


@dataclass(frozen=True)
class RegisteredSection:
    """A domain's section with the key it has in the file and the keys of those it names."""

    key: str
    names: tuple[str, ...]
    section: Section[Any]

    def items_in(self, spec: TeamFields) -> list[Any]:
        """The section's items in a team file: a list; a single section's mapping as a list of
        one, or of none when the file leaves it out."""
        value = getattr(spec, self.key)
        if self.section.single:
            return [] if value is None else [value]
        return list(value)

    def value_of(self, items: list[Any]) -> Any:
        """The section's items as the file holds them: `items_in` the other way round."""
        if self.section.single:
            return items[0] if items else None
        return items


def apply_order(sections: list[RegisteredSection]) -> tuple[RegisteredSection, ...]:
    """The sections in file order, except that each comes after the ones it names."""
    placed: list[RegisteredSection] = []
    waiting = list(sections)
    while waiting:
        keys = {section.key for section in placed}
        ready = next((s for s in waiting if all(name in keys for name in s.names)), None)
        if ready is None:
            stuck = ", ".join(f"{s.key} names {list(s.names)}" for s in waiting)
            raise RuntimeError(f"team-file sections name each other in a circle: {stuck}")
        placed.append(ready)
        waiting.remove(ready)
    return tuple(placed)


FILE_ORDER: tuple[RegisteredSection, ...] = tuple(
    RegisteredSection(entry.key, entry.names, entry.section.load())
    for entry in composition.team_sections()
)
APPLY_ORDER = apply_order(list(FILE_ORDER))

# Each section a list of its items, empty when the file leaves it out; a single section its
# one mapping, or None.
_SECTION_FIELDS: dict[str, Any] = {
    entry.key: (
        (entry.section.item | None, None)
        if entry.section.single
        else (GenericAlias(list, entry.section.item), Field(default_factory=list))
    )
    for entry in FILE_ORDER
}
TeamSpec: type[TeamFields] = create_model(
    "TeamSpec", __base__=TeamFields, __doc__="The whole team file.", **_SECTION_FIELDS
)


def cross_check(spec: TeamFields) -> list[Problem]:
    """Rules that span items: unique ids, and ids named that the file declares. Each section
    is checked after the ones it names. Returns (path, message)."""
    known: KnownIds = {
        entry.key: frozenset(item.id for item in entry.items_in(spec)) for entry in FILE_ORDER
    }
    problems: list[Problem] = []
    for entry in APPLY_ORDER:
        found = entry.section.problems(entry.items_in(spec), known)
        # A single section's paths start at its mapping, not at an index of a list.
        problems += [
            ((entry.key, *(path[1:] if entry.section.single else path)), message)
            for path, message in found
        ]
    return problems


def read_team_file(text: str, filename: str) -> TeamFields:
    """Parse and validate a team file; raise Invalid naming the file, line and field."""
    return read_document(text, filename, TeamSpec, cross_check)
