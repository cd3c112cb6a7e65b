"""The composition root: every domain module, what the application, the worker and the
command line take from them, and the runtime with the domains' reactions wired in.

Each domain package declares its routes, navigation, dashboard panels, worker cycles, commands
and sections of the team file in its `module.py` (dutydesk/contributions.py). This is the one
list of those modules; the web application, the worker, the `dutydesk` command, the dashboard
and `dutydesk apply`/`export` iterate over it and import a contribution only when they use it.
docs/architecture.md has the checklist for adding a domain.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import event
from sqlalchemy.orm import Session

from dutydesk.alerts.module import MODULE as ALERTS
from dutydesk.announcements.module import MODULE as ANNOUNCEMENTS
from dutydesk.audit.module import MODULE as AUDIT
from dutydesk.auth.module import MODULE as AUTH
from dutydesk.builds.module import MODULE as BUILDS
from dutydesk.calendars.module import MODULE as CALENDARS
from dutydesk.clock import Clock
from dutydesk.contributions import (
    Command,
    CycleEntry,
    Middleware,
    Module,
    NavEntry,
    Panel,
    Ref,
    RemovalRule,
    Router,
    TeamSection,
)
from dutydesk.cover.module import MODULE as COVER
from dutydesk.escalation.module import MODULE as ESCALATION
from dutydesk.external_rotas.module import MODULE as EXTERNAL_ROTAS
from dutydesk.fairness.module import MODULE as FAIRNESS
from dutydesk.handover.module import MODULE as HANDOVER
from dutydesk.heartbeats.module import MODULE as HEARTBEATS
from dutydesk.incidents.module import MODULE as INCIDENTS
from dutydesk.mailbox.module import MODULE as MAILBOX
from dutydesk.notify.module import MODULE as NOTIFY
from dutydesk.oncall.module import MODULE as ONCALL
from dutydesk.overrides.module import MODULE as OVERRIDES
from dutydesk.overview.module import MODULE as OVERVIEW
from dutydesk.people.module import MODULE as PEOPLE
from dutydesk.portal.module import MODULE as PORTAL
from dutydesk.rotas.module import MODULE as ROTAS
from dutydesk.runtime import Runtime, build_runtime
from dutydesk.settings import Settings
from dutydesk.statuspage.module import MODULE as STATUSPAGE
from dutydesk.swaps.module import MODULE as SWAPS
from dutydesk.tasks.module import MODULE as TASKS
from dutydesk.tenants.module import MODULE as TENANTS
from dutydesk.tickets.module import MODULE as TICKETS

# What runs the service itself: the server, the worker, the schema, signing in, the team file.
SERVICE = Module(
    name="service",
    routers=(Router(Ref("dutydesk.web.signin_pages:router"), kind="page"),),
    commands=(
        Command(
            "serve",
            "Run the web service (API, calendar feeds, pages) and, unless told not to, the worker.",
            Ref("dutydesk.cli.server:serve"),
            order=70,
        ),
        Command(
            "worker",
            "Run the worker alone: deliver messages, announce handoffs, send reminders.",
            Ref("dutydesk.cli.server:worker"),
            order=71,
        ),
        Command("db", "The database schema.", Ref("dutydesk.cli.server:db_app"), order=72),
        # The team as code iterates over every module's team-file sections, so it sits above
        # this list and is declared here rather than by a module of its own.
        Command(
            "apply",
            "Create or update people and rotas from a team file; anything not in it is removed.",
            Ref("dutydesk.team_as_code.cli:apply"),
            order=60,
        ),
        Command(
            "export",
            "Write the current team as a team file that `dutydesk apply` takes back unchanged.",
            Ref("dutydesk.team_as_code.cli:export"),
            order=61,
        ),
        # `rota suggest` prints a change to the whole team file, so the group is the team as
        # code's too; its load report is the fairness domain's (dutydesk/fairness/cli.py).
        Command(
            "rota",
            "Rotas' on-call load and a fairer order for the next quarter; external rotas' feeds.",
            Ref("dutydesk.team_as_code.rota_cli:rota_app"),
            order=62,
        ),
    ),
    cycles=(
        CycleEntry(
            "holidays",
            order=5,
            run=Ref("dutydesk.team_as_code.holidays:keep_holidays_current"),
        ),
    ),
)

# In the order their routes are included.
MODULES: tuple[Module, ...] = (
    SERVICE,
    OVERVIEW,
    AUTH,
    PEOPLE,
    ROTAS,
    EXTERNAL_ROTAS,
    ONCALL,
    OVERRIDES,
    COVER,
    SWAPS,
    ANNOUNCEMENTS,
    ALERTS,
    ESCALATION,
    HEARTBEATS,
    AUDIT,
    NOTIFY,
    CALENDARS,
    MAILBOX,
    TENANTS,
    TASKS,
    TICKETS,
    INCIDENTS,
    BUILDS,
    STATUSPAGE,
    PORTAL,
    FAIRNESS,
    HANDOVER,
)


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    """The runtime (settings, database, clock), with what reacts across domains wired into its
    sessions: escalation (and incidents' timelines) react to the state of alerts, a ticket
    that becomes P1 declares an incident, and the status page's maintenance windows hold the
    paging of their services.

    The one way to build a runtime: the command line (so the server and the worker too), the
    benchmarks and the tests all come here, and alerts refuse to change without their reactions.
    """
    # Imported when a runtime is built, not with this module: `dutydesk --help` builds none.
    from dutydesk.alerts.reactions import AlertReactions, wire_reactions
    from dutydesk.escalation.holds import PagingHolds, wire_holds
    from dutydesk.tickets.reactions import TicketReactions, wire_ticket_reactions

    runtime = build_runtime(settings, clock)
    reactions = cast(AlertReactions, _EscalationOnFirstUse())
    p1_tickets = cast(TicketReactions, _IncidentsOnFirstUse(runtime.settings.base_url))
    holds: PagingHolds = _MaintenanceOnFirstUse()
    for sessions in (runtime.sessions, runtime.read_sessions):
        wire_reactions(sessions, reactions)
        wire_ticket_reactions(sessions, p1_tickets)
        wire_holds(sessions, holds)
        event.listen(sessions, "before_flush", _every_table_known)
    return runtime


def _every_table_known(session: Session, flush_context: object, instances: object) -> None:
    """Import every model before anything is written, so that each foreign key finds its table
    whichever domain a command uses (a user names a person by key; auth does not import people).

    Not before: a command that only reads (`dutydesk who`) needs the tables it reads, which its
    modules import, and importing all the others would cost it a sixth of its time.
    """
    import dutydesk.models  # noqa: F401


class _EscalationOnFirstUse:
    """Escalation's reactions, imported when an alert first changes state: most commands
    (`dutydesk who`) change none, and importing escalation costs them a tenth of a second.

    A quieted group is told to incidents as well, after escalation: an acknowledged or resolved
    alert that is linked to an incident goes into its timeline.
    """

    def __init__(self) -> None:
        self._reactions: Any = None

    def _escalation(self) -> Any:
        if self._reactions is None:
            from dutydesk.escalation.reactions import EscalationReactions

            self._reactions = EscalationReactions()
        return self._reactions

    def quieted(
        self, session: Session, group: Any, now: datetime, *, triggered: int, reason: str
    ) -> None:
        from dutydesk.incidents.alert_reactions import alert_quieted

        self._escalation().quieted(session, group, now, triggered=triggered, reason=reason)
        alert_quieted(session, group, now, reason=reason)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._escalation(), name)


class _IncidentsOnFirstUse:
    """Incidents' answer to a P1 ticket, imported when a ticket first becomes P1."""

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url

    def became_p1(self, session: Session, ticket: Any, *, actor: str, now: datetime) -> None:
        from dutydesk.incidents.ticket_reactions import IncidentForP1

        IncidentForP1(self._base_url).became_p1(session, ticket, actor=actor, now=now)


class _MaintenanceOnFirstUse:
    """The status page's maintenance holds on paging, imported when paging would first start."""

    def __init__(self) -> None:
        self._holds: Any = None

    def held(self, session: Session, service_id: str, at: datetime) -> str | None:
        if self._holds is None:
            from dutydesk.statuspage.holds import MaintenanceHolds

            self._holds = MaintenanceHolds()
        why: str | None = self._holds.held(session, service_id, at)
        return why


def routers() -> Iterator[Router]:
    """Every router, the `first` ones first, each kind in module order."""
    every = [router for module in MODULES for router in module.routers]
    yield from (router for router in every if router.first)
    for kind in ("api", "as_is", "page"):
        yield from (router for router in every if router.kind == kind and not router.first)


def middleware() -> list[Middleware]:
    """Every module's middleware, in module order."""
    return [entry for module in MODULES for entry in module.middleware]


def navigation() -> list[NavEntry]:
    """The navigation bar's links, left to right."""
    return sorted((entry for module in MODULES for entry in module.navigation), key=_order)


def panels() -> list[Panel]:
    """The dashboard's panels, top to bottom."""
    return sorted((panel for module in MODULES for panel in module.panels), key=_order)


def cycles() -> list[CycleEntry]:
    """The worker's cycles, in the order a pass runs them."""
    return sorted((cycle for module in MODULES for cycle in module.cycles), key=_order)


def commands() -> list[Command]:
    """The `dutydesk` commands, in the order `dutydesk --help` lists them."""
    return sorted((command for module in MODULES for command in module.commands), key=_order)


def team_sections() -> list[TeamSection]:
    """The sections of the team file, in the order the file and `dutydesk export` list them."""
    return sorted((entry for module in MODULES for entry in module.team_sections), key=_order)


def removal_rules() -> list[RemovalRule]:
    """The domains' rules for removing items of team-file sections, in module order."""
    return [rule for module in MODULES for rule in module.removal_rules]


def _order(entry: Any) -> int:
    order: int = entry.order
    return order
