"""What alerts adds to Dutydesk: the Events API, monitoring webhooks, integration keys.

The alert pages, the alert API and `dutydesk alert` show alerts with the pages sent for them,
so escalation declares them (escalation/module.py).
"""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref, Router, TeamSection

MODULE = Module(
    name="alerts",
    routers=(
        Router(Ref("dutydesk.alerts.events_api:router"), kind="as_is", first=True),
        Router(Ref("dutydesk.alerts.webhooks:router"), kind="as_is"),
    ),
    commands=(
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
