"""What tickets add to Dutydesk: tenant tickets answered on time — the queue and ticket pages,
the dashboard's panel, the API and `dutydesk ticket`, the reminders, the team file's
`support:`, and the Zendesk mirror's webhook receiver."""

from __future__ import annotations

from dutydesk.contributions import (
    Command,
    CycleEntry,
    Module,
    NavEntry,
    Panel,
    Ref,
    Router,
    TeamSection,
)

MODULE = Module(
    name="tickets",
    routers=(
        Router(Ref("dutydesk.tickets.api:router")),
        Router(Ref("dutydesk.tickets.pages:router"), kind="page"),
        # Zendesk's webhooks: signed, answered in their own shape like monitoring's.
        Router(Ref("dutydesk.tickets.zendesk_api:router"), kind="as_is"),
    ),
    navigation=(NavEntry("tickets", "/tickets", "Tickets", order=25),),
    # In the main column, above your own shifts: tickets near breach are the day's work.
    panels=(
        Panel(
            "tickets", order=25, place="main", build=Ref("dutydesk.tickets.panels:tickets_panel")
        ),
    ),
    commands=(
        Command(
            "ticket",
            "Tenant tickets: the queue, replies, notes, triage.",
            Ref("dutydesk.tickets.cli:ticket_app"),
            order=25,
        ),
        Command(
            "mail",
            "Tenant mail into tickets: from an MTA's pipe or an IMAP mailbox.",
            Ref("dutydesk.tickets.mail_cli:mail_app"),
            order=26,
        ),
    ),
    # After swaps and heartbeats, before escalations: a breach's alert pages in the same pass.
    cycles=(
        # Mail first, so that what it files is reminded of in the same pass.
        CycleEntry("mail", order=3, run=Ref("dutydesk.tickets.mail_in:mail_due")),
        CycleEntry("tickets", order=35, run=Ref("dutydesk.tickets.due:tickets_due")),
    ),
    team_sections=(
        TeamSection(
            "support",
            order=50,
            section=Ref("dutydesk.tickets.team_section:SECTION"),
            names=("rotas", "services"),
        ),
    ),
)
