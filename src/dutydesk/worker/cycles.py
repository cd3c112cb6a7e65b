"""The cycles the worker runs, in order: every domain's, from the composition root."""

from __future__ import annotations

from dutydesk import composition
from dutydesk.worker.loop import Cycle


def default_cycles() -> list[Cycle]:
    """Every cycle of a full worker."""
    # Cycles that queue messages come before the one that delivers them (by their `order`),
    # so a pass sends what it has just queued.
    return [Cycle(entry.name, entry.run.load()) for entry in composition.cycles()]
