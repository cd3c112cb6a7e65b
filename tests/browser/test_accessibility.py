"""Accessibility rules (axe-core, run in the real browser) on the pages people use most."""

from __future__ import annotations

from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    PHONE,
    RESPONDER_PAGES,
    Server,
    mailed_portal_link,
    seed_portal_tenants,
    sign_in,
)


def violations(axe: Axe, page: Page) -> list[str]:
    """axe-core's findings on the page, one line each: rule, impact, the first element."""
    found = axe.run(page).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}) on {v['nodes'][0]['target']}: {v['help']}"
        for v in found
    ]


def test_the_main_pages_break_no_accessibility_rule(new_context: Callable[..., BrowserContext]):
    axe = Axe()
    page = new_context().new_page()
    page.goto("/sign-in")
    found = violations(axe, page)
    sign_in(page, "alice")

    for path in RESPONDER_PAGES:
        answer = page.goto(path)
        assert answer is not None and answer.ok, f"{path}: {answer and answer.status}"
        found += violations(axe, page)
    assert found == []


def test_a_form_with_errors_and_the_phone_layout_break_no_accessibility_rule(
    new_context: Callable[..., BrowserContext],
):
    axe = Axe()
    page = new_context(viewport=PHONE).new_page()
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()  # empty: both fields are marked
    found = violations(axe, page)
    sign_in(page, "alice")
    page.goto("/rotas/engineering/cover/new")
    page.get_by_role("button", name="Preview the cover").click()  # nobody chosen
    assert page.locator(".error-summary").is_visible()
    found += violations(axe, page)
    page.goto("/")
    found += violations(axe, page)
    # A ticket's page with a refused form, then with a reply's preview.
    page.goto("/tickets/1")
    page.get_by_label("Priority", exact=True).select_option("P1")
    page.get_by_role("button", name="Set the priority").click()  # no reason given
    assert page.locator(".error-summary").is_visible()
    found += violations(axe, page)
    page.get_by_label("Your reply").fill("Which region are you in?")
    page.get_by_role("button", name="Preview the reply").click()
    assert page.locator(".mail-preview").is_visible()
    found += violations(axe, page)
    assert found == []


def test_the_tenant_portals_pages_break_no_accessibility_rule(
    new_context: Callable[..., BrowserContext], server: Server
):
    numbers = seed_portal_tenants(server)
    axe = Axe()
    found: list[str] = []
    for viewport in ({}, {"viewport": PHONE}):
        page = new_context(**viewport).new_page()
        page.goto("/portal/")
        found += violations(axe, page)
        page.get_by_role("button", name="E-mail me a sign-in link").click()  # no address
        assert page.locator(".error-summary").is_visible()
        found += violations(axe, page)
        page.get_by_label("Your work e-mail address").fill("ann@acme.com")
        page.get_by_role("button", name="E-mail me a sign-in link").click()
        # A click returns before the next page has loaded: axe on a page mid-navigation finds
        # no document, so wait for the page each time.
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
        found += violations(axe, page)  # check your e-mail
        page.goto(mailed_portal_link(server, "ann@acme.com"))
        found += violations(axe, page)  # sign in as …?
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("status")).to_have_text("You are signed in.")
        found += violations(axe, page)  # the list, with the flash
        for path in (f"/portal/tickets/{numbers['acme']}", "/portal/new"):
            page.goto(path)
            found += violations(axe, page)
        page.get_by_role("button", name="Open the ticket").click()  # nothing filled in
        assert page.locator(".error-summary").is_visible()
        found += violations(axe, page)
        page.goto(f"/portal/tickets/{numbers['globex']}")  # not theirs: not found
        found += violations(axe, page)
    assert found == []
