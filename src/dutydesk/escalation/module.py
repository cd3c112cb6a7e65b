"""What escalation adds to Dutydesk: who is paged for an alert, and when the next step is."""

from __future__ import annotations

from dutydesk.contributions import CycleEntry, Module, Ref, Router, TeamSection

MODULE = Module(
    name="escalation",
    routers=(Router(Ref("dutydesk.escalation.api:router")),),
    cycles=(CycleEntry("escalations", order=40, run=Ref("dutydesk.escalation.due:escalate_due")),),
    team_sections=(
        TeamSection(
            "escalation_policies",
            order=40,
            section=Ref("dutydesk.escalation.team_section:SECTION"),
            names=("rotas", "people"),
        ),
    ),
)
