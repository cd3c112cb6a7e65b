"""What people adds to Dutydesk: team members and how to reach them."""

from __future__ import annotations

from dutydesk.contributions import Module, Ref, Router, TeamSection

MODULE = Module(
    name="people",
    routers=(
        Router(Ref("dutydesk.people.api:router")),
        Router(Ref("dutydesk.people.pages:router"), kind="page"),
    ),
    team_sections=(
        TeamSection("people", order=10, section=Ref("dutydesk.people.team_section:SECTION")),
    ),
)
