"""The cycles the worker runs, in order. Each module with due work adds its cycle here."""

from __future__ import annotations

from dutydesk.worker.loop import Cycle


def default_cycles() -> list[Cycle]:
    """Every cycle of a full worker."""
    return []
