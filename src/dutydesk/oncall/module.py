"""What the on-call layer adds to Dutydesk: who is on call (`who`, `schedule`, the API), the
list of rotas, the override pages and the dashboard's rota panels.

Each rota's calendar page shows its feeds' secret addresses, so it is calendars' (above this).
"""

from __future__ import annotations

from dutydesk.contributions import Command, Module, NavEntry, Panel, Ref, Router

MODULE = Module(
    name="oncall",
    routers=(
        Router(Ref("dutydesk.oncall.api:router")),
        Router(Ref("dutydesk.oncall.pages:router"), kind="page"),
        Router(Ref("dutydesk.oncall.override_pages:router"), kind="page"),
    ),
    navigation=(NavEntry("rotas", "/rotas", "Rotas", order=30),),
    panels=(
        Panel(
            "rotas", order=20, place="full", build=Ref("dutydesk.oncall.panels:rotas_now_and_next")
        ),
        Panel("mine", order=30, place="main", build=Ref("dutydesk.oncall.panels:your_shifts")),
    ),
    commands=(
        Command(
            "who",
            "Who is on call now (or at --at), on every rota or the ones named.",
            Ref("dutydesk.oncall.cli:who"),
            order=10,
        ),
        Command(
            "schedule",
            "The final schedule of a rota between two times.",
            Ref("dutydesk.oncall.cli:schedule"),
            order=11,
        ),
    ),
)
