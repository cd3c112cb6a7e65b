"""Tenants, their domains and contacts, and whose mail is whose."""

from __future__ import annotations

import pytest

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tenants import service as tenants


@pytest.fixture
def session(runtime):
    with unit_of_work(runtime.sessions) as session:
        yield session


def test_mail_from_a_tenants_domain_or_a_subdomain_is_that_tenants(session, clock):
    now = clock.now()
    tenants.add_tenant(session, "acme", "Acme Ltd", ["acme.com"], actor="alice", now=now)
    tenants.add_tenant(session, "globex", "Globex", ["Globex.io"], actor="alice", now=now)
    assert tenants.tenant_of_address(session, "ops@acme.com") == "acme"
    assert tenants.tenant_of_address(session, "Bob <BOB@eu.acme.com>") == "acme"
    assert tenants.tenant_of_address(session, "ceo@globex.io") == "globex"
    assert tenants.tenant_of_address(session, "someone@example.org") is None
    assert tenants.tenant_of_address(session, "not an address") is None


def test_a_contacts_own_address_wins_over_the_domain(session, clock):
    now = clock.now()
    tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="alice", now=now)
    tenants.add_tenant(session, "partner", "Partner", [], actor="alice", now=now)
    tenants.add_contact(session, "partner", "Liaison@Acme.com", "Lee", actor="alice", now=now)
    assert tenants.tenant_of_address(session, "liaison@acme.com") == "partner"
    assert tenants.tenant_of_address(session, "other@acme.com") == "acme"


def test_a_domain_or_address_belongs_to_one_tenant(session, clock):
    now = clock.now()
    tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="alice", now=now)
    tenants.add_contact(session, "acme", "ops@acme.com", None, actor="alice", now=now)
    with pytest.raises(Conflict, match=r"domain acme\.com already belongs to tenant 'acme'"):
        tenants.add_tenant(session, "copy", "Copy", ["ACME.com"], actor="alice", now=now)
    tenants.add_tenant(session, "other", "Other", [], actor="alice", now=now)
    with pytest.raises(Conflict, match=r"ops@acme\.com is already a contact of tenant 'acme'"):
        tenants.add_contact(session, "other", "OPS@acme.com", None, actor="alice", now=now)
    with pytest.raises(Conflict, match="tenant 'acme' already exists"):
        tenants.add_tenant(session, "acme", "Again", [], actor="alice", now=now)


@pytest.mark.parametrize(
    ("tenant_id", "name", "domains", "message"),
    [
        ("Acme!", "Acme", [], "id: 'Acme!' is not an id like acme"),
        ("acme", "  ", [], "name: must be 1 to 200 characters"),
        ("acme", "Acme", ["acme"], "domains: 'acme' is not a domain like example.org"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    session, clock, tenant_id, name, domains, message
):
    with pytest.raises(Invalid) as refused:
        tenants.add_tenant(session, tenant_id, name, domains, actor="alice", now=clock.now())
    assert refused.value.message.startswith(message)
    session.rollback()
    assert tenants.list_tenants(session) == []


def test_changing_domains_replaces_them_and_removing_a_tenant_forgets_its_mail(session, clock):
    now = clock.now()
    tenants.add_tenant(session, "acme", "Acme", ["acme.com", "acme.net"], actor="a", now=now)
    tenants.update_tenant(
        session, "acme", name="Acme Group", domains=["acme.org", "acme.com"], actor="a", now=now
    )
    assert tenants.domains_of(session, "acme") == ["acme.com", "acme.org"]
    assert tenants.get_tenant(session, "acme").name == "Acme Group"
    assert tenants.tenant_of_address(session, "x@acme.net") is None
    tenants.remove_tenant(session, "acme", actor="a", now=now)
    assert tenants.tenant_of_address(session, "x@acme.com") is None
    with pytest.raises(NotFound, match="no tenant 'acme'"):
        tenants.get_tenant(session, "acme")
