"""What calendars adds to Dutydesk: each rota's calendar page, and iCal feeds of rotas and
people."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, Router

MODULE = Module(
    name="calendars",
    routers=(
        Router(Ref("dutydesk.calendars.api:router"), kind="as_is"),
        Router(Ref("dutydesk.calendars.pages:router"), kind="page"),
    ),
    commands=(
        Command(
            "feed", "Secret calendar feed URLs.", Ref("dutydesk.calendars.cli:feed_app"), order=40
        ),
    ),
)
