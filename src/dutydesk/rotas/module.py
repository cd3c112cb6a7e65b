"""What rotas adds to Dutydesk: who is on call (`who`, `schedule`), the rota pages and panels."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, NavEntry, Panel, Ref, Router, TeamSection

MODULE = Module(
    name="rotas",
    routers=(
        Router(Ref("dutydesk.rotas.api:router")),
        Router(Ref("dutydesk.rotas.pages:router"), kind="page"),
        Router(Ref("dutydesk.rotas.settings_pages:router"), kind="page"),
        # Everyone, with the rotas they are on: a page of rotas' because people know no rotas.
        Router(Ref("dutydesk.rotas.people_pages:router"), kind="page"),
    ),
    navigation=(
        NavEntry("rotas", "/rotas", "Rotas", order=30),
        NavEntry("people", "/people", "People", order=50),
    ),
    panels=(
        Panel(
            "rotas", order=20, place="full", build=Ref("dutydesk.rotas.panels:rotas_now_and_next")
        ),
        Panel("mine", order=30, place="main", build=Ref("dutydesk.rotas.panels:your_shifts")),
    ),
    commands=(
        Command(
            "who",
            "Who is on call now (or at --at), on every rota or the ones named.",
            Ref("dutydesk.rotas.cli:who"),
            order=10,
        ),
        Command(
            "schedule",
            "The final schedule of a rota between two times.",
            Ref("dutydesk.rotas.cli:schedule"),
            order=11,
        ),
        Command(
            "override",
            "Put someone on a rota in place of whoever is scheduled.",
            Ref("dutydesk.rotas.cli:override_app"),
            order=12,
        ),
    ),
    team_sections=(
        TeamSection(
            "rotas",
            order=20,
            section=Ref("dutydesk.rotas.team_section:SECTION"),
            names=("people",),
        ),
    ),
)
