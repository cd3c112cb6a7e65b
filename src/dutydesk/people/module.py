"""What people adds to Dutydesk: team members and how to reach them."""

from __future__ import annotations

from dutydesk.contributions import Module, NavEntry, Ref, Router

MODULE = Module(
    name="people",
    routers=(
        Router(Ref("dutydesk.people.api:router")),
        Router(Ref("dutydesk.people.pages:router"), kind="page"),
    ),
    navigation=(NavEntry("people", "/people", "People", order=50),),
)
