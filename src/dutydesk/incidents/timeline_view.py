"""The timeline as the incident page shows it, in the team's zone and UTC: the whole list as
HTML, kept per timeline version (`rendered_timeline`), and single entries as rows for the
pinned list and an entry's page."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from dutydesk.incidents import timeline
from dutydesk.incidents.models import Incident, TimelineEdit
from dutydesk.incidents.timeline import NOTE, Entry
from dutydesk.timeparse import local_text


@dataclass(frozen=True, slots=True)
class EarlierVersion:
    until: str  # when it was changed, team time
    by: str
    at: str  # when it said it happened, team time
    text: str


@dataclass(frozen=True, slots=True)
class TimelineRow:
    id: int
    kind: str
    author: str
    text: str
    pinned: bool
    edited: bool
    iso: str
    local: str
    utc: str
    earlier: tuple[EarlierVersion, ...]


def timeline_rows(
    entries: Sequence[Entry], edits: dict[int, list[TimelineEdit]], zone: ZoneInfo
) -> list[TimelineRow]:
    return [
        TimelineRow(
            id=entry.id,
            kind=entry.kind,
            author=entry.author,
            text=entry.text,
            pinned=entry.pinned,
            edited=entry.edited_at is not None,
            iso=entry.occurred_at.isoformat(),
            local=local_text(entry.occurred_at, zone),
            utc=entry.occurred_at.strftime("%H:%M"),
            earlier=tuple(
                EarlierVersion(
                    local_text(edit.edited_at, zone),
                    edit.edited_by,
                    local_text(edit.occurred_at, zone),
                    edit.text,
                )
                for edit in edits.get(entry.id, ())
            ),
        )
        for entry in entries
    ]


def entry_items(
    entries: Sequence[Entry],
    edits: dict[int, list[TimelineEdit]],
    zone: ZoneInfo,
    *,
    incident_id: int,
    may_change: bool,
) -> list[str]:
    """Each entry's list item, built here rather than by the template: an incident's timeline
    can run to thousands of entries, and a template's loop costs several times as much per
    entry (docs/performance.md, Incidents). Every stored string is escaped; kinds and authors,
    which repeat, once each."""
    escaped: dict[str, str] = {}

    def once(text: str) -> str:
        found = escaped.get(text)
        if found is None:
            found = escaped[text] = str(escape(text))
        return found

    parts: list[str] = []
    for entry in entries:
        at = entry.occurred_at
        local = local_text(at, zone)
        kind = once(entry.kind)
        clock = f"{at.hour:02d}:{at.minute:02d}"
        pinned = " timeline__entry--pinned" if entry.pinned else ""
        marks = (" · pinned" if entry.pinned else "") + (
            " · edited" if entry.edited_at is not None else ""
        )
        if may_change:
            what = "Edit or pin" if entry.kind == NOTE else "Pin"
            marks += (
                f' · <a href="/incidents/{incident_id}/timeline/{entry.id}">{what}'
                f'<span class="visually-hidden"> the entry at {local}</span></a>'
            )
        earlier = _earlier(edits[entry.id], zone) if entry.id in edits else ""
        parts.append(
            f'<li id="entry-{entry.id}" class="timeline__entry timeline__entry--{kind}{pinned}">'
            f'<p class="timeline__meta"><time datetime="{at.date().isoformat()}T{clock}Z">'
            f'{local}</time> <span class="utc">({clock} UTC)</span> · <span class="badge">'
            f"{kind}</span> · {once(entry.author)}{marks}</p>"
            f'<div class="timeline__text">{escape(entry.text)}</div>{earlier}</li>'
        )
    return parts


def _earlier(versions: list[TimelineEdit], zone: ZoneInfo) -> str:
    items = "".join(
        f"<li>Until {local_text(v.edited_at, zone)} ({escape(v.edited_by)} changed it): at"
        f' {local_text(v.occurred_at, zone)}, <span class="timeline__text">{escape(v.text)}'
        "</span></li>"
        for v in versions
    )
    return (
        '<details class="message__more"><summary>Earlier versions</summary>'
        f"<ul>{items}</ul></details>"
    )


# What the incident page has rendered of each timeline lately, per database, incident (its
# number and when it was declared), zone and whether the viewer may change entries: the list as
# a whole for its timeline version, and each entry's item with the stamp it was made for. A new
# version (an entry added, changed or pinned) re-renders only the entries whose stamp moved, so
# the page's cost after a change is a light read of the stamps, not the whole timeline's text.
# Several processes each keep their own. Bounded by size: a long timeline runs to megabytes.
_Stamp = tuple[datetime, bool, datetime | None]  # when it happened, pinned, last edited
_Key = tuple[int, datetime, str, bool]


@dataclass
class _Rendered:
    version: int
    html: Markup
    items: dict[int, tuple[_Stamp, str]]


_RENDERED: weakref.WeakKeyDictionary[Engine | Connection, OrderedDict[_Key, _Rendered]] = (
    weakref.WeakKeyDictionary()
)
_RENDERED_BYTES_MOST = 64 * 1024 * 1024
_lock = threading.Lock()


def rendered_timeline(
    session: Session, incident: Incident, zone: ZoneInfo, *, may_change: bool
) -> Markup:
    """The incident's timeline as the page lists it."""
    key = (incident.id, incident.declared_at, zone.key, may_change)
    database = session.get_bind()
    with _lock:
        kept_here = _RENDERED.setdefault(database, OrderedDict())
        kept = kept_here.get(key)
        if kept is not None:
            kept_here.move_to_end(key)
            if kept.version == incident.timeline_version:
                return kept.html
    known = kept.items if kept is not None else {}
    stamps = timeline.stamps(session, incident.id)
    stale = [entry_id for entry_id, stamp in stamps if known.get(entry_id, (None,))[0] != stamp]
    fresh = _items_of(session, incident.id, stale, zone, may_change) if stale else {}
    items = {
        entry_id: fresh[entry_id] if entry_id in fresh else known[entry_id]
        for entry_id, _ in stamps
    }
    html = Markup("\n".join(item for _, item in items.values()))
    with _lock:
        kept_here[key] = _Rendered(incident.timeline_version, html, items)
        total = sum(2 * len(rendered.html) for rendered in kept_here.values())
        while total > _RENDERED_BYTES_MOST and len(kept_here) > 1:
            _, dropped = kept_here.popitem(last=False)
            total -= 2 * len(dropped.html)
    return html


def _items_of(
    session: Session, incident_id: int, entry_ids: list[int], zone: ZoneInfo, may_change: bool
) -> dict[int, tuple[_Stamp, str]]:
    entries = timeline.entries_by_id(session, incident_id, entry_ids)
    edits = timeline.edits_of(session, [e.id for e in entries if e.edited_at is not None])
    items = entry_items(entries, edits, zone, incident_id=incident_id, may_change=may_change)
    return {
        entry.id: ((entry.occurred_at, entry.pinned, entry.edited_at), item)
        for entry, item in zip(entries, items, strict=True)
    }
