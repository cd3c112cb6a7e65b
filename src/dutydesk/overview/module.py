"""What the overview adds to Dutydesk: the pages that show the whole team across domains, the
dashboard and the audit log, and the dashboard's suggestion of a task for the engineer on
support (it reads alerts, tickets and tasks)."""

from __future__ import annotations

from dutydesk.contributions import Module, NavEntry, Panel, Ref, Router

MODULE = Module(
    name="overview",
    routers=(
        Router(Ref("dutydesk.overview.dashboard:router"), kind="page"),
        Router(Ref("dutydesk.overview.audit_pages:router"), kind="page"),
    ),
    navigation=(
        NavEntry("dashboard", "/", "Dashboard", order=10),
        NavEntry("audit", "/audit", "Audit", order=60),
    ),
    # Beside the tickets: what to do when no alert or ticket waits (it reads both).
    panels=(
        Panel(
            "next_task",
            order=35,
            place="aside",
            build=Ref("dutydesk.overview.next_task:next_task_panel"),
        ),
    ),
)
