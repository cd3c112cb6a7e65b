"""What heartbeats adds to Dutydesk: jobs that must ping, and the alert when one does not."""

from __future__ import annotations

from dutydesk.contributions import Command, CycleEntry, Module, Ref, RemovalRule, Router

MODULE = Module(
    name="heartbeats",
    routers=(
        Router(Ref("dutydesk.heartbeats.api:router")),
        Router(Ref("dutydesk.heartbeats.api:hooks_router"), kind="as_is"),
    ),
    cycles=(CycleEntry("heartbeats", order=30, run=Ref("dutydesk.heartbeats.due:heartbeats_due")),),
    commands=(
        Command(
            "heartbeat",
            "Heartbeat monitors: a job pings; a missed ping raises an alert.",
            Ref("dutydesk.heartbeats.cli:heartbeat_app"),
            order=22,
        ),
    ),
    removal_rules=(
        RemovalRule(
            "services", Ref("dutydesk.heartbeats.team_removals:refuse_removing_services_in_use")
        ),
    ),
)
