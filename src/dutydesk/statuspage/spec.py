"""The team file's `status_page:`: the public page's name, its component groups and components,
and the alert services each component stands for (docs/team-file.md, `status_page`).

Names and descriptions are tidied as the components keep them (components.py), so that what is
stored reads back as the file wrote it and a second apply changes nothing.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from dutydesk.team.spec import Slug, StrictSpec

SETTINGS_ID = "settings"
# As a component keeps them (models.py, components.py).
NAME_LENGTH = 255
DESCRIPTION_LENGTH = 2000


def _name(value: str) -> str:
    # Runs of spaces are one space, as a component's name is stored.
    tidied = " ".join(value.split())
    if not tidied:
        raise ValueError("must not be blank")
    return tidied


def _description(value: str) -> str:
    # Line feeds only (a YAML block scalar); the components keep no tabs and no outer blanks.
    if "\t" in value:
        raise ValueError("must not contain tabs (found U+0009)")
    return value.strip()


def _services(value: list[str]) -> list[str]:
    # A set: kept, and exported, sorted and once each.
    return sorted(set(value))


ComponentName = Annotated[str, Field(min_length=1, max_length=NAME_LENGTH), AfterValidator(_name)]
ComponentDescription = Annotated[
    str, Field(max_length=DESCRIPTION_LENGTH), AfterValidator(_description)
]


class GroupSpec(StrictSpec):
    """A group of components, shown together."""

    multi_line: ClassVar[frozenset[str]] = frozenset({"description"})

    id: Slug
    name: ComponentName
    description: ComponentDescription = ""


class ComponentSpec(StrictSpec):
    """A component tenants see the state of."""

    multi_line: ClassVar[frozenset[str]] = frozenset({"description"})

    id: Slug
    name: ComponentName
    description: ComponentDescription = ""
    # The id of one of the file's groups; none: shown on its own.
    group: Slug | None = None
    # Alert services (their ids) whose alerts do not page during its maintenance windows.
    services: Annotated[list[Slug], AfterValidator(_services)] = Field(
        default_factory=list, max_length=100
    )
    only_show_if_degraded: bool = False


class StatusPageSpec(StrictSpec):
    """The public status page."""

    # Unset: "<team> status".
    name: str | None = Field(default=None, min_length=1, max_length=NAME_LENGTH)
    groups: list[GroupSpec] = Field(default_factory=list, max_length=100)
    components: list[ComponentSpec] = Field(default_factory=list, max_length=500)

    @property
    def id(self) -> str:
        """The one `status_page:` of a team file."""
        return SETTINGS_ID
