"""A report as Markdown: the text of its e-mail, `/handover/{id}.md` and the page's body.

Everything the report quotes (service names, ticket subjects, incident titles, people's names)
is escaped, so a subject such as `**urgent** <script>` shows as written: never as formatting,
a link or HTML. The outgoing engineer's notes are Markdown by intent and are kept as written;
wherever they become HTML, the incident document's renderer sanitises them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dutydesk.text import one_line
from dutydesk.tickets.policy import FIRST_RESPONSE, UPDATE
from dutydesk.timeparse import duration_text, local_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def escape(text: object) -> str:
    """Quoted text as Markdown shows it literally, on one line."""
    return _SPECIAL.sub(r"\\\1", one_line(str(text)))


def _when(value: str | None, zone: ZoneInfo) -> str:
    return local_text(datetime.fromisoformat(value), zone) if value else "—"


# What a ticket's clock owes the tenant, in words.
_OWED = {FIRST_RESPONSE: "first response", UPDATE: "an update"}

Writer = Callable[[dict[str, Any], ZoneInfo], list[str]]


def _alerts(figures: dict[str, Any], zone: ZoneInfo) -> list[str]:
    lines = [
        f"- Alerts: **{figures['count']}**",
        f"- Pages: **{figures['pages']}**, out of hours: **{figures['pages_out_of_hours']}**",
    ]
    if figures["noisiest"]:
        lines += ["", "Noisiest services:", ""]
        lines += [f"1. {escape(s['name'])}: {s['alerts']}" for s in figures["noisiest"]]
    if figures["out_of_hours"]:
        lines += ["", "Pages out of hours:", ""]
        for page in figures["out_of_hours"]:
            people = ", ".join(escape(name) for name in page["people"]) or "a channel"
            lines.append(f"- {_when(page['at'], zone)}: {escape(page['name'])} → {people}")
    return lines


def _tickets(figures: dict[str, Any], zone: ZoneInfo) -> list[str]:
    lines = [
        f"- New: **{figures['new']}**, solved: **{figures['solved']}**,"
        f" breached: **{figures['breached']}**",
        f"- Still open: **{figures['open_count']}**",
    ]
    if figures["open"]:
        lines += ["", "| Ticket | Priority | Status | Owed | Due |", "|---|---|---|---|---|"]
        for ticket in figures["open"]:
            due = _when(ticket["due_at"], zone) + (" **overdue**" if ticket["overdue"] else "")
            lines.append(
                f"| \\#{ticket['id']} {escape(ticket['subject'])} | {ticket['priority'] or '—'}"
                f" | {ticket['status']} | {escape(_OWED.get(ticket['owed'], '—'))} | {due} |"
            )
    return lines


def _incidents(figures: dict[str, Any], zone: ZoneInfo) -> list[str]:
    def line(incident: dict[str, Any], extra: str = "") -> str:
        return (
            f"- \\#{incident['id']} {incident['priority']} {escape(incident['title'])}"
            f" ({incident['status']}){extra}"
        )

    opened = [line(i, f", declared {_when(i['declared_at'], zone)}") for i in figures["open"]]
    resolved = [line(i, f", resolved {_when(i['resolved_at'], zone)}") for i in figures["resolved"]]
    reviews = [
        line(
            i,
            f", review due {_when(i['review_due_at'], zone)}"
            + (" **overdue**" if i["overdue"] else ""),
        )
        for i in figures["reviews_due"]
    ]
    # Reports made before the `…_count` figures counted the listed ones.
    open_count = figures.get("open_count", len(opened))
    resolved_count = figures.get("resolved_count", len(resolved))
    reviews_count = figures.get("reviews_due_count", len(reviews))
    return [
        *_counted(f"Open: **{open_count}**", opened),
        "",
        *_counted(f"Resolved this week: **{resolved_count}**", resolved),
        "",
        *_counted(f"Reviews due: **{reviews_count}**", reviews),
    ]


def _counted(count: str, items: list[str]) -> list[str]:
    """A count, and the list of what it counts when there is any (no empty lists)."""
    return [count, "", *items] if items else [count]


def _rota_changes(figures: dict[str, Any], zone: ZoneInfo) -> list[str]:
    lines = [
        f"- Swaps: **{figures['swaps']}**, break cover: **{figures['cover']}**,"
        f" other overrides: **{figures['overrides']}**"
    ]
    for change in figures["changes"]:
        start = datetime.fromisoformat(change["start"])
        end = datetime.fromisoformat(change["end"])
        lines.append(
            f"- {change['kind']}: {escape(change['name'])} on {escape(change['rota_name'])},"
            f" {_when(change['start'], zone)} for {duration_text(end - start)}"
        )
    return lines


def _tasks(figures: dict[str, Any], zone: ZoneInfo) -> list[str]:
    done = [
        f"- \\#{t['id']} {escape(t['title'])} ({escape(t['owner'] or 'nobody')})"
        for t in figures["done"]
    ]
    lines = _counted(f"Done this week: **{figures['done_count']}**", done)
    if figures["outgoing_open"]:
        lines += ["", "Open tasks of the outgoing engineer:", ""]
        lines += [f"- \\#{t['id']} {escape(t['title'])}" for t in figures["outgoing_open"]]
    return lines


def _builds(figures: dict[str, Any], zone: ZoneInfo) -> list[str]:
    lines = [
        f"- Failures: **{figures['failures']}**, red time: **{red_time(figures['red_seconds'])}**,"
        f" flaky runs: **{figures['flaky']}**"
    ]
    if figures["top_jobs"]:
        lines += [
            "",
            "| Job | Failures | Red time | Flaky | Impact (failures × red hours) |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {escape(job['job'])} | {job['failures']} | {red_time(job['red_seconds'])}"
            f" | {job['flaky']} | {job['impact']:g} |"
            for job in figures["top_jobs"]
        ]
    if figures["red"]:
        lines += ["", "Red now:", ""]
        for spell in figures["red"]:
            fixing = (
                f"fixing the build: {escape(spell['fixing'])}"
                if spell["fixing"]
                else "nobody is fixing it"
            )
            lines.append(
                f"- {escape(spell['job'])}: red since {_when(spell['since'], zone)},"
                f" {_failures(spell['failures'])}; {fixing}"
            )
    return lines


def _failures(count: int) -> str:
    return "1 failure" if count == 1 else f"{count} failures"


def red_time(seconds: float) -> str:
    """Red time as people read it (`2 h 5 min`), or `none`."""
    return duration_text(timedelta(seconds=round(seconds))) if seconds else "none"


# How each section is written, by its key (report.SECTIONS). A section without a writer (one
# added later) is left out of the Markdown, never shown raw.
WRITERS: dict[str, tuple[str, Writer]] = {
    "alerts": ("Alerts", _alerts),
    "tickets": ("Tickets", _tickets),
    "builds": ("Build failures", _builds),
    "incidents": ("Incidents", _incidents),
    "rota_changes": ("Swaps and cover", _rota_changes),
    "tasks": ("Tasks", _tasks),
}


def report_markdown(
    report: dict[str, Any],
    *,
    notes: str,
    acknowledged: str | None,
    link: str,
    zone: ZoneInfo,
) -> str:
    """The whole report: heading, who hands over to whom, notes, sections, open items."""
    rota = report["rota"]
    period = report["period"]
    outgoing = escape(report["outgoing"]["name"]) if report["outgoing"] else "nobody"
    incoming = escape(report["incoming"]["name"]) if report["incoming"] else "nobody"
    lines = [
        f"# Handover: {escape(rota['name'])}, {_when(period['end'], zone)}",
        "",
        f"{outgoing} hands over to {incoming}. The week from {_when(period['start'], zone)}"
        f" to {_when(period['end'], zone)} ({escape(report['zone'])}).",
        "",
        f"Report: <{link}>",
        "",
        "## Notes from the outgoing engineer",
        "",
        notes or "_No notes yet._",
        "",
    ]
    if acknowledged:
        lines += [f"_{escape(acknowledged)}_", ""]
    sections = report["sections"]
    for key, (title, write) in WRITERS.items():
        if key in sections and (body := write(sections[key], zone)):
            lines += [f"## {title}", "", *body, ""]
    items = report["open_items"]
    lines += [
        "## Open items",
        "",
        f"- Open incidents: **{items['incidents']}**",
        f"- Open tickets: **{items['tickets']}** ({items['tickets_overdue']} overdue)",
        f"- Open tasks of the outgoing engineer: **{items['outgoing_tasks']}**",
    ]
    if "builds_red" in items:
        lines.append(f"- Red builds: **{items['builds_red']}**")
    for key, value in items.items():
        if key not in ("incidents", "tickets", "tickets_overdue", "outgoing_tasks", "builds_red"):
            lines.append(f"- {escape(key.replace('_', ' '))}: **{escape(value)}**")
    return "\n".join(lines) + "\n"
