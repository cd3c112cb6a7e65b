"""Tenants through the API (staff read, admins write) and the CLI, CSV import included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def as_admin(api, token_for):
    return {"Authorization": f"Bearer {token_for('ada', 'admin')}"}


def test_an_admin_adds_a_tenant_and_staff_read_it(api, as_admin):
    made = api.post(
        "/api/v1/tenants",
        json={"id": "acme", "name": "Acme Ltd", "domains": ["Acme.com"]},
        headers=as_admin,
    )
    assert made.status_code == 201, made.text
    assert made.json() == {
        "id": "acme",
        "name": "Acme Ltd",
        "domains": ["acme.com"],
        "contacts": [],
    }
    added = api.post(
        "/api/v1/tenants/acme/contacts",
        json={"email": "Ops@Acme.com", "name": "Ops"},
        headers=as_admin,
    )
    assert added.json()["contacts"] == [{"email": "ops@acme.com", "name": "Ops"}]
    assert [t["id"] for t in api.get("/api/v1/tenants").json()] == ["acme"]
    assert api.get("/api/v1/tenants/acme").json()["name"] == "Acme Ltd"
    changed = api.patch("/api/v1/tenants/acme", json={"domains": ["acme.org"]}, headers=as_admin)
    assert changed.json()["domains"] == ["acme.org"]
    assert api.delete("/api/v1/tenants/acme", headers=as_admin).status_code == 204
    assert api.get("/api/v1/tenants/acme").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/tenants", {"id": "acme", "name": "Acme"}),
        ("patch", "/api/v1/tenants/acme", {"name": "Other"}),
        ("delete", "/api/v1/tenants/acme", None),
        ("post", "/api/v1/tenants/acme/contacts", {"email": "x@acme.com"}),
    ],
)
def test_only_admins_change_tenants(api, as_admin, method, path, body):
    api.post("/api/v1/tenants", json={"id": "acme", "name": "Acme"}, headers=as_admin)
    refused = api.request(method, path, json=body)
    assert refused.status_code == 403
    assert refused.json()["message"] == "this needs the admin role; rhea is a responder"
    assert api.get("/api/v1/tenants/acme").json() == {
        "id": "acme",
        "name": "Acme",
        "domains": [],
        "contacts": [],
    }


def test_bad_input_is_a_4xx_with_a_message(api, as_admin):
    bad = api.post("/api/v1/tenants", json={"id": "Acme Ltd", "name": "Acme"}, headers=as_admin)
    assert bad.status_code == 422
    assert bad.json()["message"].startswith("id: 'Acme Ltd' is not an id like acme")
    api.post(
        "/api/v1/tenants",
        json={"id": "acme", "name": "Acme", "domains": ["acme.com"]},
        headers=as_admin,
    )
    clash = api.post(
        "/api/v1/tenants",
        json={"id": "copy", "name": "Copy", "domains": ["acme.com"]},
        headers=as_admin,
    )
    assert clash.status_code == 409
    assert clash.json()["message"] == "domain acme.com already belongs to tenant 'acme'"


CSV = """id,name,domains,contacts
acme,Acme Ltd,acme.com; acme.co.uk,Ann Archer <ann@acme.com>; ops@acme.com
globex,Globex,globex.io,
"""


def test_csv_import_through_the_api(api, as_admin):
    imported = api.post(
        "/api/v1/tenant-imports",
        content=CSV.encode(),
        headers={**as_admin, "Content-Type": "text/csv"},
    )
    assert imported.json() == {"added": 2, "changed": 0}
    acme = api.get("/api/v1/tenants/acme").json()
    assert acme["domains"] == ["acme.co.uk", "acme.com"]
    assert acme["contacts"] == [
        {"email": "ann@acme.com", "name": "Ann Archer"},
        {"email": "ops@acme.com", "name": None},
    ]
    again = api.post(
        "/api/v1/tenant-imports",
        content=CSV.encode(),
        headers={**as_admin, "Content-Type": "text/csv"},
    )
    assert again.json() == {"added": 0, "changed": 2}


def test_a_csv_with_a_bad_row_imports_nothing_and_names_the_line(cli, tmp_path: Path):
    path = tmp_path / "tenants.csv"
    path.write_text(CSV + "initech,Initech,not a domain,\n")
    result = cli("tenant", "import", str(path))
    assert result.code == 2
    assert result.err.strip() == (
        f"dutydesk: error: {path}:4: domains: 'not' is not a domain like example.org"
    )
    assert "acme" not in cli("tenant", "list").out


def test_the_cli_adds_lists_and_removes_tenants(cli, tmp_path: Path):
    assert cli("tenant", "add", "acme", "Acme Ltd", "--domain", "acme.com").code == 0
    assert cli("tenant", "contact", "acme", "ops@acme.com", "--name", "Ops").code == 0
    assert json.loads(cli("tenant", "list", "--json").out) == [
        {
            "id": "acme",
            "name": "Acme Ltd",
            "domains": ["acme.com"],
            "contacts": [{"email": "ops@acme.com", "name": "Ops"}],
        }
    ]
    path = tmp_path / "tenants.csv"
    path.write_text(CSV)
    assert cli("tenant", "import", str(path)).out.strip().endswith("1 added, 1 changed.")
    assert cli("tenant", "remove", "acme").code == 0
    assert "acme" not in cli("tenant", "list").out
    refused = cli("tenant", "add", "acme", "Acme", "--domain", "globex.io")
    assert (refused.code, refused.err.strip()) == (
        2,
        "dutydesk: error: domain globex.io already belongs to tenant 'globex'",
    )
