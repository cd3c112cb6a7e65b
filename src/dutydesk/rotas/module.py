"""What rotas adds to Dutydesk: the rotas as configured, in the API.

Who is on them, their calendars and the `who` and `schedule` commands are the on-call layer's
(dutydesk/oncall/module.py).
"""

from __future__ import annotations

from dutydesk.contributions import Module, Ref, Router

MODULE = Module(
    name="rotas",
    routers=(Router(Ref("dutydesk.rotas.api:router")),),
)
