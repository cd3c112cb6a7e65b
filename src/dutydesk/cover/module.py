"""What break cover adds to Dutydesk: its API route, pages, dashboard panel and `dutydesk cover`."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Panel, Ref, Router

MODULE = Module(
    name="cover",
    routers=(
        Router(Ref("dutydesk.cover.api:router")),
        Router(Ref("dutydesk.cover.pages:router"), kind="page"),
    ),
    panels=(
        Panel("cover", order=50, place="aside", build=Ref("dutydesk.cover.panels:break_cover")),
    ),
    commands=(
        Command(
            "cover",
            "Have someone cover ROTA for a short while; the rota's channels are told.",
            Ref("dutydesk.cover.cli:cover"),
            order=13,
        ),
    ),
)
