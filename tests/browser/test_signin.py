"""Signing in and out in a real browser: messages, cookies, and pages without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, sign_in

ROTA_NAMES = ["In hours engineering support", "In hours comms", "Escalation"]


def test_a_wrong_password_is_told_on_the_sign_in_page(page: Page):
    page.goto("/sign-in")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("wrong username or password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Username")).to_have_value("alice")
    expect(page.get_by_label("Password")).to_have_value("")


def test_the_right_password_opens_the_dashboard_with_a_card_per_rota(page: Page):
    sign_in(page, "alice")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".rota-card .card__title")).to_have_text(ROTA_NAMES)


def test_a_page_asked_for_before_signing_in_opens_after_it(page: Page):
    page.goto("/?from=bookmark")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))

    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/\?from=bookmark$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is on support")


def test_the_session_cookie_is_httponly_samesite_lax_and_hidden_from_scripts(page: Page):
    sign_in(page, "alice")

    [session] = [c for c in page.context.cookies() if c["name"] == "dutydesk_session"]
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"
    assert session["secure"] is False  # plain HTTP to 127.0.0.1: a Secure cookie would not return
    assert "dutydesk_session" not in page.evaluate("document.cookie")


def test_signing_out_returns_to_sign_in_and_the_dashboard_then_asks_again(page: Page):
    sign_in(page, "carol")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert not [c for c in page.context.cookies() if c["name"] == "dutydesk_session"]
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_without_javascript_signing_in_and_the_dashboard_still_work(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong username or password")

    sign_in(page, "alice")

    expect(page.locator(".rota-card .card__title")).to_have_text(ROTA_NAMES)
    # The page's own script never ran: it would have marked the document and set a zone cookie.
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bjs\b"))
    assert not [c for c in page.context.cookies() if c["name"] == "dutydesk_tz"]
