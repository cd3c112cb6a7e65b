"""What notify adds to Dutydesk: the outbox, delivering to people and webhooks at least once."""

from __future__ import annotations

from dutydesk.contributions import Command, CycleEntry, Module, Ref, Router

MODULE = Module(
    name="notify",
    routers=(Router(Ref("dutydesk.notify.api:router")),),
    # After every cycle that queues messages, so a pass sends what it has just queued.
    cycles=(CycleEntry("deliveries", order=90, run=Ref("dutydesk.notify.delivery:deliver_due")),),
    commands=(
        Command(
            "deliveries",
            "The delivery log: messages in the outbox, their state and their last error.",
            Ref("dutydesk.notify.cli:deliveries"),
            order=30,
        ),
        Command("webhook", "Outgoing webhooks.", Ref("dutydesk.notify.cli:webhook_app"), order=31),
    ),
)
