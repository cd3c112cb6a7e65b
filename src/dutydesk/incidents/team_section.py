"""The team file's `incidents:`, kept as one row of its definition."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dutydesk.incidents.models import IncidentSettings
from dutydesk.incidents.spec import SETTINGS_ID, IncidentsSpec
from dutydesk.team.sections import KnownIds, Problem, Section


def export_incidents(session: Session) -> list[IncidentsSpec]:
    """The stored `incidents:`, as a list of one (none before it is first applied)."""
    row = session.get(IncidentSettings, SETTINGS_ID)
    return [] if row is None else [IncidentsSpec.model_validate(row.definition)]


def save_incidents(
    session: Session, specs: Sequence[IncidentsSpec], changed: Collection[str], now: datetime
) -> None:
    """Keep the file's `incidents:`."""
    for spec in specs:
        row = session.get(IncidentSettings, SETTINGS_ID) or IncidentSettings(id=SETTINGS_ID)
        row.definition = spec.model_dump(mode="json")
        session.add(row)
    session.flush()


def remove_incidents(session: Session, ids: Collection[str], now: datetime) -> None:
    """The file no longer has `incidents:`: the defaults apply again."""
    session.execute(delete(IncidentSettings).where(IncidentSettings.id.in_(list(ids))))


def incidents_problems(specs: Sequence[IncidentsSpec], known: KnownIds) -> list[Problem]:
    """The rotas it names are in the file."""
    problems: list[Problem] = []
    for spec in specs:
        for name in ("comms_rota", "escalation_rota"):
            rota = getattr(spec, name)
            if rota is not None and rota not in known["rotas"]:
                problems.append(((0, name), f"{rota!r} is not a rota in this file"))
    return problems


def leave_out_incidents_defaults(document: dict[str, Any]) -> None:
    """An exported `incidents:` without what it leaves at the defaults."""
    defaults = IncidentsSpec().model_dump(mode="json")
    for key in ("comms_rota", "escalation_rota", "slack_channel", "email", "webhooks"):
        if not document.get(key):
            document.pop(key, None)
    for key in ("working_hours", "skip_holidays"):
        if document[key] == defaults[key]:
            del document[key]


SECTION = Section(
    kind="incidents",
    item=IncidentsSpec,
    compared=(
        "comms_rota",
        "escalation_rota",
        "working_hours",
        "skip_holidays",
        "slack_channel",
        "email",
        "webhooks",
    ),
    export=export_incidents,
    save=save_incidents,
    remove=remove_incidents,
    problems=incidents_problems,
    trim=leave_out_incidents_defaults,
    single=True,
)
