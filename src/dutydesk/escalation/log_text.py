"""An alert's log as sentences for people: names instead of ids, times in the team's zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from dutydesk.alerts.models import AlertLogEntry
from dutydesk.audit.actors import actor_text
from dutydesk.escalation.alert_views import Names

LINK_ACTOR = "link:"  # actions taken through a page's signed link: "link:bob"
When = Callable[[datetime | None], str]


def who_text(actor: str | None, known: Names) -> str:
    """Who did something: 'alice on the web', 'Bob Brown through a page's link'."""
    if not actor:
        return "nobody"
    if actor.startswith(LINK_ACTOR):
        return f"{known.person(actor.removeprefix(LINK_ACTOR))} through a page's link"
    return actor_text(actor)


def log_sentence(entry: AlertLogEntry, known: Names, when: When) -> str:
    """One log entry as a sentence."""
    details: dict[str, Any] = entry.details if isinstance(entry.details, dict) else {}
    by = who_text(entry.actor, known)
    write = _SENTENCES.get(entry.kind)
    if write is None:
        return f"{entry.kind.replace('-', ' ').capitalize()} ({by})."
    return write(details, by, known, when)


def _time(details: dict[str, Any], key: str, when: When) -> str:
    try:
        return when(datetime.fromisoformat(str(details[key])))
    except (KeyError, ValueError):
        return "—"


def _step(details: dict[str, Any], known: Names) -> str:
    policy = known.policies.get(str(details.get("policy")), str(details.get("policy", "")))
    repeat = details.get("repeat") or 0
    again = f", repeat {repeat}" if repeat else ""
    return f"step {details.get('step', '?')} of {policy}{again}"


def _trigger(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    severity = f" ({details['severity']})" if details.get("severity") else ""
    return f"Triggered by {by}: “{details.get('summary', '')}”{severity}."


def _page(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    if "person" in details:
        due = f", due {_time(details, 'due_at', when)}" if details.get("due_at") else ""
        target = f"{known.person(str(details['person']))} by {details.get('via', '?')}{due}"
    else:
        target = str(details.get("to", "a channel"))
    return f"Paged {target} ({_step(details, known)})."


def _handover(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    source = known.policies.get(str(details.get("from")), str(details.get("from")))
    target = known.policies.get(str(details.get("to")), str(details.get("to")))
    reason = f" ({details['reason']})" if details.get("reason") else ""
    return f"Handed over from {source} to {target}{reason}."


def _outside_hours(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    policy = known.policies.get(str(details.get("policy")), str(details.get("policy")))
    return (
        f"Outside the hours of {policy}: paging waits until {_time(details, 'waits_until', when)}."
    )


def _no_policy(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    return f"No escalation policy {details.get('policy')!s} in force: nobody is paged."


def _nobody(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    rota = known.rotas.get(str(details.get("rota")), str(details.get("rota")))
    return f"Nobody is on call on {rota}, so nobody was paged ({_step(details, known)})."


def _fell_through(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    rota = known.rotas.get(str(details.get("rota")), str(details.get("rota")))
    return (
        f"Nobody is on call on the external rota {rota}, so {_step(details, known)} fell"
        f" through to step {details.get('next_step', '?')} at once."
    )


def _no_contact(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    person = known.person(str(details.get("person")))
    return (
        f"{person} has no e-mail address or Slack id to page,"
        f" so was not paged ({_step(details, known)})."
    )


def _ended(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    policy = known.policies.get(str(details.get("policy")), str(details.get("policy")))
    return f"Escalation ended: every step of {policy} has paged; nobody more will be."


def _held(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    reason = details.get("reason") or "a hold on its service"
    return f"Not paged: held by {reason}."


def _withdrawn(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    count = details.get("count", 0)
    pages = "page" if count == 1 else "pages"
    return f"{count} {pages} not yet sent {'was' if count == 1 else 'were'} withdrawn."


def _retrigger(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    acked = who_text(details.get("acknowledged_by"), known)
    return (
        f"Triggered again: acknowledged by {acked} at {_time(details, 'acknowledged_at', when)}"
        " but still not resolved."
    )


def _snooze(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    return f"Snoozed by {by} until {_time(details, 'until', when)}."


def _reassign(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    return f"Reassigned by {by} to {known.person(str(details.get('to')))}."


def _acknowledge(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    again = ""
    if details.get("retrigger_at"):
        again = f" Pages again at {_time(details, 'retrigger_at', when)} if not resolved."
    return f"Acknowledged by {by}.{again}"


def _resolve(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    return f"Resolved by {by}."


def _note(details: dict[str, Any], by: str, known: Names, when: When) -> str:
    return f"Note by {by}: {details.get('text', '')}"


_SENTENCES: dict[str, Callable[[dict[str, Any], str, Names, When], str]] = {
    "trigger": _trigger,
    "page": _page,
    "handover": _handover,
    "outside-hours": _outside_hours,
    "no-policy": _no_policy,
    "nobody-on-call": _nobody,
    "fell-through": _fell_through,
    "no-contact": _no_contact,
    "escalation-ended": _ended,
    "pages-withdrawn": _withdrawn,
    "held": _held,
    "retrigger": _retrigger,
    "snooze": _snooze,
    "reassign": _reassign,
    "acknowledge": _acknowledge,
    "resolve": _resolve,
    "note": _note,
}
