"""What overrides adds to Dutydesk: a rota's overrides in the API and `dutydesk override`.

Their pages preview the schedule a change leaves, so they are the on-call layer's
(dutydesk/oncall/module.py); break cover is dutydesk/cover.
"""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, RemovalRule, Router

MODULE = Module(
    name="overrides",
    routers=(Router(Ref("dutydesk.overrides.api:router")),),
    commands=(
        Command(
            "override",
            "Put someone on a rota in place of whoever is scheduled.",
            Ref("dutydesk.overrides.cli:override_app"),
            order=12,
        ),
    ),
    removal_rules=(
        RemovalRule("people", Ref("dutydesk.overrides.team_removals:make_way_for_removed_people")),
        RemovalRule("rotas", Ref("dutydesk.overrides.team_removals:make_way_for_removed_rotas")),
    ),
)
