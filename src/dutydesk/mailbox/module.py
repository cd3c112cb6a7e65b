"""What mailbox adds to Dutydesk: a demo mailbox that catches and lists the e-mail sent."""

from __future__ import annotations

from dutydesk.contributions import Module, NavEntry, Ref, Router

MODULE = Module(
    name="mailbox",
    routers=(Router(Ref("dutydesk.mailbox.pages:router"), kind="page"),),
    navigation=(
        NavEntry(
            "mailbox", "/mailbox", "Mailbox", order=90, shown=Ref("dutydesk.mailbox.pages:shown")
        ),
    ),
)
