"""What tickets add to Dutydesk: tenant tickets answered on time (being built: the support
policy of the team file so far)."""

from __future__ import annotations

from dutydesk.contributions import CycleEntry, Module, Ref, TeamSection

MODULE = Module(
    name="tickets",
    # After swaps and heartbeats, before escalations: a breach's alert pages in the same pass.
    cycles=(CycleEntry("tickets", order=35, run=Ref("dutydesk.tickets.due:tickets_due")),),
    team_sections=(
        TeamSection(
            "support",
            order=50,
            section=Ref("dutydesk.tickets.team_section:SECTION"),
            names=("rotas", "services"),
        ),
    ),
)
