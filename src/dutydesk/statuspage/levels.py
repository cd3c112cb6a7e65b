"""What the status page's values are called, and how bad each is: one table for the public
site, the team's pages, mail and the timeline, and the impact rules publishing and the page's
overall status share. Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable

from dutydesk.statuspage.models import (
    COMPLETED,
    DEGRADED,
    IDENTIFIED,
    IN_PROGRESS,
    INVESTIGATING,
    MAINTENANCE,
    MAJOR,
    MONITORING,
    OPERATIONAL,
    PARTIAL,
    RESOLVED,
    SCHEDULED,
    VERIFYING,
)

STATE_NAMES = {
    OPERATIONAL: "Operational",
    DEGRADED: "Degraded performance",
    PARTIAL: "Partial outage",
    MAJOR: "Major outage",
    MAINTENANCE: "Under maintenance",
}
STATUS_NAMES = {
    INVESTIGATING: "Investigating",
    IDENTIFIED: "Identified",
    MONITORING: "Monitoring",
    RESOLVED: "Resolved",
    SCHEDULED: "Scheduled",
    IN_PROGRESS: "In progress",
    VERIFYING: "Verifying",
    COMPLETED: "Completed",
}
IMPACT_NAMES = {
    "none": "No impact",
    "minor": "Minor",
    "major": "Major",
    "critical": "Critical",
    "maintenance": "Maintenance",
}
# Component states, best first: a group shows its worst component's.
STATE_ORDER = (OPERATIONAL, MAINTENANCE, DEGRADED, PARTIAL, MAJOR)
# The impact a component's state implies, as Statuspage works it out; impacts best first.
IMPACT_OF_STATE = {MAJOR: "critical", PARTIAL: "major", DEGRADED: "minor"}
IMPACT_ORDER = ("none", "minor", "major", "critical")
_IMPACT_RANK = {impact: rank for rank, impact in enumerate(IMPACT_ORDER)}


def worst_impact(impacts: Iterable[str] = (), states: Iterable[str] = ()) -> str:
    """The worst of the impacts given and those the component states imply ("none": none)."""
    worst = "none"
    for impact in [*impacts, *(IMPACT_OF_STATE.get(s, "none") for s in states)]:
        if _IMPACT_RANK.get(impact, 0) > _IMPACT_RANK[worst]:
            worst = impact
    return worst


def worst_state(states: Iterable[str]) -> str:
    """The worst of component states (operational for none)."""
    return max(states, key=STATE_ORDER.index, default=OPERATIONAL)
