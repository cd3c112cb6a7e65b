"""What incidents add to Dutydesk: declaring an incident from anywhere (pages, API, CLI, Slack's
`/incident`), its roles, document, timeline and cadence — the incident pages, the dashboard's
panel, the API and `dutydesk incident`, the reminders, and the team file's `incidents:`."""

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
    name="incidents",
    routers=(
        Router(Ref("dutydesk.incidents.api:router")),
        Router(Ref("dutydesk.incidents.pages:router"), kind="page"),
        # Slack's slash command: signed by Slack, answered in Slack's shape.
        Router(Ref("dutydesk.incidents.slack_command:router"), kind="as_is"),
    ),
    navigation=(NavEntry("incidents", "/incidents", "Incidents", order=22),),
    # At the top of the main column: an open incident is the day's first business.
    panels=(
        Panel(
            "incidents",
            order=15,
            place="main",
            build=Ref("dutydesk.incidents.panels:incidents_panel"),
        ),
    ),
    commands=(
        Command(
            "incident",
            "Incidents: declare, roles, timeline, tenant updates, status.",
            Ref("dutydesk.incidents.cli:incident_app"),
            order=23,
        ),
    ),
    # After tickets (a P1 ticket declares its incident in the same pass), before delivery.
    cycles=(CycleEntry("incidents", order=36, run=Ref("dutydesk.incidents.due:incidents_due")),),
    team_sections=(
        TeamSection(
            "incidents",
            order=55,
            section=Ref("dutydesk.incidents.team_section:SECTION"),
            names=("rotas",),
        ),
    ),
)
