"""What audit adds to Dutydesk: the audit log of every change."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, Router

MODULE = Module(
    name="audit",
    routers=(Router(Ref("dutydesk.audit.api:router")),),
    commands=(
        Command(
            "audit",
            "The audit log, newest first: every change to rotas, overrides, swaps and cover.",
            Ref("dutydesk.audit.cli:audit"),
            order=50,
        ),
    ),
)
