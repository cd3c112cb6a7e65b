"""The public status page in Chromium: read with JavaScript off, at desktop and phone widths,
subscribed to through its form, and checked with axe; the team's page that publishes to it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import DESKTOP, PHONE, Server, sign_in
from tests.browser.test_accessibility import violations

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_pages_read_without_javascript(
    new_context: Callable[..., BrowserContext], published: dict[str, str], width: str
):
    page = new_context(viewport=WIDTHS[width], java_script_enabled=False).new_page()
    page.goto("/status/")
    expect(page.locator(".overall")).to_have_text("Partial System Outage")
    expect(page.get_by_role("heading", name="Apps in eu-west return errors")).to_be_visible()
    expect(page.get_by_text("rolled back")).to_be_visible()
    expect(page.get_by_role("heading", name="Database upgrade")).to_be_visible()
    expect(page.locator(".uptime").first).to_be_visible()
    assert page.locator("script").count() == 0
    page.get_by_role("link", name="Apps in eu-west return errors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apps in eu-west return errors")
    expect(page.get_by_text("This incident concerns")).to_contain_text("App traffic")
    page.get_by_role("link", name="Incident history").click()
    expect(page.get_by_role("link", name="Logs delayed")).to_be_visible()


def test_the_public_pages_fit_a_phone(
    new_context: Callable[..., BrowserContext], published: dict[str, str]
):
    page = new_context(viewport=PHONE).new_page()
    for path in ("/status/", f"/status/incidents/{published['open']}/", "/status/history/",
                 "/status/subscribe/"):  # fmt: skip
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


def test_subscribing_without_javascript(
    new_context: Callable[..., BrowserContext], published: dict[str, str], server: Server
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/status/")
    page.get_by_role("link", name="Subscribe to updates").first.click()
    page.get_by_role("button", name="Subscribe").click()  # no address
    expect(page.locator(".field-error")).to_contain_text("give an e-mail address")
    page.get_by_label("E-mail address").fill("ops@initech.example")
    page.get_by_label("App traffic").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")


def test_every_public_page_breaks_no_accessibility_rule(
    new_context: Callable[..., BrowserContext], published: dict[str, str]
):
    axe = Axe()
    found: list[str] = []
    for viewport in (DESKTOP, PHONE):
        page = new_context(viewport=viewport).new_page()
        for path in (
            "/status/",
            f"/status/incidents/{published['open']}/",
            f"/status/incidents/{published['window']}/",
            "/status/history/",
            "/status/subscribe/",
        ):
            answer = page.goto(path)
            assert answer is not None and answer.ok, path
            found += violations(axe, page)
        page.goto("/status/subscribe/")
        page.get_by_role("button", name="Subscribe").click()  # a refused form
        found += violations(axe, page)
        page.goto("/status/subscribe/unsubscribe?token=x")  # the button of a link
        found += violations(axe, page)
    assert found == []


def test_the_team_publishes_with_a_preview(
    new_context: Callable[..., BrowserContext], published: dict[str, str]
):
    axe = Axe()
    page = new_context().new_page()
    sign_in(page, "alice")
    page.goto("/incidents/1")
    page.get_by_role("link", name="Post to the status page").click()
    page.get_by_label("Title tenants see").fill("Deploys fail in eu-west")
    page.get_by_label("What tenants are told").first.fill("Some `cf push` runs fail; we are on it.")
    page.get_by_label(re.compile(r"^Platform API \(now")).select_option("partial_outage")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: as tenants will read it")).to_be_visible()
    expect(page.locator(".preview")).to_contain_text("Degraded performance → Partial outage")
    found = violations(axe, page)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Published: Deploys fail in eu-west")
    found += violations(axe, page)
    page.goto("/incidents/1")
    expect(page.locator("#timeline")).to_contain_text("Status page, Investigating")
    public = new_context(java_script_enabled=False).new_page()
    public.goto("/status/")
    expect(public.get_by_role("heading", name="Deploys fail in eu-west")).to_be_visible()
    assert found == []
