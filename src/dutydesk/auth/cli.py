"""`dutydesk user …` and `dutydesk token …`: who may use Dutydesk."""

from __future__ import annotations

import sys
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from dutydesk.auth import service as auth
from dutydesk.auth.signin import end_sessions, unlock
from dutydesk.auth.throttle import forget_address
from dutydesk.db import unit_of_work
from dutydesk.team.service import find_team, team_zone
from dutydesk.terminal import Wrap, print_json, print_table, runtime_of, stdout, table_time

user_app = typer.Typer(no_args_is_help=True, help="Accounts for the API and the web pages.")
token_app = typer.Typer(no_args_is_help=True, help="API bearer tokens.")


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="viewer, responder or admin.")] = "viewer",
    person: Annotated[str | None, typer.Option(help="The team member this user is.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from standard input.")
    ] = False,
) -> None:
    """Create a user with a role."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        user = auth.add_user(
            session,
            username=username,
            role=role,
            person_id=person,
            password=password,
            now=runtime.clock.now(),
        )
        session.commit()
    stdout.print(f"Created user {user.username} ({user.role}).", markup=False)


@user_app.command("password")
def user_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose password.")],
) -> None:
    """Set a user's password for the web pages, read from standard input; signs them out
    everywhere and forgets their failed sign-ins."""
    password = sys.stdin.readline().rstrip("\n")
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        user = auth.set_password(session, username, password)
        end_sessions(session, user)
        unlock(session, user)
        session.commit()
    stdout.print(f"Set the password of {username}.", markup=False)


@user_app.command("unlock")
def user_unlock(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose account.")],
    address: Annotated[
        str | None,
        typer.Option(help="Also forget this client address's failed sign-ins, for any name."),
    ] = None,
) -> None:
    """Forget a user's failed sign-ins, so no address is throttled for them any more."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        unlock(session, auth.get_user(session, username))
        if address is not None:
            forget_address(session, address)
        session.commit()
    stdout.print(f"Unlocked {username}.", markup=False)


@user_app.command("list")
def user_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """All users and their roles."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        users = [(u.username, u.role, u.person_id) for u in auth.list_users(session)]
    if as_json:
        print_json([{"username": u, "role": r, "person": p} for u, r, p in users])
        return
    print_table("Users", ("User", "Role", "Person"), ((u, r, p or "") for u, r, p in users))


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Revoke the user's earlier tokens of this name (scripts, demos)."
        ),
    ] = False,
) -> None:
    """Issue an API token; it is shown once, only its hash is kept."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        # One transaction: a failure leaves the old tokens working and no new one made.
        revoked = auth.revoke_tokens_named(session, username, name, now) if replace else 0
        token, plain = auth.create_token(session, username, name, now)
        session.commit()
    if revoked:
        typer.echo(f"Revoked {revoked} earlier token(s) named {name!r}.", err=True)
    stderr_note = f"Token {token.id} for {username} ({name}). It is shown once; keep it safe:"
    typer.echo(stderr_note, err=True)
    typer.echo(plain)


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose tokens.")],
    show_all: Annotated[bool, typer.Option("--all", help="Include revoked tokens.")] = False,
) -> None:
    """A user's live tokens (never the tokens themselves); --all adds revoked ones."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session) if find_team(session) is not None else ZoneInfo("UTC")
        tokens = auth.list_tokens(session, username, include_revoked=show_all)
    print_table(
        f"Tokens of {username} ({zone.key})",
        ("Id", Wrap("Name"), "Created", "Last used", "Revoked"),
        (
            (
                str(t.id),
                t.name,
                table_time(t.created_at, zone, now),
                table_time(t.last_used_at, zone, now) if t.last_used_at else "",
                table_time(t.revoked_at, zone, now) if t.revoked_at else "",
            )
            for t in tokens
        ),
    )


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id.")]
) -> None:
    """Stop a token working."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        auth.revoke_token(session, token_id, runtime.clock.now())
        session.commit()
    stdout.print(f"Revoked token {token_id}.")
