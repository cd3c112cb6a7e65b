"""The ticket pages in a real browser: a responder finds a ticket in the queue, previews a reply
as the tenant will get it and sends it, triages and picks it up, opens a ticket for a tenant; a
viewer sees no forms; and the same works with JavaScript turned off.

Each test opens its own ticket through the API, so the tests do not depend on one another.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Server, sign_in


def open_ticket(server: Server, subject: str, **fields: str) -> int:
    """A ticket from ops@initech.example (Initech), opened as the admin through the API."""
    body = {
        "subject": subject,
        "body": "Since 09:00 every cf push fails.",
        "requester_email": "ops@initech.example",
    }
    return int(server.api("POST", "/api/v1/tickets", json=body | fields)["id"])


def thread_kinds(server: Server, ticket: int) -> list[str]:
    return [m["kind"] for m in server.api("GET", f"/api/v1/tickets/{ticket}")["messages"]]


def reply_and_send(page: Page, server: Server, ticket: int) -> None:
    """Write a reply, check its preview (nothing sent yet), send it."""
    page.get_by_label("Your reply").fill("Which app is it?\nAnd since when exactly?")
    page.get_by_label("Then").select_option(label="Pending: waiting on the tenant")
    page.get_by_role("button", name="Preview the reply").click()

    preview = page.get_by_role("region", name="Check your reply: nothing has been sent yet")
    expect(preview).to_contain_text("ops@initech.example")
    expect(preview).to_contain_text(f"[#{ticket}] ")
    expect(preview.locator(".mail__body")).to_contain_text(
        "Which app is it?\nAnd since when exactly?"
    )
    assert thread_kinds(server, ticket) == ["tenant"]

    page.get_by_role("button", name="Send the reply").click()

    expect(page.locator(".flash")).to_contain_text("is on its way to ops@initech.example")
    expect(page.locator(".message--reply .message__body")).to_have_text(
        "Which app is it?\nAnd since when exactly?"
    )
    assert thread_kinds(server, ticket) == ["tenant", "reply"]
    assert server.api("GET", f"/api/v1/tickets/{ticket}")["status"] == "pending"


def test_a_responder_finds_a_ticket_in_the_queue_and_answers_it(page: Page, server: Server):
    ticket = open_ticket(server, "Routes return 404 after a deploy", priority="P1")
    sign_in(page, "alice")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect(page.get_by_role("heading", level=1, name="Tickets")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Routes return 404 after a deploy")
    expect(row).to_contain_text("P1")
    expect(row).to_contain_text("Initech")
    expect(row.locator(".countdown")).to_have_text(re.compile(r"^(in \d|overdue by|due now)"))
    row.get_by_role("link", name="Routes return 404 after a deploy").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{ticket}")
    reply_and_send(page, server, ticket)
    expect(page.locator(".ticket-clock")).to_contain_text("paused")


def test_triage_needs_a_reason_and_picking_up_takes_one_choice(page: Page, server: Server):
    ticket = open_ticket(server, "Logs stopped arriving")
    sign_in(page, "alice")
    page.goto(f"/tickets/{ticket}")

    page.get_by_label("Priority", exact=True).select_option("P3")
    page.get_by_role("button", name="Set the priority").click()

    expect(page.locator("#f-reason-error")).to_contain_text("say why the priority is what it is")
    assert server.api("GET", f"/api/v1/tickets/{ticket}")["priority"] is None
    page.get_by_label("Priority", exact=True).select_option("P3")
    page.get_by_label("Why").fill("degraded for one tenant")
    page.get_by_role("button", name="Set the priority").click()
    expect(page.locator(".flash")).to_contain_text(f"Ticket #{ticket} is P3 now")

    page.get_by_label("Assignee").select_option(label="Me (Alice Archer)")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".flash")).to_contain_text(f"You picked up ticket #{ticket}")
    assert server.api("GET", f"/api/v1/tickets/{ticket}")["assignee"] == "alice"
    page.goto("/tickets?tab=mine")
    expect(page.get_by_role("link", name="Logs stopped arriving")).to_be_visible()


def test_a_responder_opens_a_ticket_for_a_tenant(page: Page, server: Server):
    sign_in(page, "bob")
    page.goto("/tickets")
    page.get_by_role("link", name="Open a ticket").click()
    page.get_by_label("Subject").fill("Quota increase for the staging org")
    page.get_by_label("Requester's e-mail address").fill("lead@initech.example")
    page.get_by_label("What the tenant asked").fill("We need 40 GB more memory.")
    page.get_by_role("button", name="Open the ticket").click()

    expect(page.locator(".flash")).to_contain_text("is open: Quota increase for the staging org")
    expect(page.locator(".summary-list")).to_contain_text("Initech (initech)")


def test_a_viewer_reads_tickets_but_sees_no_forms(page: Page, server: Server):
    ticket = open_ticket(server, "Read only for viewers")
    sign_in(page, "vera")

    page.goto("/tickets")
    expect(page.get_by_role("link", name="Read only for viewers")).to_be_visible()
    expect(page.get_by_role("link", name="Open a ticket")).to_have_count(0)
    page.goto(f"/tickets/{ticket}")
    expect(page.locator(".message--tenant")).to_contain_text("Since 09:00 every cf push fails.")
    expect(page.locator("main form")).to_have_count(0)


def test_the_ticket_pages_work_without_javascript(
    new_context: Callable[..., BrowserContext], server: Server
):
    ticket = open_ticket(server, "No script here")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, "carol")

    page.goto("/tickets?tab=unassigned")
    page.get_by_role("link", name="No script here").click()
    reply_and_send(page, server, ticket)
