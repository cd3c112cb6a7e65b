"""What rotas adds to Dutydesk: the rotas as configured, in the API.

Who is on them, their calendars and the `who` and `schedule` commands are the on-call layer's
(dutydesk/oncall/module.py).
"""

from __future__ import annotations

from dutydesk.contributions import Module, NavEntry, Ref, Router, TeamSection

MODULE = Module(
    name="rotas",
    routers=(
        Router(Ref("dutydesk.rotas.api:router")),
        Router(Ref("dutydesk.rotas.settings_pages:router"), kind="page"),
        # Everyone, with the rotas they are on: a page of rotas' because people know no rotas.
        Router(Ref("dutydesk.rotas.people_pages:router"), kind="page"),
    ),
    navigation=(NavEntry("people", "/people", "People", order=50),),
    team_sections=(
        TeamSection(
            "rotas",
            order=20,
            section=Ref("dutydesk.rotas.team_section:SECTION"),
            names=("people",),
        ),
    ),
)
