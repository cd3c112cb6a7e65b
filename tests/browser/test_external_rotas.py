"""An external rota in a real browser: the server follows its own escalation rota's iCal feed
as the rota "programme" (as a second team would follow a programme's schedule), refreshed
with `dutydesk rota refresh`; its page says where it comes from, offers no overrides, lets an
admin ask for a refresh, and breaks no accessibility rule, on a desktop and on a phone."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import EXAMPLE_TEAM, PHONE, Server, run_cli, sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_dashboard import SIDEWAYS

DUTYDESK_SUMMARY = r"^(?P<name>.+) on call(?: \(override\))?$"


def follow_escalation(server: Server) -> str:
    """Add the rota "programme", following the server's own escalation feed; refresh it."""
    feed = server.api("GET", "/api/v1/rotas/escalation/feed")["url"]
    parts = urlsplit(feed)  # the server's own address: its public one may be another
    url = f"{server.url}{parts.path}"
    team = yaml.safe_load(EXAMPLE_TEAM.read_text())
    team["rotas"].append(
        {
            "id": "programme",
            "name": "Programme escalation",
            "external": {"url": url, "match": {"by": "summary", "pattern": DUTYDESK_SUMMARY}},
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "team.yaml"
        path.write_text(yaml.safe_dump(team, sort_keys=False))
        run_cli(server.database_url, "apply", str(path))
    said = run_cli(server.database_url, "rota", "refresh", "programme")
    assert said.startswith("programme: refreshed"), said
    return url


@pytest.fixture(scope="module")
def programme(server: Server) -> str:
    return follow_escalation(server)


def test_the_external_rotas_page_says_where_it_comes_from_and_offers_a_refresh(
    page: Page, server: Server, programme: str
):
    now = datetime.now(UTC).isoformat()
    on_escalation = server.api("GET", f"/api/v1/rotas/escalation/oncall?at={now}")["person"]
    sign_in(page, "ada")
    page.goto("/rotas")
    row = page.locator('tr[data-rota="programme"]')
    expect(row).to_contain_text("external")
    expect(row).to_contain_text(server.names()[on_escalation])
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Programme escalation")
    box = page.get_by_role("region", name="External rota")
    expect(box).to_contain_text(f"followed from {server.url}/…")
    expect(box).to_contain_text("Last refreshed")
    assert urlsplit(programme).path not in page.content()  # the feed's secret stays secret
    expect(page.get_by_role("link", name="Overrides")).to_have_count(0)
    expect(page.get_by_role("link", name="Request a swap")).to_have_count(0)
    page.get_by_role("button", name="Refresh now").click()
    expect(page.get_by_text("The feed will be fetched at the worker's next pass.")).to_be_visible()
    assert violations(Axe(), page) == []


def test_a_responder_sees_the_rota_without_the_admins_button_and_it_fits_a_phone(
    new_context: Callable[..., BrowserContext], programme: str
):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "alice")
    page.goto("/rotas/programme")
    expect(page.get_by_role("region", name="External rota")).to_be_visible()
    expect(page.get_by_role("button", name="Refresh now")).to_have_count(0)
    assert not page.evaluate(SIDEWAYS), "the external rota's page scrolls sideways"
    assert violations(Axe(), page) == []
