"""A report's figures: its sections in order, built over one period.

SECTIONS is the one list of what a report holds. Each entry names the key its figures are
stored under and the function that builds them; a function may return None to leave its
section out (a team that has never recorded a build).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dutydesk.handover import figures
from dutydesk.handover.period import Period

# Raised when the shape of `report` changes, so readers can tell old reports from new ones.
REPORT_VERSION = 1


@dataclass(frozen=True)
class SectionSource:
    """One section of the report: its key, its heading, and how its figures are built."""

    key: str
    title: str
    build: Callable[[Session, Period], dict[str, Any] | None]


SECTIONS: tuple[SectionSource, ...] = (
    SectionSource("alerts", "Alerts", figures.alerts_section),
    SectionSource("tickets", "Tickets", figures.tickets_section),
    SectionSource("builds", "Build failures", figures.builds_section),
    SectionSource("incidents", "Incidents", figures.incidents_section),
    SectionSource("rota_changes", "Swaps and cover", figures.rota_changes_section),
    SectionSource("tasks", "Tasks", figures.tasks_section),
)


def build_report(
    session: Session,
    period: Period,
    *,
    rota: dict[str, str],
    people: dict[str, str],
) -> dict[str, Any]:
    """The report of `period` as JSON values: who handed over to whom, each section's figures,
    and the open items the incoming engineer takes over."""
    sections: dict[str, dict[str, Any]] = {}
    for source in SECTIONS:
        built = source.build(session, period)
        if built is not None:
            sections[source.key] = built
    return {
        "version": REPORT_VERSION,
        "rota": rota,
        "zone": str(period.zone),
        "period": {"start": figures.iso(period.start), "end": figures.iso(period.end)},
        "made_at": figures.iso(period.now),
        "outgoing": _person(period.outgoing_id, people),
        "incoming": _person(period.incoming_id, people),
        "sections": sections,
        "open_items": figures.open_items(sections),
    }


def _person(person_id: str | None, people: dict[str, str]) -> dict[str, str] | None:
    if person_id is None:
        return None
    return {"id": person_id, "name": people.get(person_id, person_id)}
