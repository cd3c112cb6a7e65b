"""What the portal adds to Dutydesk: pages for tenants, under /portal, with their own sign-in
by e-mail link; nothing in the staff navigation."""

from __future__ import annotations

from dutydesk.contributions import Module, Ref, Router

MODULE = Module(
    name="portal",
    routers=(
        Router(Ref("dutydesk.portal.signin_pages:router"), kind="page"),
        Router(Ref("dutydesk.portal.ticket_pages:router"), kind="page"),
    ),
)
