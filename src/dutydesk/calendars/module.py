"""What calendars adds to Dutydesk: iCal feeds of rotas and people."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, Router

MODULE = Module(
    name="calendars",
    routers=(Router(Ref("dutydesk.calendars.api:router"), kind="as_is"),),
    commands=(
        Command(
            "feed", "Secret calendar feed URLs.", Ref("dutydesk.calendars.cli:feed_app"), order=40
        ),
    ),
)
