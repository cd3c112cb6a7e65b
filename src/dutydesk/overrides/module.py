"""What overrides adds to Dutydesk: overrides and break cover."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Panel, Ref, RemovalRule, Router

MODULE = Module(
    name="overrides",
    routers=(
        Router(Ref("dutydesk.overrides.api:router")),
        Router(Ref("dutydesk.overrides.cover_api:router")),
        Router(Ref("dutydesk.overrides.pages:router"), kind="page"),
    ),
    panels=(
        Panel("cover", order=50, place="aside", build=Ref("dutydesk.overrides.panels:break_cover")),
    ),
    commands=(
        Command(
            "cover",
            "Have someone cover ROTA for a short while; the rota's channels are told.",
            Ref("dutydesk.overrides.cover_cli:cover"),
            order=13,
        ),
    ),
    removal_rules=(
        RemovalRule("people", Ref("dutydesk.overrides.team_removals:make_way_for_removed_people")),
        RemovalRule("rotas", Ref("dutydesk.overrides.team_removals:make_way_for_removed_rotas")),
    ),
)
