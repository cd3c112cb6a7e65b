"""The task pages in a real browser: a responder finds a task in the backlog by its label,
picks it up and completes it; someone else's task offers only "take it over"; a viewer sees no
forms. Each test adds its own task through the API, so the tests do not depend on one another.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, sign_in


def add_task(server: Server, title: str, **fields: object) -> int:
    """A backlog task, added as the admin through the API."""
    return int(server.api("POST", "/api/v1/tasks", json={"title": title} | fields)["id"])


def test_a_responder_picks_up_a_task_and_completes_it(page: Page, server: Server):
    number = add_task(
        server,
        "Rotate the CI deploy key",
        labels=["browser-pick"],
        size="S",
        description="Follow **the runbook**.\n\n<script>alert(1)</script>",
    )
    sign_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    expect(page.get_by_role("heading", level=1, name="Tasks")).to_be_visible()
    page.get_by_label("Label").fill("browser-pick")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Rotate the CI deploy key").click()

    expect(page.locator("#task-owner")).to_have_text("Nobody has picked it up")
    expect(page.locator(".incident-document strong")).to_have_text("the runbook")
    expect(page.locator(".incident-document")).to_contain_text("<script>alert(1)</script>")

    page.get_by_role("button", name="Pick it up").click()
    expect(page.locator(".flash")).to_contain_text(f"You have task {number}.")
    expect(page.locator("#task-owner")).to_contain_text("Alice Archer")
    assert server.api("GET", f"/api/v1/tasks/{number}")["owner"] == "alice"

    page.get_by_role("button", name="Complete").click()
    expect(page.locator(".flash")).to_contain_text(f"Task {number} is done.")
    expect(page.locator("#task-status")).to_contain_text("Done")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    done = server.api("GET", f"/api/v1/tasks/{number}")
    assert (done["status"], done["completed_by"]) == ("done", "alice")
    expect(page.locator(".alert-log")).to_contain_text(f"alice picked up task {number}")


def test_someone_elses_task_is_taken_over_deliberately(page: Page, server: Server):
    number = add_task(server, "Upgrade the runners")
    server.api("POST", f"/api/v1/tasks/{number}/complete")
    server.api("POST", f"/api/v1/tasks/{number}/reopen")
    sign_in(page, "bob")
    page.goto(f"/tasks/{number}")
    page.get_by_role("button", name="Pick it up").click()
    expect(page.locator("#task-owner")).to_contain_text("Bob Brown")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "carol")
    page.goto(f"/tasks/{number}")
    expect(page.get_by_role("button", name="Pick it up")).to_have_count(0)
    page.get_by_role("button", name="Take it over").click()
    expect(page.locator("#task-owner")).to_contain_text("Carol Chen")
    assert server.api("GET", f"/api/v1/tasks/{number}")["owner"] == "carol"


def test_a_viewer_reads_a_task_without_forms(page: Page, server: Server):
    number = add_task(server, "Read-only for viewers")
    sign_in(page, "vera")
    page.goto(f"/tasks/{number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Read-only for viewers")
    expect(page.get_by_role("button", name="Pick it up")).to_have_count(0)
    expect(page.get_by_role("button", name="Complete")).to_have_count(0)
