"""The cycles the worker runs, in order. Each module with due work adds its cycle here."""

from __future__ import annotations

from dutydesk.announcements.service import announce_due
from dutydesk.escalation.due import escalate_due
from dutydesk.heartbeats.due import heartbeats_due
from dutydesk.notify.delivery import deliver_due
from dutydesk.swaps.due import swaps_due
from dutydesk.worker.loop import Cycle


def default_cycles() -> list[Cycle]:
    """Every cycle of a full worker."""
    # Cycles that queue messages come before the one that delivers them, so a pass sends what
    # it has just queued.
    return [
        Cycle("announcements", announce_due),
        Cycle("swaps", swaps_due),
        Cycle("heartbeats", heartbeats_due),
        Cycle("escalations", escalate_due),
        Cycle("deliveries", deliver_due),
    ]
