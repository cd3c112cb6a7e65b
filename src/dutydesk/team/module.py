"""What team adds to Dutydesk: the team page and the team file commands."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, Router

MODULE = Module(
    name="team",
    routers=(Router(Ref("dutydesk.team.pages:router"), kind="page"),),
    commands=(
        Command(
            "apply",
            "Create or update people and rotas from a team file; anything not in it is removed.",
            Ref("dutydesk.team.cli:apply"),
            order=60,
        ),
        Command(
            "export",
            "Write the current team as a team file that `dutydesk apply` takes back unchanged.",
            Ref("dutydesk.team.cli:export"),
            order=61,
        ),
    ),
)
