"""What the status page adds to Dutydesk: the public site (pages, Statuspage's public JSON,
feeds, subscribing), the team's page for publishing, Statuspage's management API v1, the
reminders and maintenance steps, `dutydesk statuspage` and `dutydesk status export`, and the
team file's `status_page:`."""

from __future__ import annotations

from dutydesk.contributions import (
    Command,
    CycleEntry,
    Middleware,
    Module,
    NavEntry,
    Ref,
    Router,
    TeamSection,
)

MODULE = Module(
    name="statuspage",
    routers=(
        # Statuspage's management API v1, at the service root as Statuspage serves it.
        Router(Ref("dutydesk.statuspage.v1_api:router")),
        # The public site: no sign-in, served from the snapshot.
        Router(Ref("dutydesk.statuspage.public_routes:router"), kind="as_is"),
        Router(Ref("dutydesk.statuspage.pages:router"), kind="page"),
    ),
    # The root of DUTYDESK_STATUS_HOST serves the public site, and nothing else; the site's
    # files are answered in front of the framework.
    middleware=(Middleware(Ref("dutydesk.statuspage.asgi:StatusSite")),),
    navigation=(NavEntry("statuspage", "/status-page", "Status page", order=23),),
    commands=(
        Command(
            "statuspage",
            "The status page: components, incidents, maintenance, API keys.",
            Ref("dutydesk.statuspage.cli:statuspage_app"),
            order=27,
        ),
        Command(
            "status",
            "The public status page as static files.",
            Ref("dutydesk.statuspage.export_cli:status_app"),
            order=28,
        ),
    ),
    # After incidents (whose cadence it shares), before delivery: a maintenance notice or a
    # window's start goes out in the same pass.
    cycles=(CycleEntry("statuspage", order=37, run=Ref("dutydesk.statuspage.due:statuspage_due")),),
    team_sections=(
        TeamSection(
            "status_page",
            order=57,
            section=Ref("dutydesk.statuspage.team_section:SECTION"),
            names=("services",),
        ),
    ),
)
