"""The tenant portal in a real browser: signing in by a mailed link, the tenant's own tickets
only, answering and opening tickets, with JavaScript and without."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    PORTAL_NOTE,
    Server,
    mailed_portal_link,
    portal_sign_in,
    seed_portal_tenants,
    sign_in,
)


@pytest.fixture(scope="module")
def tickets(server: Server) -> dict[str, int]:
    return seed_portal_tenants(server)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_tenant_signs_in_by_mail_answers_a_ticket_and_opens_another(
    new_context: Callable[..., BrowserContext],
    server: Server,
    tickets: dict[str, int],
    javascript: bool,
):
    page = new_context(java_script_enabled=javascript).new_page()
    portal_sign_in(page, server, "ann@acme.com")

    expect(page).to_have_url(re.compile(r"/portal/tickets$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme: tickets")
    expect(page.get_by_role("link", name="Deploys fail with 502")).to_be_visible()
    expect(page.get_by_role("link", name="Database is slow")).to_have_count(0)

    page.get_by_role("link", name="Deploys fail with 502").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"#{tickets['acme']} Deploys fail with 502"
    )
    expect(page.get_by_text("We are looking.")).to_be_visible()
    expect(page.get_by_text("We aim to update you by")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(PORTAL_NOTE)
    written = f"Still failing ({'with' if javascript else 'without'} JavaScript)"
    page.get_by_label("Your message").fill(written)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Your message is sent.")
    expect(page.locator("#latest")).to_contain_text(written)

    page.get_by_role("link", name="Open a ticket").first.click()
    page.get_by_label("Subject").fill("Need a <bigger> quota")
    page.get_by_label("What do you need?").fill("Ten more apps, please.")
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.get_by_role("status")).to_contain_text("is open")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Need a <bigger> quota")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.goto(f"/portal/tickets/{tickets['acme']}")
    expect(page).to_have_url(re.compile(r"/portal/\?next="))


def test_another_tenants_ticket_is_not_found(page: Page, server: Server, tickets: dict[str, int]):
    portal_sign_in(page, server, "gus@globex.com")
    answer = page.goto(f"/portal/tickets/{tickets['acme']}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the support portal")).to_be_visible()


def test_a_used_link_does_not_sign_in_again(
    new_context: Callable[..., BrowserContext], server: Server, tickets: dict[str, int]
):
    first = new_context().new_page()
    portal_sign_in(first, server, "ann@acme.com")
    link = mailed_portal_link(server, "ann@acme.com")
    second = new_context().new_page()
    answer = second.goto(link)
    assert answer is not None and answer.status == 400
    expect(second.get_by_role("alert")).to_contain_text("has expired or has been used")


def test_the_portal_cookie_is_httponly_lax_and_kept_to_the_portal(
    page: Page, server: Server, tickets: dict[str, int]
):
    portal_sign_in(page, server, "ann@acme.com")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "dutydesk_portal"]
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Lax", "/portal")
    assert "dutydesk_portal" not in page.evaluate("document.cookie")
    # The staff pages see no one signed in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_a_staff_user_is_not_signed_in_to_the_portal(page: Page, tickets: dict[str, int]):
    sign_in(page, "alice")
    page.goto(f"/portal/tickets/{tickets['acme']}")
    expect(page).to_have_url(re.compile(r"/portal/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the support portal")
