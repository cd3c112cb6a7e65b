"""`dutydesk tenant …`: the organisations the team supports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.tenants import service
from dutydesk.tenants.schemas import tenant_read
from dutydesk.terminal import Wrap, cli_actor, print_json, print_table, runtime_of

tenant_app = typer.Typer(
    no_args_is_help=True, help="Tenants: the organisations the team supports, their mail domains."
)


@tenant_app.command("list")
def tenant_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Every tenant with its domains and contacts."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        reads = [tenant_read(session, tenant) for tenant in service.list_tenants(session)]
    if as_json:
        print_json([read.model_dump(mode="json") for read in reads])
        return
    print_table(
        "Tenants",
        ("Id", Wrap("Name"), Wrap("Domains"), Wrap("Contacts")),
        ((r.id, r.name, " ".join(r.domains), " ".join(c.email for c in r.contacts)) for r in reads),
    )


@tenant_app.command("add")
def tenant_add(
    ctx: typer.Context,
    tenant_id: Annotated[str, typer.Argument(metavar="ID", help="A short id, such as acme.")],
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    domain: Annotated[
        list[str] | None, typer.Option("--domain", help="A mail domain (repeat for more).")
    ] = None,
) -> None:
    """Add a tenant; mail from its domains is filed under it."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.add_tenant(
            session, tenant_id, name, domain or [], actor=cli_actor(), now=runtime.clock.now()
        )
        session.commit()
    typer.echo(f"Added tenant {tenant_id}.")


@tenant_app.command("contact")
def tenant_contact(
    ctx: typer.Context,
    tenant_id: Annotated[str, typer.Argument(metavar="ID", help="The tenant.")],
    email: Annotated[str, typer.Argument(help="The contact's e-mail address.")],
    name: Annotated[str | None, typer.Option("--name", help="The contact's name.")] = None,
) -> None:
    """Add a contact to a tenant: their mail is the tenant's wherever it comes from."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        contact = service.add_contact(
            session, tenant_id, email, name, actor=cli_actor(), now=runtime.clock.now()
        )
        session.commit()
        typer.echo(f"Added {contact.email} to tenant {tenant_id}.")


@tenant_app.command("remove")
def tenant_remove(
    ctx: typer.Context,
    tenant_id: Annotated[str, typer.Argument(metavar="ID", help="The tenant.")],
) -> None:
    """Remove a tenant with its domains and contacts; its tickets stay, with no tenant."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.remove_tenant(session, tenant_id, actor=cli_actor(), now=runtime.clock.now())
        session.commit()
    typer.echo(f"Removed tenant {tenant_id}.")


@tenant_app.command("import")
def tenant_import(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE.csv", help="id,name,domains,contacts")],
) -> None:
    """Add or change tenants from CSV with a header row id,name,domains,contacts (all or none)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise Invalid(
            f"{path}: cannot read it as UTF-8 text ({error.__class__.__name__})"
        ) from None
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        added, changed = service.import_csv(
            session, text, str(path), actor=cli_actor(), now=runtime.clock.now()
        )
        session.commit()
    typer.echo(f"Imported {path}: {added} added, {changed} changed.")
