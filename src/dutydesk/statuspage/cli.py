"""`dutydesk statuspage …`: keys of the Statuspage-compatible management API, the components'
states and the status page's incidents."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from dutydesk.db import unit_of_work
from dutydesk.statuspage import components, keys, publishing
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.models import CLOSED_STATUSES, INCIDENT_STATUSES, MAINTENANCE_STATUSES
from dutydesk.statuspage.schemas_v1 import component_answer, incident_answer, page_of
from dutydesk.statuspage.shapes import when
from dutydesk.statuspage.site import Site
from dutydesk.team.service import find_team, team_zone
from dutydesk.terminal import Wrap, print_json, print_table, runtime_of, stdout, table_time

statuspage_app = typer.Typer(
    no_args_is_help=True, help="The status page: components, incidents, maintenance, API keys."
)
key_app = typer.Typer(
    no_args_is_help=True, help="Keys of the Statuspage-compatible management API."
)
component_app = typer.Typer(no_args_is_help=True, help="Components and their states.")
incident_app = typer.Typer(no_args_is_help=True, help="Status page incidents and maintenance.")
statuspage_app.add_typer(key_app, name="key")
statuspage_app.add_typer(component_app, name="component")
statuspage_app.add_typer(incident_app, name="incident")
AS_JSON = typer.Option("--json", help="JSON for scripts.")
OPEN_STATUSES = tuple(
    s for s in (*INCIDENT_STATUSES, *MAINTENANCE_STATUSES) if s not in CLOSED_STATUSES
)


@key_app.command("create")
def key_create(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--user", help="Whose key: a responder or an admin.")],
    name: Annotated[str, typer.Option("--name", help="What the key is for.")],
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Make a key for the management API; it is shown once, only its hash is kept."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        key, plain = keys.create_key(session, user, name, runtime.clock.now())
        session.commit()
    if as_json:
        print_json(
            {"id": key.id, "user": user, "name": key.name, "key": plain,
             "created_at": when(key.created_at)}
        )  # fmt: skip
        return
    typer.echo(f"Key {key.id} for {user} ({name}). It is shown once; keep it safe:", err=True)
    typer.echo(plain)


@key_app.command("list")
def key_list(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """The live keys and whose they are (never the keys themselves); --all adds revoked ones."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session) if find_team(session) is not None else ZoneInfo("UTC")
        listed = keys.list_keys(session, include_revoked=show_all)
    if as_json:
        print_json(
            [
                {
                    "id": k.key.id,
                    "user": k.username,
                    "name": k.key.name,
                    "created_at": when(k.key.created_at),
                    "last_used_at": when(k.key.last_used_at),
                    "revoked_at": when(k.key.revoked_at),
                }
                for k in listed
            ]
        )
        return
    print_table(
        f"Status page API keys ({zone.key})",
        ("Id", "User", Wrap("Name"), "Created", "Last used", "Revoked"),
        (
            (
                str(k.key.id),
                k.username,
                k.key.name,
                table_time(k.key.created_at, zone, now),
                table_time(k.key.last_used_at, zone, now) if k.key.last_used_at else "",
                table_time(k.key.revoked_at, zone, now) if k.key.revoked_at else "",
            )
            for k in listed
        ),
    )


@key_app.command("revoke")
def key_revoke(
    ctx: typer.Context, key_id: Annotated[int, typer.Argument(metavar="ID", help="The key's id.")]
) -> None:
    """Stop a key working at once."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        keys.revoke_key(session, key_id, runtime.clock.now())
        session.commit()
    stdout.print(f"Revoked status page API key {key_id}.", markup=False)


@component_app.command("list")
def component_list(ctx: typer.Context, as_json: Annotated[bool, AS_JSON] = False) -> None:
    """Components and groups in page order, with their states."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        page = page_of(session, runtime.clock.now())
    answers = [component_answer(page, c.id) for c in page.components]
    if as_json:
        print_json(answers)
        return
    print_table(
        "Status page components",
        ("Id", Wrap("Name"), "Status", "Group"),
        (
            (
                a["id"],
                a["name"],
                a["status"] + (" (group)" if a["group"] else ""),
                a["group_id"] or "",
            )
            for a in answers
        ),
    )


@component_app.command("set")
def component_set(
    ctx: typer.Context,
    component_id: Annotated[str, typer.Argument(metavar="ID", help="The component's id.")],
    state: Annotated[
        str,
        typer.Argument(
            metavar="STATE",
            help="operational, degraded_performance, partial_outage, major_outage or"
            " under_maintenance.",
        ),
    ],
) -> None:
    """Put a component in a state, on the public page at once (no incident, nobody told)."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        component = components.get_component(session, component_id, lock=True)
        components.change_component(
            session, component, ComponentFields(status=state), now=runtime.clock.now()
        )
        session.commit()
    stdout.print(f"{component.name} ({component_id}) is {state} now.", markup=False)


@incident_app.command("list")
def incident_list(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help="Include resolved incidents and completed maintenance.")
    ] = False,
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Open incidents and maintenance not yet completed, the newest first; --all: the
    newest hundred of every status."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    public_url = Site.of(runtime).public_url
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        page = page_of(session, now)
        found = publishing.list_status_incidents(
            session, statuses=() if show_all else OPEN_STATUSES
        )
        answers = [incident_answer(session, i, page, public_url) for i in found]
    if as_json:
        print_json(answers)
        return
    print_table(
        "Status page incidents and maintenance",
        ("Id", "Kind", "Status", "Impact", Wrap("Name"), "Updated"),
        (
            (i.id, i.kind, i.status, i.impact, i.name, table_time(i.updated_at, zone, now))
            for i in found
        ),
    )
