"""The timeline as the incident page shows it, in the team's zone and UTC: the whole list as
HTML (`timeline_html`), and single entries as rows for the pinned list and an entry's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from dutydesk.incidents.models import TimelineEdit
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


def timeline_html(
    entries: Sequence[Entry],
    edits: dict[int, list[TimelineEdit]],
    zone: ZoneInfo,
    *,
    incident_id: int,
    may_change: bool,
) -> Markup:
    """The timeline's list items, built here rather than by the template: an incident's
    timeline can run to thousands of entries, and a template's loop costs several times as
    much per entry (docs/performance.md, Incidents). Every stored string is escaped; kinds and
    authors, which repeat, once each."""
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
    return Markup("\n".join(parts))


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
