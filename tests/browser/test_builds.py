"""The builds page in a real browser: a red job is claimed in one click ("fixing the build:
Alice Archer"), a viewer sees who is fixing it but no button, and the job's success shows it
green with its red time in the report; a job removed from the pipeline is dismissed with its
reason, a missing reason shown beside the field on a phone, breaking no accessibility rule."""

from __future__ import annotations

from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PHONE, Server, run_cli, sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_dashboard import SIDEWAYS

RECORD = ("build", "record", "--source", "concourse", "--pipeline", "paas-cf", "--branch", "main")


def test_a_red_build_is_claimed_then_seen_green_in_the_report(page: Page, server: Server):
    run_cli(
        server.database_url,
        *RECORD,
        *("--job", "deploy", "--build-id", "101", "--status", "failed", "--sha", "0a1b2c3d"),
    )
    sign_in(page, "alice")
    page.goto("/builds")
    red = page.locator(".red-build", has_text="concourse paas-cf/deploy")
    expect(red).to_contain_text("Nobody is fixing it yet.")
    expect(red.get_by_label("Who is fixing it")).to_have_value("me")
    red.get_by_role("button", name="Claim: fixing the build").click()

    expect(page.locator(".flash")).to_contain_text("Fixing the build: Alice Archer.")
    red = page.locator(".red-build", has_text="concourse paas-cf/deploy")
    expect(red).to_contain_text("Fixing the build: Alice Archer")
    expect(red.get_by_role("button", name="Claim: fixing the build")).to_have_count(0)
    [spell] = [s for s in server.api("GET", "/api/v1/builds/red") if s["job"] == "deploy"]
    assert spell["claimed_by"] == "alice" and spell["task"] is not None

    page.goto("/")
    expect(page.get_by_role("region", name="Red builds")).to_contain_text(
        "fixing the build: Alice Archer"
    )

    run_cli(
        server.database_url,
        *RECORD,
        *("--job", "deploy", "--build-id", "102", "--status", "succeeded", "--sha", "4e5f6a7b"),
    )
    page.goto("/builds")
    expect(page.locator(".red-build", has_text="paas-cf/deploy")).to_have_count(0)
    impact = page.locator("#impact")
    expect(impact.get_by_role("row", name="concourse paas-cf/deploy")).to_contain_text("1")
    assert server.api("GET", f"/api/v1/builds/red/{spell['id']}")["ending"] == "fixed"


def test_a_viewer_sees_who_is_fixing_but_cannot_claim(page: Page, server: Server):
    run_cli(
        server.database_url,
        *RECORD,
        *("--job", "smoke-tests", "--build-id", "7", "--status", "errored"),
    )
    sign_in(page, "vera")
    page.goto("/builds")
    red = page.locator(".red-build", has_text="concourse paas-cf/smoke-tests")
    expect(red).to_contain_text("Nobody is fixing it yet.")
    expect(page.get_by_role("button", name="Claim: fixing the build")).to_have_count(0)
    expect(page.get_by_role("link", name="Builds")).to_be_visible()


def test_a_red_build_with_its_claim_form_breaks_no_accessibility_rule_and_fits_a_phone(
    new_context: Callable[..., BrowserContext], server: Server
):
    run_cli(
        server.database_url,
        *RECORD,
        *("--job", "unit-tests", "--build-id", "55", "--status", "failed"),
    )
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "bob")
    page.goto("/builds")
    expect(page.get_by_role("button", name="Claim: fixing the build").first).to_be_visible()
    assert violations(Axe(), page) == []
    assert not page.evaluate(SIDEWAYS), "the builds page scrolls sideways on a phone"


def test_a_job_removed_from_the_pipeline_is_dismissed_with_its_reason(
    new_context: Callable[..., BrowserContext], server: Server
):
    run_cli(
        server.database_url,
        *RECORD,
        *("--job", "old-deploy", "--build-id", "9", "--status", "failed"),
    )
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "alice")
    page.goto("/builds")
    red = page.locator(".red-build", has_text="concourse paas-cf/old-deploy")
    red.get_by_text("It will never go green", exact=True).click()
    dismiss = red.get_by_role("button", name="Dismiss: it will never go green")
    dismiss.click()  # no reason yet: refused beside the field
    red = page.locator(".red-build", has_text="concourse paas-cf/old-deploy")
    expect(red.locator(".field-error")).to_contain_text("reason: say why")
    assert violations(Axe(), page) == []
    assert not page.evaluate(SIDEWAYS), "the dismiss form scrolls sideways on a phone"

    red.get_by_label("Why (such as: job removed from the pipeline)").fill("job removed")
    red.get_by_role("button", name="Dismiss: it will never go green").click()
    expect(page.locator(".flash")).to_contain_text("Dismissed: concourse paas-cf/old-deploy.")
    expect(page.locator(".red-build", has_text="paas-cf/old-deploy")).to_have_count(0)
    assert all(s["job"] != "old-deploy" for s in server.api("GET", "/api/v1/builds/red"))
