"""The team file's `support:`, kept as one row of its definition."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dutydesk.team.sections import KnownIds, Problem, Section
from dutydesk.tickets.models import SupportSettings
from dutydesk.tickets.spec import SETTINGS_ID, SupportSpec, default_targets


def export_support(session: Session) -> list[SupportSpec]:
    """The stored `support:`, as a list of one (none before it is first applied)."""
    row = session.get(SupportSettings, SETTINGS_ID)
    return [] if row is None else [SupportSpec.model_validate(row.definition)]


def save_support(
    session: Session, specs: Sequence[SupportSpec], changed: Collection[str], now: datetime
) -> None:
    """Keep the file's `support:`."""
    for spec in specs:
        row = session.get(SupportSettings, SETTINGS_ID) or SupportSettings(id=SETTINGS_ID)
        row.definition = spec.model_dump(mode="json")
        session.add(row)
    session.flush()


def remove_support(session: Session, ids: Collection[str], now: datetime) -> None:
    """The file no longer has `support:`: the defaults apply again (docs/tickets.md)."""
    session.execute(delete(SupportSettings).where(SupportSettings.id.in_(list(ids))))


def support_problems(specs: Sequence[SupportSpec], known: KnownIds) -> list[Problem]:
    """The rota and the service it names are in the file; paging at once needs a service."""
    problems: list[Problem] = []
    for spec in specs:
        if spec.rota is not None and spec.rota not in known["rotas"]:
            problems.append(((0, "rota"), f"{spec.rota!r} is not a rota in this file"))
        if spec.page_service is not None and spec.page_service not in known["services"]:
            problems.append(
                ((0, "page_service"), f"{spec.page_service!r} is not a service in this file")
            )
        if spec.page_at_once and spec.page_service is None:
            problems.append(((0, "page_at_once"), "name the page_service that pages"))
    return problems


def leave_out_support_defaults(document: dict[str, Any]) -> None:
    """An exported `support:` without what it leaves at the defaults."""
    defaults = SupportSpec()
    for key in ("hours", "rota", "page_service", "page_at_once", "webhooks"):
        if not document.get(key):
            document.pop(key, None)
    for key in ("skip_holidays", "untriaged", "auto_assign"):
        if document[key] == getattr(defaults, key):
            del document[key]
    defaults_by_priority = {p: t.model_dump(mode="python") for p, t in default_targets().items()}
    targets = {p: t for p, t in document["targets"].items() if t != defaults_by_priority[p]}
    for target in targets.values():
        if not target["calendar"]:
            del target["calendar"]
    if targets:
        document["targets"] = targets
    else:
        del document["targets"]


SECTION = Section(
    kind="support",
    item=SupportSpec,
    compared=(
        "hours",
        "skip_holidays",
        "rota",
        "auto_assign",
        "page_service",
        "page_at_once",
        "webhooks",
        "untriaged",
        "targets",
    ),
    export=export_support,
    save=save_support,
    remove=remove_support,
    problems=support_problems,
    trim=leave_out_support_defaults,
    single=True,
)
