"""What fairness adds to Dutydesk: the on-call load report (page and API, admins only).

Its command, `dutydesk rota load`, is in the `rota` group that the team as code declares with
`rota suggest` (composition.SERVICE)."""

from __future__ import annotations

from dutydesk.contributions import Module, NavEntry, Ref, Router

MODULE = Module(
    name="fairness",
    routers=(
        Router(Ref("dutydesk.fairness.api:router")),
        Router(Ref("dutydesk.fairness.pages:router"), kind="page"),
    ),
    navigation=(
        NavEntry(
            "fairness",
            "/fairness",
            "Fairness",
            order=85,
            shown=Ref("dutydesk.fairness.pages:shown"),
        ),
    ),
)
