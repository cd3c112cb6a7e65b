"""What announcements adds to Dutydesk: handoff announcements."""

from __future__ import annotations

from dutydesk.contributions import CycleEntry, Module, Ref

MODULE = Module(
    name="announcements",
    cycles=(
        CycleEntry(
            "announcements", order=10, run=Ref("dutydesk.announcements.service:announce_due")
        ),
    ),
)
