"""Incidents in a real browser: declared from an alert's page in one click; the roles as the
rotas give them at a moment someone covers a break; two people editing the document at once,
the second shown the clash with both texts and nothing lost; a viewer reads and cannot edit.

Each test declares its own incident, so the tests do not depend on one another. The server
runs on the real clock: who should hold each role is asked of the API at the moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Server, run_cli, sign_in


def on_call(server: Server, rota: str) -> str | None:
    person: str | None = server.api("GET", f"/api/v1/rotas/{rota}/oncall")["person"]
    return person


def declare(server: Server, title: str, priority: str = "P2") -> int:
    made = server.api("POST", "/api/v1/incidents", json={"title": title, "priority": priority})
    return int(made["id"])


def current_roles(server: Server, incident: int) -> dict[str, str | None]:
    detail = server.api("GET", f"/api/v1/incidents/{incident}")
    return {r["role"]: r["person"] for r in detail["roles"] if r["ended_at"] is None}


def test_an_incident_is_declared_from_an_alert_in_one_click(page: Page, server: Server):
    summary = "Router 5xx above 5% for every tenant"
    opened = run_cli(server.database_url, "alert", "trigger", "platform-api", "--summary", summary)
    alert = {"id": int(opened.split()[0])}
    sign_in(page, "bob")
    page.goto(f"/alerts/{alert['id']}")
    page.get_by_role("button", name="Declare an incident").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(summary)
    expect(page.locator(".flash")).to_contain_text("declared: its roles are told")
    expect(page.locator(".badge--priority-p1")).to_be_visible()
    links = page.get_by_role("region", name="Alerts and tickets")
    expect(links.get_by_role("link", name=f"Alert {alert['id']}")).to_be_visible()
    incident = int(re.search(r"/incidents/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    detail = server.api("GET", f"/api/v1/incidents/{incident}")
    assert (detail["source"], detail["alerts"]) == ("alert", [alert["id"]])


def test_the_roles_come_from_the_rotas_with_break_cover_at_the_moment_of_declaring(
    page: Page, server: Server
):
    names = server.names()
    covering = next(p for p in ("dan", "erin", "alice") if p != on_call(server, "escalation"))
    server.api("POST", "/api/v1/rotas/escalation/cover", json={"by": covering, "for": "30m"})
    expected = {
        "lead": on_call(server, "engineering"),
        "comms": on_call(server, "comms") or covering,
        "escalation": covering,
    }
    sign_in(page, "alice")
    page.goto("/incidents")
    page.get_by_label("What is wrong").fill("Deploys fail during break cover")
    page.get_by_label("Priority").select_option("P2")
    page.get_by_role("button", name="Declare the incident").click()

    roles = page.get_by_role("region", name="Roles").get_by_role("table")
    expect(roles.get_by_role("row", name=re.compile("^Escalation contact"))).to_contain_text(
        names[covering]
    )
    comms = expected["comms"]
    assert comms is not None
    expect(roles.get_by_role("row", name=re.compile("^Comms lead"))).to_contain_text(names[comms])
    lead = expected["lead"] or "alice"  # out of support hours, whoever declared leads
    expect(roles.get_by_role("row", name=re.compile("^Incident lead"))).to_contain_text(names[lead])
    incident = int(re.search(r"/incidents/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    assert current_roles(server, incident) == expected | {"lead": lead}


def test_two_people_editing_the_document_at_once_lose_no_words(
    new_context: Callable[..., BrowserContext], server: Server
):
    incident = declare(server, "Two editors at once")
    bob, carol = new_context().new_page(), new_context().new_page()
    sign_in(bob, "bob")
    sign_in(carol, "carol")
    bob.goto(f"/incidents/{incident}/document")
    carol.goto(f"/incidents/{incident}/document")

    bob_editor = bob.get_by_label("The document (Markdown)")
    bob_editor.fill(bob_editor.input_value() + "\nBob: only eu-west tenants are affected.\n")
    carol_editor = carol.get_by_label("The document (Markdown)")
    carol_editor.fill(carol_editor.input_value() + "\nCarol: tenants told at 14:05.\n")
    bob.get_by_role("button", name="Save the document").click()
    expect(bob.locator(".flash")).to_contain_text("Saved as version 2")
    carol.get_by_role("button", name="Save the document").click()

    expect(carol.get_by_role("alert")).to_contain_text(
        "Someone else saved the document while you were editing"
    )
    mine = carol.get_by_label("Your text")
    theirs = carol.get_by_label("Their text (Markdown)")
    expect(mine).to_have_value(re.compile("Carol: tenants told at 14:05."))
    expect(theirs).to_have_value(re.compile("Bob: only eu-west tenants are affected."))
    mine.fill(theirs.input_value() + "\nCarol: tenants told at 14:05.\n")
    carol.get_by_role("button", name="Save your text as the next version").click()
    expect(carol.locator(".flash")).to_contain_text("Saved as version 3")

    document = server.api("GET", f"/api/v1/incidents/{incident}/document")
    assert "Bob: only eu-west tenants are affected." in document["text"]
    assert "Carol: tenants told at 14:05." in document["text"]
    bob.goto(f"/incidents/{incident}")
    expect(bob.locator(".incident-document")).to_contain_text("Carol: tenants told at 14:05.")


def test_a_viewer_reads_the_incident_and_cannot_edit_it(page: Page, server: Server):
    incident = declare(server, "Read but do not touch")
    server.api(
        "POST",
        f"/api/v1/incidents/{incident}/timeline",
        json={"text": "Rolled back", "occurred_at": datetime.now(UTC).isoformat()},
    )
    sign_in(page, "vera")
    page.goto(f"/incidents/{incident}")
    expect(page.get_by_role("heading", level=4, name="Summary")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Rolled back")
    expect(page.get_by_role("link", name="Edit the document")).to_have_count(0)
    expect(page.get_by_role("button", name="Add to the timeline")).to_have_count(0)
    expect(page.get_by_role("button", name="Record the update")).to_have_count(0)
    answer = page.goto(f"/incidents/{incident}/document")
    assert answer is not None and answer.status == 403
