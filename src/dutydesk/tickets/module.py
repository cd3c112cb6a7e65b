"""What tickets add to Dutydesk: tenant tickets answered on time (being built: the support
policy of the team file so far)."""

from __future__ import annotations

from dutydesk.contributions import Module, Ref, TeamSection

MODULE = Module(
    name="tickets",
    team_sections=(
        TeamSection(
            "support",
            order=50,
            section=Ref("dutydesk.tickets.team_section:SECTION"),
            names=("rotas", "services"),
        ),
    ),
)
