"""What builds add to Dutydesk: build results from CI (GitHub's webhook, the generic signed
webhook, `dutydesk build record`), the red builds and who is fixing them — the builds page,
the dashboard's panel, the API and `dutydesk build` — the worker cycle that tells the engineer
who comes on support of a job that turned red while nobody was, and the team file's
`builds:`."""

from __future__ import annotations

from dutydesk.contributions import (
    Command,
    CycleEntry,
    Middleware,
    Module,
    NavEntry,
    Panel,
    Ref,
    Router,
    TeamSection,
)

MODULE = Module(
    name="builds",
    routers=(
        Router(Ref("dutydesk.builds.api:router")),
        Router(Ref("dutydesk.builds.pages:router"), kind="page"),
        # CI's webhooks: signed, answered in their own terms like monitoring's.
        Router(Ref("dutydesk.builds.hooks:router"), kind="as_is"),
    ),
    # The common webhook request answered in front of the framework's layers (asgi.py).
    middleware=(Middleware(Ref("dutydesk.builds.asgi:BuildHooksFastPath")),),
    navigation=(NavEntry("builds", "/builds", "Builds", order=27),),
    # Below tickets in the main column: a red build is the support engineer's too.
    panels=(
        Panel("builds", order=28, place="main", build=Ref("dutydesk.builds.panels:builds_panel")),
    ),
    commands=(
        Command(
            "build",
            "Build failures: record results, claim a red build, the report.",
            Ref("dutydesk.builds.cli:build_app"),
            order=29,
        ),
    ),
    # Before delivery: the engineer who comes on support is told of a job that turned red
    # while nobody was, in the pass that finds it.
    cycles=(CycleEntry("builds", order=38, run=Ref("dutydesk.builds.due:builds_due")),),
    team_sections=(
        TeamSection("builds", order=59, section=Ref("dutydesk.builds.team_section:SECTION")),
    ),
)
