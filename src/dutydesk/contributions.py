"""What a domain package contributes to the application, declared in its `module.py`.

A declaration names its pieces by import path ("package.module:attribute") and imports nothing
itself: the composition root (dutydesk/composition.py) loads a piece only when it is used, so
`dutydesk who` never imports the web application, and the web application never imports the
command line. docs/architecture.md has the checklist for adding a domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal


@dataclass(frozen=True)
class Ref:
    """An attribute of a module, named "package.module:attribute" and imported when loaded."""

    path: str

    def load(self) -> Any:
        """Import the module (once: Python caches it) and return the attribute."""
        module_name, _, attribute = self.path.partition(":")
        return getattr(import_module(module_name), attribute)


@dataclass(frozen=True)
class Router:
    """A FastAPI router of the domain.

    `api`: a JSON API router, documented with Dutydesk's error answers. `as_is`: a router that
    declares its own answers (monitoring hooks, feeds). `page`: HTML pages, out of the OpenAPI
    document. `first` routers are matched before every other: the Events API, whose latency
    suffers when a path is tried against a hundred routes first.
    """

    ref: Ref
    kind: Literal["api", "as_is", "page"] = "api"
    first: bool = False


@dataclass(frozen=True)
class NavEntry:
    """A link in the navigation bar of signed-in pages; `order` places it (lower is left).

    `shown` names a function (page) -> bool for links some users do not get.
    """

    key: str
    href: str
    label: str
    order: int
    shown: Ref | None = None


@dataclass(frozen=True)
class Panel:
    """A section of the dashboard: `build` is (board) -> PanelView | None (web/panels.py).

    `place`: across the page (`full`), or in its main or side column.
    """

    key: str
    order: int
    build: Ref
    place: Literal["full", "main", "aside"] = "main"


@dataclass(frozen=True)
class CycleEntry:
    """A worker cycle: `run` is (runtime, worker id) -> items handled. Cycles run by `order`;
    those that queue messages come before the one that delivers them."""

    name: str
    order: int
    run: Ref


@dataclass(frozen=True)
class Command:
    """A top-level `dutydesk` command or command group (a typer.Typer, or a function).

    `help` is its one line in `dutydesk --help`, given here so that listing the commands
    imports none of them.
    """

    name: str
    help: str
    target: Ref
    order: int = 100


@dataclass(frozen=True)
class TeamSection:
    """A list in the team file that the domain keeps (`people:`, `rotas:` …).

    `section` names its dutydesk.team.sections.Section. `order` places the list in the file and
    in `dutydesk export`. `names`: the keys of the other sections whose ids its items name
    (rotas name people). Those sections are checked, created and updated before this one, and
    their items removed after its own.
    """

    key: str
    order: int
    section: Ref
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemovalRule:
    """What a domain says when items of a team-file section that its rows point at are removed.

    `run` is (session, ids, now) -> None. `dutydesk apply` runs it before changing anything: it
    raises Conflict while the domain still needs one of the items, and deletes its own rows that
    only pointed at them.
    """

    key: str
    run: Ref


@dataclass(frozen=True)
class Middleware:
    """An ASGI middleware of the domain's, a class taking (app, runtime=…), added around the
    application (outside its routing): the status host's paths are mapped onto /status/."""

    ref: Ref


@dataclass(frozen=True)
class Module:
    """Everything one domain package adds: routes, middleware, navigation, dashboard panels,
    worker cycles, commands, its sections of the team file and its rules for removing other
    sections' items."""

    name: str
    routers: tuple[Router, ...] = ()
    middleware: tuple[Middleware, ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    panels: tuple[Panel, ...] = ()
    cycles: tuple[CycleEntry, ...] = ()
    commands: tuple[Command, ...] = ()
    team_sections: tuple[TeamSection, ...] = ()
    removal_rules: tuple[RemovalRule, ...] = ()
