"""What escalation adds to Dutydesk: who is paged for an alert, and when the next step is; and
what shows alerts with the pages sent for them: the alert pages, API, panel and commands."""

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
    name="escalation",
    routers=(
        Router(Ref("dutydesk.escalation.alert_api:router")),
        Router(Ref("dutydesk.escalation.api:router")),
        Router(Ref("dutydesk.escalation.alert_pages:router"), kind="page"),
    ),
    navigation=(NavEntry("alerts", "/alerts", "Alerts", order=20),),
    panels=(
        Panel(
            "alerts", order=10, place="full", build=Ref("dutydesk.escalation.panels:open_alerts")
        ),
    ),
    cycles=(CycleEntry("escalations", order=40, run=Ref("dutydesk.escalation.due:escalate_due")),),
    commands=(
        Command(
            "alert",
            "Alerts: raise one, list, acknowledge, resolve.",
            Ref("dutydesk.escalation.alert_cli:alert_app"),
            order=20,
        ),
    ),
    team_sections=(
        TeamSection(
            "escalation_policies",
            order=40,
            section=Ref("dutydesk.escalation.team_section:SECTION"),
            names=("rotas", "people"),
        ),
    ),
)
