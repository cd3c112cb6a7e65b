"""What the team as code adds to Dutydesk: `dutydesk apply` and `dutydesk export`."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref

MODULE = Module(
    name="team_as_code",
    commands=(
        Command(
            "apply",
            "Create or update people and rotas from a team file; anything not in it is removed.",
            Ref("dutydesk.team_as_code.cli:apply"),
            order=60,
        ),
        Command(
            "export",
            "Write the current team as a team file that `dutydesk apply` takes back unchanged.",
            Ref("dutydesk.team_as_code.cli:export"),
            order=61,
        ),
    ),
)
