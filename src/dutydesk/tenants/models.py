"""A tenant, the e-mail domains that make its mail its own, and its contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

NAME_LENGTH = 200
# RFC 5321: 64 for the local part, 1 for @, 255 for the domain.
EMAIL_LENGTH = 320
DOMAIN_LENGTH = 253


class Tenant(Base):
    """An organisation the team supports; `id` is a short slug ("acme")."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TenantDomain(Base):
    """Mail from an address at `domain` (lower case, no subdomains implied) is this tenant's."""

    __tablename__ = "tenant_domains"

    domain: Mapped[str] = mapped_column(String(DOMAIN_LENGTH), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


class TenantContact(Base):
    """A person at a tenant: their mail files tickets under it, and they may use the portal.

    An address belongs to one tenant (lower case), so a sender is never two tenants' at once.
    """

    __tablename__ = "tenant_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    name: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
