"""What tenants add to Dutydesk: the organisations the team supports."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, Router

MODULE = Module(
    name="tenants",
    routers=(
        Router(Ref("dutydesk.tenants.api:router")),
        Router(Ref("dutydesk.tenants.api:imports_router")),
    ),
    commands=(
        Command(
            "tenant",
            "Tenants: the organisations the team supports, their mail domains.",
            Ref("dutydesk.tenants.cli:tenant_app"),
            order=24,
        ),
    ),
)
