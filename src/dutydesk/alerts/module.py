"""What alerts adds to Dutydesk: the Events API, monitoring webhooks, the alert pages."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, NavEntry, Panel, Ref, Router, TeamSection

MODULE = Module(
    name="alerts",
    routers=(
        Router(Ref("dutydesk.alerts.events_api:router"), kind="as_is", first=True),
        Router(Ref("dutydesk.alerts.api:router")),
        Router(Ref("dutydesk.alerts.webhooks:router"), kind="as_is"),
        Router(Ref("dutydesk.alerts.pages:router"), kind="page"),
    ),
    navigation=(NavEntry("alerts", "/alerts", "Alerts", order=20),),
    panels=(
        Panel("alerts", order=10, place="full", build=Ref("dutydesk.alerts.panels:open_alerts")),
    ),
    commands=(
        Command(
            "alert",
            "Alerts: raise one, list, acknowledge, resolve.",
            Ref("dutydesk.alerts.cli:alert_app"),
            order=20,
        ),
        Command(
            "integration",
            "Integration keys (Events API v2 routing keys) of services.",
            Ref("dutydesk.alerts.cli:integration_app"),
            order=21,
        ),
    ),
    team_sections=(
        TeamSection(
            "services",
            order=30,
            section=Ref("dutydesk.alerts.team_section:SECTION"),
            names=("escalation_policies",),
        ),
    ),
)
