"""The support policy: the hours tickets are answered in, and each priority's targets.

Defaults follow the team's process (docs/tickets.md):

| priority | first response | tenant update every |
|---|---|---|
| P1 | 20 minutes | 1 hour |
| P2 | 30 minutes | 2 hours |
| P3 | 2 hours | 4 hours |
| P4 | 1 support day | 2 support days |

and a ticket nobody has triaged yet is answered within 2 support days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dutydesk.hours.support import SupportHours
from dutydesk.tickets.targets import Target, parse_target

PRIORITIES = ("P1", "P2", "P3", "P4")
# The fractions of a target at which the engineer on support is reminded, before the breach.
REMINDER_FRACTIONS = (0.5, 0.75)


@dataclass(frozen=True, slots=True)
class PriorityTargets:
    """How soon a ticket of one priority is first answered, and how often the tenant hears
    from the team after that."""

    first_response: Target
    update_every: Target


DEFAULT_TARGETS: Mapping[str, PriorityTargets] = {
    "P1": PriorityTargets(parse_target("20m"), parse_target("1h")),
    "P2": PriorityTargets(parse_target("30m"), parse_target("2h")),
    "P3": PriorityTargets(parse_target("2h"), parse_target("4h")),
    "P4": PriorityTargets(parse_target("1 support day"), parse_target("2 support days")),
}
DEFAULT_UNTRIAGED = parse_target("2 support days")


@dataclass(frozen=True, slots=True)
class SupportPolicy:
    """The hours and targets every ticket's clock runs by; the rota whose person on call is
    reminded; the service that pages for tickets, and the priorities that page at once."""

    hours: SupportHours
    targets: Mapping[str, PriorityTargets] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    untriaged: Target = DEFAULT_UNTRIAGED
    rota: str | None = None
    auto_assign: bool = False
    page_service: str | None = None
    page_at_once: frozenset[str] = frozenset()
    webhooks: tuple[str, ...] = ()

    def target(self, kind: str, priority: str | None) -> Target:
        """The target of the answer owed: the first response or the next update."""
        if priority is None:
            return self.untriaged
        targets = self.targets[priority]
        return targets.first_response if kind == FIRST_RESPONSE else targets.update_every


FIRST_RESPONSE = "first_response"
UPDATE = "update"
