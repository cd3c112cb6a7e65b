"""Who made a change, in words, from the actor the audit log records ("web:alice", "cli:root")."""

from __future__ import annotations

_ACTOR_KINDS = {"web": "on the web", "user": "through the API", "cli": "on the command line"}


def actor_text(actor: str) -> str:
    """Who made a change, for people: 'alice on the web', 'the worker'."""
    kind, _, name = actor.partition(":")
    if kind in _ACTOR_KINDS:
        return f"{name} {_ACTOR_KINDS[kind]}" if name else _ACTOR_KINDS[kind].capitalize()
    if actor == "worker":
        return "Dutydesk's worker"
    if actor == "zendesk":
        return "Zendesk"
    return actor
