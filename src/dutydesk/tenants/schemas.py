"""Pydantic shapes of tenants for the API and `--json`."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dutydesk.tenants.models import Tenant
from dutydesk.tenants.service import contacts_of, domains_of


class ContactRead(BaseModel):
    """A person at a tenant."""

    email: str
    name: str | None


class TenantRead(BaseModel):
    """A tenant with its mail domains and contacts."""

    id: str
    name: str
    domains: list[str]
    contacts: list[ContactRead]


class TenantCreate(BaseModel):
    """A new tenant."""

    id: str = Field(description="A short id: a-z, 0-9, - and _ (acme).")
    name: str
    domains: list[str] = Field(default_factory=list, description="Mail domains (acme.com).")


class TenantUpdate(BaseModel):
    """A change to a tenant; fields left out stay as they are."""

    name: str | None = None
    domains: list[str] | None = Field(default=None, description="Replaces the domains.")


class ContactCreate(BaseModel):
    """A new contact at a tenant."""

    email: str
    name: str | None = None


class ImportResult(BaseModel):
    """What a CSV import did."""

    added: int
    changed: int


def tenant_read(session: Session, tenant: Tenant) -> TenantRead:
    """A tenant with its domains and contacts."""
    return TenantRead(
        id=tenant.id,
        name=tenant.name,
        domains=domains_of(session, tenant.id),
        contacts=[ContactRead(email=c.email, name=c.name) for c in contacts_of(session, tenant.id)],
    )
