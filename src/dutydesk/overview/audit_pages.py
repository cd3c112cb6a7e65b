"""The audit page: recent changes, newest first, filtered by rota and person with a GET form
so a filtered view's URL can be shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from dutydesk.audit import service
from dutydesk.audit.actors import actor_text
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.people.service import person_names
from dutydesk.rotas.service import list_rotas
from dutydesk.timeparse import local_text
from dutydesk.web.forms import FormErrors
from dutydesk.web.page import SignedInPage

router = APIRouter(include_in_schema=False)

FILTER_FIELDS = ("rota", "person", "limit")
# Detail keys that hold a person's id, shown with the person's name.
_PERSON_KEYS = {"person", "requester", "taker", "covering_for"}
# Detail keys the other columns (or the old → new lines) already show.
_SHOWN_ELSEWHERE = {"kind", "id", "fields", "old", "new"}


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it."""

    at: datetime
    actor: str
    action: str
    summary: str
    details: list[str]
    rota_id: str | None
    person_ids: list[str]


@router.get("/audit", response_class=HTMLResponse)
def audit(page: SignedInPage, rota: str = "", person: str = "", limit: str = "") -> HTMLResponse:
    """Recent changes to rotas, people, overrides, swaps and cover (any signed-in user)."""
    values = {"rota": rota.strip(), "person": person.strip(), "limit": limit.strip()}
    errors = FormErrors()
    rows: list[AuditRow] = []
    with unit_of_work(page.runtime.read_sessions) as session:
        rota_names = {r.id: r.name for r in list_rotas(session)}
        names = person_names(session)
        # The log outlives rotas and people, so removed ones can be chosen too.
        rota_options = _options(rota_names, service.logged_rota_ids(session))
        person_options = _options(names, service.logged_person_ids(session))
        if values["rota"] and values["rota"] not in dict(rota_options):
            errors.add("rota", f"there is no rota {values['rota']!r}: choose one from the list")
        if values["person"] and values["person"] not in dict(person_options):
            errors.add("person", f"there is nobody {values['person']!r}: choose from the list")
        how_many = _limit(values["limit"], errors)
        if not errors:
            try:
                found = service.list_entries(
                    session,
                    rota_id=values["rota"] or None,
                    person_id=values["person"] or None,
                    limit=how_many,
                )
            except Invalid as error:
                errors.add_error(error, FILTER_FIELDS)
            else:
                rows = [_row(record, page.zone, names) for record in found]
    return page.render(
        "audit/list.html",
        {
            "active": "audit",
            "rows": rows,
            "rota_names": rota_names,
            "names": names,
            "rota_options": rota_options,
            "person_options": person_options,
            "values": values,
            "errors": errors.by_field,
            "filtered": bool(values["rota"] or values["person"]),
            "default_limit": service.DEFAULT_LIMIT,
            "largest_limit": service.LARGEST_LIMIT,
        },
        status=400 if errors else 200,
    )


def _options(current: dict[str, str], logged: list[str]) -> list[tuple[str, str]]:
    """Select options: current things by name, then ids only the log still mentions."""
    options = [(thing_id, f"{name} ({thing_id})") for thing_id, name in current.items()]
    options += [
        (thing_id, f"{thing_id} (removed)") for thing_id in logged if thing_id not in current
    ]
    return options


def _limit(text: str, errors: FormErrors) -> int:
    if not text:
        return service.DEFAULT_LIMIT
    try:
        return int(text)
    except ValueError:
        errors.add("limit", f"enter a whole number from 1 to {service.LARGEST_LIMIT}")
        return service.DEFAULT_LIMIT


def _row(found: service.AuditRecord, zone: ZoneInfo, names: dict[str, str]) -> AuditRow:
    entry = found.entry
    return AuditRow(
        at=entry.at,
        actor=actor_text(entry.actor),
        action=entry.action,
        summary=entry.summary,
        details=detail_lines(entry.details, zone, names),
        rota_id=entry.rota_id,
        person_ids=found.person_ids,
    )


def detail_lines(details: dict[str, Any], zone: ZoneInfo, names: dict[str, str]) -> list[str]:
    """An entry's details as short lines: times in the team's zone, people by name."""
    lines: list[str] = []
    old, new = details.get("old"), details.get("new")
    if isinstance(old, dict) and isinstance(new, dict):
        for key in new:
            lines.append(f"{key}: {_text(old.get(key))} → {_text(new.get(key))}")
    elif details.get("fields"):
        lines.append(f"fields: {_text(details['fields'])}")
    for key, value in details.items():
        if key in _SHOWN_ELSEWHERE or value is None or value == "" or value == []:
            continue
        if key in _PERSON_KEYS and isinstance(value, str):
            shown = names.get(value, value)
        else:
            shown = _text(value, zone)
        lines.append(f"{key.replace('_', ' ')}: {shown}")
    return lines


def _text(value: Any, zone: ZoneInfo | None = None) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(_text(item, zone) for item in value)
    if isinstance(value, str) and zone is not None:
        instant = _instant(value)
        if instant is not None:
            return local_text(instant, zone)
    return str(value)


def _instant(text: str) -> datetime | None:
    """An ISO 8601 time with an offset, as details store times; None for any other text."""
    if len(text) < 16 or text[4:5] != "-" or "T" not in text:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None
