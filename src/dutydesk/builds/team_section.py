"""The team file's `builds:`, kept as one row of its definition."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dutydesk.builds.models import BuildSettings
from dutydesk.builds.spec import DEFAULT_MAIN_BRANCHES, SETTINGS_ID, BuildsSpec
from dutydesk.team.sections import Section


def export_builds(session: Session) -> list[BuildsSpec]:
    """The stored `builds:`, as a list of one (none before it is first applied)."""
    row = session.get(BuildSettings, SETTINGS_ID)
    return [] if row is None else [BuildsSpec.model_validate(row.definition)]


def save_builds(
    session: Session, specs: Sequence[BuildsSpec], changed: Collection[str], now: datetime
) -> None:
    """Keep the file's `builds:`."""
    for spec in specs:
        row = session.get(BuildSettings, SETTINGS_ID) or BuildSettings(id=SETTINGS_ID)
        row.definition = spec.model_dump(mode="json")
        session.add(row)
    session.flush()


def remove_builds(session: Session, ids: Collection[str], now: datetime) -> None:
    """The file no longer has `builds:`: the defaults apply again."""
    session.execute(delete(BuildSettings).where(BuildSettings.id.in_(list(ids))))


def leave_out_builds_defaults(document: dict[str, Any]) -> None:
    """An exported `builds:` without what it leaves at the defaults."""
    if document.get("main_branches") == list(DEFAULT_MAIN_BRANCHES):
        del document["main_branches"]


SECTION = Section(
    kind="builds",
    item=BuildsSpec,
    compared=("main_branches",),
    export=export_builds,
    save=save_builds,
    remove=remove_builds,
    trim=leave_out_builds_defaults,
    single=True,
)
