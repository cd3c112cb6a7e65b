"""Team as code: compare a team file with the database, apply the difference, export it back.

The team's own fields are the team core's (dutydesk/team/service.py); everything else is a
section a domain declares. Creations and updates go section by section in APPLY_ORDER (people
before the rotas that name them), removals in the opposite order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dutydesk import composition
from dutydesk.audit.service import record
from dutydesk.errors import Conflict
from dutydesk.team.fields import save_team_fields, team_fields
from dutydesk.team.service import find_team
from dutydesk.team.spec import CHANGEABLE_TEAM_FIELDS, TeamFields
from dutydesk.team_as_code.spec import APPLY_ORDER, FILE_ORDER, TeamSpec


@dataclass
class Change:
    """One line of a plan: what happens to which thing, and which fields change."""

    action: str  # "create", "update" or "remove"
    kind: str  # "team", or the kind of a section's items: "person", "rota" …
    id: str
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {self.kind} {self.id}{detail}"


RemovalCheck = Callable[[Session, set[str], datetime], None]


def _removal_rules() -> dict[str, list[RemovalCheck]]:
    """The domains' checks before items of each section are removed, by section key."""
    rules: dict[str, list[RemovalCheck]] = defaultdict(list)
    for rule in composition.removal_rules():
        rules[rule.key].append(rule.run.load())
    return dict(rules)


_REMOVAL_RULES = _removal_rules()


def plan(session: Session, spec: TeamFields) -> list[Change]:
    """What applying `spec` would change, in order; empty when the database already matches."""
    current = export_spec(session)
    changes: list[Change] = []
    if current is None:
        changes.append(Change("create", "team", spec.team))
    else:
        if current.team != spec.team:
            raise Conflict(
                f"this instance serves team {current.team!r}; the file declares {spec.team!r}"
            )
        team_changes = _changed_fields(current, spec, CHANGEABLE_TEAM_FIELDS)
        if team_changes:
            changes.append(Change("update", "team", spec.team, team_changes))
    by_section = [
        _diff_items(
            entry.section.kind,
            entry.items_in(current) if current else [],
            entry.items_in(spec),
            entry.section.compared,
        )
        for entry in APPLY_ORDER
    ]
    # Creations and updates first (people before the rotas and policies that name them),
    # removals last in the opposite order.
    changes += [c for section in by_section for c in section if c.action != "remove"]
    changes += [c for section in reversed(by_section) for c in section if c.action == "remove"]
    return changes


def apply(session: Session, spec: TeamFields, now: datetime, *, actor: str) -> list[Change]:
    """Make the database match `spec`; returns the changes made (none on a second apply).

    Each change is recorded in the audit log as done by `actor`.
    """
    changes = plan(session, spec)
    if not changes:
        return changes
    removed = {entry.key: _ids(changes, entry.section.kind, "remove") for entry in APPLY_ORDER}
    # Every refusal comes before the first change.
    for entry in APPLY_ORDER:
        if removed[entry.key]:
            for check in _REMOVAL_RULES.get(entry.key, []):
                check(session, removed[entry.key], now)
    save_team_fields(session, spec, now.date())
    for entry in APPLY_ORDER:
        saved = _ids(changes, entry.section.kind, "create", "update")
        if saved:
            entry.section.save(session, entry.items_in(spec), saved, now)
    for entry in reversed(APPLY_ORDER):
        if removed[entry.key]:
            entry.section.remove(session, removed[entry.key], now)
    audit_as = {entry.section.kind: entry.section.audit_as for entry in FILE_ORDER}
    for change in changes:
        _record_change(session, change, audit_as.get(change.kind), actor, now)
    session.flush()
    return changes


def _ids(changes: list[Change], kind: str, *actions: str) -> set[str]:
    return {c.id for c in changes if c.kind == kind and c.action in actions}


def _record_change(
    session: Session, change: Change, audit_as: str | None, actor: str, now: datetime
) -> None:
    """One audit entry per line of the plan, e.g. action "rota.update", "update rota x (hours)"."""
    record(
        session,
        actor=actor,
        action=f"{change.kind}.{change.action}",
        rota_id=change.id if audit_as == "rota" else None,
        person_ids=[change.id] if audit_as == "person" else [],
        summary=str(change),
        details={"kind": change.kind, "id": change.id, "fields": change.fields},
        now=now,
    )


def export_spec(session: Session) -> TeamFields | None:
    """The team in the database as a TeamSpec (None before the first apply)."""
    team = find_team(session)
    if team is None:
        return None
    sections = {entry.key: entry.value_of(entry.section.export(session)) for entry in FILE_ORDER}
    return TeamSpec.model_validate({**dict(team_fields(team)), **sections})


def export_document(spec: TeamFields) -> dict[str, Any]:
    """The plain data of a team file, leaving out empty optional fields."""
    # Python mode keeps dates as dates, so YAML writes them unquoted like people do.
    document = spec.model_dump(mode="python", exclude_none=True)
    if not document["extra_holidays"]:
        del document["extra_holidays"]
    for entry in FILE_ORDER:
        if entry.section.single:
            if entry.key in document:
                entry.section.trim(document[entry.key])
            continue
        for item in document[entry.key]:
            entry.section.trim(item)
        if not document[entry.key] and not entry.section.written_empty:
            del document[entry.key]
    return document


def _diff_items(
    kind: str, old_items: Sequence[Any], new_items: Sequence[Any], names: tuple[str, ...]
) -> list[Change]:
    """Compare two lists of things with ids: creations, updates (with fields), removals."""
    old_by_id = {item.id: (index, item) for index, item in enumerate(old_items)}
    changes: list[Change] = []
    for index, item in enumerate(new_items):
        if item.id not in old_by_id:
            changes.append(Change("create", kind, item.id))
            continue
        old_index, old = old_by_id[item.id]
        fields = _changed_fields(old, item, names)
        if old_index != index:
            fields.append("order")
        if fields:
            changes.append(Change("update", kind, item.id, fields))
    new_ids = {item.id for item in new_items}
    changes += [Change("remove", kind, item_id) for item_id in old_by_id if item_id not in new_ids]
    return changes


def _changed_fields(old: Any, new: Any, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(old, name) != getattr(new, name)]
