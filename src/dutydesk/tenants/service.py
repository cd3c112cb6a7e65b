"""Tenants: adding and changing them, their domains and contacts, and whose mail is whose."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.db import in_chunks
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tenants.addresses import check_address, check_domain, check_slug, domains_to_try
from dutydesk.tenants.models import NAME_LENGTH, Tenant, TenantContact, TenantDomain


def list_tenants(session: Session) -> Sequence[Tenant]:
    """Every tenant, by name."""
    return session.scalars(select(Tenant).order_by(Tenant.name, Tenant.id)).all()


def get_tenant(session: Session, tenant_id: str) -> Tenant:
    """The tenant with this id, or NotFound (an id no tenant could have is looked up nowhere:
    PostgreSQL refuses some characters outright)."""
    if "\x00" in tenant_id:
        raise NotFound(f"no tenant {tenant_id!r}")
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"no tenant {tenant_id!r}")
    return tenant


def domains_of(session: Session, tenant_id: str) -> list[str]:
    """A tenant's mail domains, sorted."""
    return list(
        session.scalars(
            select(TenantDomain.domain)
            .where(TenantDomain.tenant_id == tenant_id)
            .order_by(TenantDomain.domain)
        )
    )


def contacts_of(session: Session, tenant_id: str) -> Sequence[TenantContact]:
    """A tenant's contacts, by address."""
    return session.scalars(
        select(TenantContact)
        .where(TenantContact.tenant_id == tenant_id)
        .order_by(TenantContact.email)
    ).all()


def add_tenant(
    session: Session,
    tenant_id: str,
    name: str,
    domains: Sequence[str],
    *,
    actor: str,
    now: datetime,
) -> Tenant:
    """A new tenant with its mail domains; Conflict when the id or a domain is taken."""
    tenant_id, name = _checked_id(tenant_id), _checked_name(name)
    if session.get(Tenant, tenant_id) is not None:
        raise Conflict(f"tenant {tenant_id!r} already exists")
    tenant = Tenant(id=tenant_id, name=name, created_at=now)
    session.add(tenant)
    session.flush()
    _set_domains(session, tenant_id, domains)
    record(
        session,
        actor=actor,
        action="tenant.create",
        rota_id=None,
        person_ids=[],
        summary=f"added tenant {tenant_id} ({name})",
        details={"tenant": tenant_id, "name": name, "domains": domains_of(session, tenant_id)},
        now=now,
    )
    return tenant


def update_tenant(
    session: Session,
    tenant_id: str,
    *,
    name: str | None = None,
    domains: Sequence[str] | None = None,
    actor: str,
    now: datetime,
) -> Tenant:
    """Rename a tenant or replace its domains (None: unchanged)."""
    tenant = get_tenant(session, tenant_id)
    if name is not None:
        tenant.name = _checked_name(name)
    if domains is not None:
        _set_domains(session, tenant_id, domains)
    record(
        session,
        actor=actor,
        action="tenant.update",
        rota_id=None,
        person_ids=[],
        summary=f"changed tenant {tenant_id}",
        details={
            "tenant": tenant_id,
            "name": tenant.name,
            "domains": domains_of(session, tenant_id),
        },
        now=now,
    )
    return tenant


def remove_tenant(session: Session, tenant_id: str, *, actor: str, now: datetime) -> None:
    """Remove a tenant with its domains and contacts; its tickets stay, with no tenant."""
    tenant = get_tenant(session, tenant_id)
    session.delete(tenant)
    session.flush()
    record(
        session,
        actor=actor,
        action="tenant.remove",
        rota_id=None,
        person_ids=[],
        summary=f"removed tenant {tenant_id}",
        details={"tenant": tenant_id},
        now=now,
    )


def add_contact(
    session: Session,
    tenant_id: str,
    email: str,
    name: str | None,
    *,
    actor: str,
    now: datetime,
) -> TenantContact:
    """A contact at a tenant; Conflict when the address is already someone's contact."""
    get_tenant(session, tenant_id)
    address = _checked(check_address, email, "email")
    taken = session.scalar(select(TenantContact).where(TenantContact.email == address))
    if taken is not None:
        raise Conflict(f"{address} is already a contact of tenant {taken.tenant_id!r}")
    contact = TenantContact(
        tenant_id=tenant_id, email=address, name=_checked_name(name) if name else None
    )
    session.add(contact)
    session.flush()
    record(
        session,
        actor=actor,
        action="tenant.contact.add",
        rota_id=None,
        person_ids=[],
        summary=f"added contact {address} to tenant {tenant_id}",
        details={"tenant": tenant_id, "email": address},
        now=now,
    )
    return contact


def tenant_of_address(session: Session, email: str) -> str | None:
    """The tenant whose mail this is: a contact's own address first, then the nearest domain
    (a subdomain's mail is its parent domain's tenant's). None: unknown, for triage to set."""
    return tenants_of_addresses(session, [email])[email]


def tenants_of_addresses(session: Session, emails: Iterable[str]) -> dict[str, str | None]:
    """`tenant_of_address` for many addresses in two queries: each address given, its tenant."""
    found: dict[str, str | None] = {}
    checked: dict[str, str] = {}
    for email in emails:
        found[email] = None
        try:
            checked[email] = check_address(email)
        except ValueError:
            continue
    contacts: dict[str, str] = {}
    for some in in_chunks(sorted(set(checked.values()))):
        rows = session.execute(
            select(TenantContact.email, TenantContact.tenant_id).where(
                TenantContact.email.in_(some)
            )
        )
        contacts.update({email: tenant for email, tenant in rows})
    by_domain = {
        email: domains_to_try(address)
        for email, address in checked.items()
        if address not in contacts
    }
    owners: dict[str, str] = {}
    for some in in_chunks(sorted({d for domains in by_domain.values() for d in domains})):
        rows = session.execute(
            select(TenantDomain.domain, TenantDomain.tenant_id).where(TenantDomain.domain.in_(some))
        )
        owners.update({domain: tenant for domain, tenant in rows})
    for email, address in checked.items():
        if address in contacts:
            found[email] = contacts[address]
        else:
            found[email] = next((owners[d] for d in by_domain[email] if d in owners), None)
    return found


def _set_domains(session: Session, tenant_id: str, domains: Sequence[str]) -> None:
    wanted = {_checked(check_domain, domain, "domains") for domain in domains}
    for domain in sorted(wanted):
        owner = session.scalar(select(TenantDomain.tenant_id).where(TenantDomain.domain == domain))
        if owner is not None and owner != tenant_id:
            raise Conflict(f"domain {domain} already belongs to tenant {owner!r}")
    for row in session.scalars(select(TenantDomain).where(TenantDomain.tenant_id == tenant_id)):
        if row.domain not in wanted:
            session.delete(row)
        else:
            wanted.discard(row.domain)
    session.add_all(TenantDomain(domain=domain, tenant_id=tenant_id) for domain in sorted(wanted))
    session.flush()


def _checked_id(tenant_id: str) -> str:
    return _checked(check_slug, tenant_id, "id")


def _checked_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_LENGTH:
        raise Invalid(f"name: must be 1 to {NAME_LENGTH} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise Invalid("name: must not contain control characters")
    return cleaned


def _checked(check: Callable[[str], str], value: str, field: str) -> str:
    """`check(value)`, its ValueError as Invalid naming the field."""
    try:
        return check(value)
    except ValueError as error:
        raise Invalid(f"{field}: {error}") from None


def import_csv(
    session: Session, text: str, filename: str, *, actor: str, now: datetime
) -> tuple[int, int]:
    """Add or change tenants from CSV with a header row: `id,name,domains,contacts`, domains
    separated by spaces or semicolons, contacts by semicolons ("Ann <ann@acme.com>; ops@…").
    All rows or none: an error names the file, line and field. Returns (added, changed)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = {"id", "name"} - set(rows[0].keys() if rows else ())
    if not rows or missing:
        raise Invalid(f"{filename}: needs a header row with id and name (and domains, contacts)")
    added = changed = 0
    for line, row in enumerate(rows, start=2):
        try:
            tenant_id = _checked_id((row.get("id") or "").strip())
            domains = (row.get("domains") or "").replace(";", " ").split()
            if session.get(Tenant, tenant_id) is None:
                add_tenant(session, tenant_id, row.get("name") or "", domains, actor=actor, now=now)
                added += 1
            else:
                update_tenant(
                    session,
                    tenant_id,
                    name=row.get("name") or "",
                    domains=domains,
                    actor=actor,
                    now=now,
                )
                changed += 1
            for written in (row.get("contacts") or "").split(";"):
                if written.strip():
                    name, address = parseaddr(written.strip())
                    _keep_contact(session, tenant_id, address or written, name or None, actor, now)
        except (Invalid, Conflict, NotFound) as error:
            raise Invalid(f"{filename}:{line}: {error.message}") from None
    return added, changed


def _keep_contact(
    session: Session, tenant_id: str, email: str, name: str | None, actor: str, now: datetime
) -> None:
    """A contact of the tenant, added unless it is already its own."""
    address = _checked(check_address, email, "contacts")
    existing = session.scalar(select(TenantContact).where(TenantContact.email == address))
    if existing is not None and existing.tenant_id == tenant_id:
        existing.name = _checked_name(name) if name else existing.name
        return
    add_contact(session, tenant_id, address, name, actor=actor, now=now)
