"""The team file's `status_page:`: the public page's name, its component groups and components,
and the alert services each component stands for (docs/statuspage.md)."""

from __future__ import annotations

from pydantic import Field

from dutydesk.team.spec import Slug, StrictSpec

SETTINGS_ID = "settings"


class GroupSpec(StrictSpec):
    """A group of components, shown together."""

    id: Slug
    name: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=2000)


class ComponentSpec(StrictSpec):
    """A component tenants see the state of."""

    id: Slug
    name: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=2000)
    group: Slug | None = None
    # Alert services (their ids) whose alerts do not page during its maintenance windows.
    services: list[Slug] = Field(default_factory=list, max_length=100)
    only_show_if_degraded: bool = False


class StatusPageSpec(StrictSpec):
    """The public status page."""

    # Unset: "<team> status".
    name: str | None = Field(default=None, min_length=1, max_length=255)
    groups: list[GroupSpec] = Field(default_factory=list, max_length=100)
    components: list[ComponentSpec] = Field(default_factory=list, max_length=500)

    @property
    def id(self) -> str:
        """The one `status_page:` of a team file."""
        return SETTINGS_ID
