"""What the overview adds to Dutydesk: the pages that show the whole team across domains, the
dashboard and the audit log."""

from __future__ import annotations

from dutydesk.contributions import Module, NavEntry, Ref, Router

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
)
