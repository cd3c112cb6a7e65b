"""What the handover adds to Dutydesk: the report of each support week made at the support
rota's handoff and the meeting's invitation ahead of it (the worker), the report pages, the
API and `dutydesk handover`, and the team file's `handover:`."""

from __future__ import annotations

from dutydesk.contributions import (
    Command,
    CycleEntry,
    Module,
    NavEntry,
    Ref,
    Router,
    TeamSection,
)

MODULE = Module(
    name="handover",
    routers=(
        Router(Ref("dutydesk.handover.api:router")),
        Router(Ref("dutydesk.handover.pages:router"), kind="page"),
    ),
    navigation=(NavEntry("handover", "/handover", "Handover", order=26),),
    commands=(
        Command(
            "handover",
            "Support-week handover reports: list, show, notes, acknowledge, make now.",
            Ref("dutydesk.handover.cli:handover_app"),
            order=32,
        ),
    ),
    # After escalation (the pages due before the handoff are recorded), before delivery.
    cycles=(CycleEntry("handover", order=45, run=Ref("dutydesk.handover.due:handover_due")),),
    team_sections=(
        TeamSection(
            "handover",
            order=58,
            section=Ref("dutydesk.handover.team_section:SECTION"),
        ),
    ),
)
