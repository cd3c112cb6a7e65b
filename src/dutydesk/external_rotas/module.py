"""What external rotas add to Dutydesk: the worker cycle that refreshes their feeds, and the
actions of their pages (confirm a suspect copy, refresh now).

Their place in the team file is the rotas' (`external:` of a rota: rotas/team_section.py);
who is on them is the on-call layer's, as for any rota.
"""

from __future__ import annotations

from dutydesk.contributions import CycleEntry, Module, Ref, Router

MODULE = Module(
    name="external_rotas",
    routers=(Router(Ref("dutydesk.external_rotas.pages:router"), kind="page"),),
    # Before escalation, so that a step reaching an external rota reads the freshest copy this
    # pass can give (the refresh itself runs in the background: external_rotas/due.py).
    cycles=(
        CycleEntry(
            "external_rotas", order=25, run=Ref("dutydesk.external_rotas.due:external_rotas_due")
        ),
    ),
)
