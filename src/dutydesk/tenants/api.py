"""JSON routes of tenants: staff read them; admins add, change, remove and import them."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from dutydesk.deps import Admin, CurrentUser, ReadSessionDep, RuntimeDep, SessionDep
from dutydesk.errors import Invalid
from dutydesk.tenants import service
from dutydesk.tenants.schemas import (
    ContactCreate,
    ImportResult,
    TenantCreate,
    TenantRead,
    TenantUpdate,
    tenant_read,
)

router = APIRouter(prefix="/api/v1/tenants", tags=["tenants"])
# The import has a path of its own: under /api/v1/tenants/ it would share its address with a
# tenant named "import".
imports_router = APIRouter(prefix="/api/v1/tenant-imports", tags=["tenants"])


@router.get("", response_model=list[TenantRead])
def list_tenants(_user: CurrentUser, session: ReadSessionDep) -> list[TenantRead]:
    """Every tenant, by name, with its domains and contacts."""
    return [tenant_read(session, tenant) for tenant in service.list_tenants(session)]


@router.get("/{tenant_id}", response_model=TenantRead)
def get_tenant(tenant_id: str, _user: CurrentUser, session: ReadSessionDep) -> TenantRead:
    """One tenant."""
    return tenant_read(session, service.get_tenant(session, tenant_id))


@router.post("", response_model=TenantRead, status_code=201)
def add_tenant(
    body: TenantCreate, user: Admin, session: SessionDep, runtime: RuntimeDep
) -> TenantRead:
    """Add a tenant (admins)."""
    tenant = service.add_tenant(
        session, body.id, body.name, body.domains, actor=user.username, now=runtime.clock.now()
    )
    session.commit()
    return tenant_read(session, tenant)


@router.patch("/{tenant_id}", response_model=TenantRead)
def update_tenant(
    tenant_id: str, body: TenantUpdate, user: Admin, session: SessionDep, runtime: RuntimeDep
) -> TenantRead:
    """Rename a tenant or replace its domains (admins)."""
    tenant = service.update_tenant(
        session,
        tenant_id,
        name=body.name,
        domains=body.domains,
        actor=user.username,
        now=runtime.clock.now(),
    )
    session.commit()
    return tenant_read(session, tenant)


@router.delete("/{tenant_id}", status_code=204)
def remove_tenant(
    tenant_id: str, user: Admin, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Remove a tenant with its domains and contacts; its tickets stay, with no tenant (admins)."""
    service.remove_tenant(session, tenant_id, actor=user.username, now=runtime.clock.now())
    session.commit()
    return Response(status_code=204)


@router.post("/{tenant_id}/contacts", response_model=TenantRead, status_code=201)
def add_contact(
    tenant_id: str, body: ContactCreate, user: Admin, session: SessionDep, runtime: RuntimeDep
) -> TenantRead:
    """Add a contact to a tenant (admins)."""
    service.add_contact(
        session, tenant_id, body.email, body.name, actor=user.username, now=runtime.clock.now()
    )
    session.commit()
    return tenant_read(session, service.get_tenant(session, tenant_id))


@imports_router.post(
    "",
    response_model=ImportResult,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_tenants(
    request: Request,
    user: Admin,
    session: SessionDep,
    runtime: RuntimeDep,
) -> ImportResult:
    """Add or change tenants from CSV (`id,name,domains,contacts`), all rows or none (admins)."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("the CSV must be UTF-8") from None
    added, changed = service.import_csv(
        session, text, "tenants.csv", actor=user.username, now=runtime.clock.now()
    )
    session.commit()
    return ImportResult(added=added, changed=changed)
