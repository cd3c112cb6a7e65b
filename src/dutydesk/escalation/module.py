"""What escalation adds to Dutydesk: who is paged for an alert, and when the next step is."""

from __future__ import annotations

from dutydesk.contributions import CycleEntry, Module, Ref, Router

MODULE = Module(
    name="escalation",
    routers=(Router(Ref("dutydesk.escalation.api:router")),),
    cycles=(CycleEntry("escalations", order=40, run=Ref("dutydesk.escalation.due:escalate_due")),),
)
