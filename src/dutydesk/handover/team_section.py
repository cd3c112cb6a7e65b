"""The team file's `handover:`, kept as one row of its definition and since when it exists."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dutydesk.handover.models import HandoverSettings
from dutydesk.handover.spec import SETTINGS_ID, HandoverSpec
from dutydesk.team.sections import Section


def export_handover(session: Session) -> list[HandoverSpec]:
    """The stored `handover:`, as a list of one (none before it is first applied)."""
    row = session.get(HandoverSettings, SETTINGS_ID)
    return [] if row is None else [HandoverSpec.model_validate(row.definition)]


def save_handover(
    session: Session, specs: Sequence[HandoverSpec], changed: Collection[str], now: datetime
) -> None:
    """Keep the file's `handover:`; a new one starts now (earlier handoffs get no report)."""
    for spec in specs:
        row = session.get(HandoverSettings, SETTINGS_ID)
        if row is None:
            row = HandoverSettings(id=SETTINGS_ID, since_at=now)
        row.definition = spec.model_dump(mode="json")
        session.add(row)
    session.flush()


def remove_handover(session: Session, ids: Collection[str], now: datetime) -> None:
    """The file no longer has `handover:`: the worker makes no more reports (past ones stay)."""
    session.execute(delete(HandoverSettings).where(HandoverSettings.id.in_(list(ids))))


def leave_out_handover_defaults(document: dict[str, Any]) -> None:
    """An exported `handover:` without what it leaves at the defaults."""
    defaults = HandoverSpec().model_dump(mode="json")
    for key, value in defaults.items():
        # A field left out already (an unset channel) is not in the document at all.
        if key in document and document[key] == value:
            del document[key]


SECTION = Section(
    kind="handover",
    item=HandoverSpec,
    compared=("meeting", "invite_before", "email", "slack_channel"),
    export=export_handover,
    save=save_handover,
    remove=remove_handover,
    trim=leave_out_handover_defaults,
    single=True,
)
