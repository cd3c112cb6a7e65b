"""What swaps adds to Dutydesk: asking colleagues to take a shift, offering, taking."""

from __future__ import annotations

from dutydesk.contributions import Command, CycleEntry, Module, NavEntry, Panel, Ref, Router

MODULE = Module(
    name="swaps",
    routers=(
        Router(Ref("dutydesk.swaps.api:router")),
        Router(Ref("dutydesk.swaps.pages:router"), kind="page"),
    ),
    navigation=(NavEntry("swaps", "/swaps", "Swaps", order=40),),
    panels=(
        Panel("swaps", order=40, place="aside", build=Ref("dutydesk.swaps.panels:swaps_for_you")),
    ),
    cycles=(CycleEntry("swaps", order=20, run=Ref("dutydesk.swaps.due:swaps_due")),),
    commands=(
        Command(
            "swap",
            "Shift swaps: ask for cover, take, exchange.",
            Ref("dutydesk.swaps.cli:swap_app"),
            order=14,
        ),
    ),
)
