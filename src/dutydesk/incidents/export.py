"""An incident's timeline exported as Markdown, CSV or JSON, in the order things happened,
each time in UTC and in the team's time zone."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.incidents.models import Incident
from dutydesk.incidents.service import get_incident
from dutydesk.incidents.timeline import Entry, entries
from dutydesk.timeparse import local_text

FORMATS = {"markdown": "text/markdown", "csv": "text/csv", "json": "application/json"}
SUFFIXES = {"markdown": "md", "csv": "csv", "json": "json"}
_CSV_FIELDS = ("occurred_at_utc", "occurred_at_local", "kind", "author", "pinned", "edited", "text")
# Characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TimelineFile:
    """An incident's timeline as a file to download."""

    text: str
    media_type: str
    filename: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Disposition": f'attachment; filename="{self.filename}"'}


def timeline_file(session: Session, incident_id: int, zone: ZoneInfo, fmt: str) -> TimelineFile:
    """The incident's timeline exported as `fmt`; NotFound for an unknown incident."""
    incident = get_incident(session, incident_id)
    return TimelineFile(
        export(incident, entries(session, incident_id), zone, fmt),
        f"{FORMATS[fmt]}; charset=utf-8",
        f"incident-{incident_id}-timeline.{SUFFIXES[fmt]}",
    )


def export(incident: Incident, entries: Sequence[Entry], zone: ZoneInfo, fmt: str) -> str:
    if fmt == "markdown":
        return _markdown(incident, entries, zone)
    if fmt == "csv":
        return _csv(entries, zone)
    if fmt == "json":
        return _json(incident, entries, zone)
    raise ValueError(f"no export format {fmt!r}")


def _utc(entry: Entry) -> str:
    return _utc_text(entry.occurred_at)


def _utc_text(at: datetime) -> str:
    # Spelled out: strftime costs several times as much, over thousands of entries.
    return (
        f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}Z"
    )


def _markdown(incident: Incident, entries: Sequence[Entry], zone: ZoneInfo) -> str:
    lines = [
        f"# Incident {incident.id} ({incident.priority}): {_md_line(incident.title)}",
        "",
        f"Status: {incident.status}. Times in UTC and {zone.key}.",
        "",
        "| Occurred (UTC) | Occurred (team time) | Kind | By | Entry |",
        "|---|---|---|---|---|",
    ]
    for entry in entries:
        text = _md_cell(entry.text)
        if entry.pinned:
            text = f"**Pinned:** {text}"
        lines.append(
            f"| {_utc(entry)} | {local_text(entry.occurred_at, zone)} | {entry.kind}"
            f" | {_md_cell(entry.author)} | {text} |"
        )
    return "\n".join(lines) + "\n"


def _md_line(text: str) -> str:
    return " ".join(text.split())


def _md_cell(text: str) -> str:
    """Text in a Markdown table cell: one line, its pipes escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _csv(entries: Sequence[Entry], zone: ZoneInfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_FIELDS)
    writer.writerows(
        (
            _utc(entry),
            entry.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
            entry.kind,
            _cell(entry.author),
            "yes" if entry.pinned else "no",
            "yes" if entry.edited_at else "no",
            _cell(entry.text),
        )
        for entry in entries
    )
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _json(incident: Incident, entries: Sequence[Entry], zone: ZoneInfo) -> str:
    document = {
        "incident": {
            "id": incident.id,
            "title": incident.title,
            "priority": incident.priority,
            "status": incident.status,
            "timezone": zone.key,
        },
        "timeline": [
            {
                "id": entry.id,
                "occurred_at": _utc(entry),
                "occurred_at_local": entry.occurred_at.astimezone(zone).isoformat(
                    timespec="seconds"
                ),
                "recorded_at": _utc_text(entry.recorded_at),
                "kind": entry.kind,
                "author": entry.author,
                "pinned": entry.pinned,
                "edited": entry.edited_at is not None,
                "text": entry.text,
            }
            for entry in entries
        ],
    }
    # Compact: json's fast encoder writes nothing else.
    return json.dumps(document, ensure_ascii=False) + "\n"
