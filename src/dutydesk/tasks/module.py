"""What tasks add to Dutydesk: the backlog of small tasks (made by hand, by incident reviews'
follow-ups and by claimed red builds) with its pages, API and `dutydesk task`. The dashboard's
suggestion of a task reads alerts and tickets, so it lives in overview (overview/next_task.py)."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, NavEntry, Ref, Router

MODULE = Module(
    name="tasks",
    routers=(
        Router(Ref("dutydesk.tasks.api:router")),
        Router(Ref("dutydesk.tasks.pages:router"), kind="page"),
    ),
    navigation=(NavEntry("tasks", "/tasks", "Tasks", order=35),),
    commands=(
        Command(
            "task",
            "Small tasks: the backlog to pick up between support work.",
            Ref("dutydesk.tasks.cli:task_app"),
            order=45,
        ),
    ),
)
