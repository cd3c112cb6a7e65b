"""Dashboard panels: what a domain shows on the home page, and what it is given to build it.

A domain declares a panel in its module.py; the dashboard (overview/dashboard.py) builds each
with a `Board` and renders the template it names, in the panel's place on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from dutydesk.web.page import Page


@dataclass(frozen=True)
class PanelView:
    """A panel to show: a template (a partial, no layout) and its values."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


class Board(Protocol):
    """What every panel is built from: one read of the database for the whole dashboard."""

    @property
    def page(self) -> Page:
        """The page request: the user, the team's zone, now."""
        ...

    @property
    def session(self) -> Session:
        """A read session, shared by the panels."""
        ...

    @property
    def person_names(self) -> dict[str, str]:
        """Each team member's name by id."""
        ...

    @property
    def rota_names(self) -> dict[str, str]:
        """Each rota's name by id."""
        ...
