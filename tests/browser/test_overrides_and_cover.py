"""Overrides and break cover in a real browser: form, preview, confirm, and the pages after."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import TEAM_ZONE, Server, next_monday, sign_in


def test_asking_for_cover_from_the_dashboard_lists_it_under_break_cover(page: Page, server: Server):
    # The escalation rota is covered around the clock by bob and carol, so alice can cover it
    # at any time of any day.
    start = (datetime.now(UTC) + timedelta(hours=2)).astimezone(TEAM_ZONE)
    sign_in(page, "alice")

    card = page.locator('.rota-card[data-rota="escalation"]')
    card.get_by_role("link", name="Ask for cover").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for break cover")
    page.get_by_label("Who covers").select_option(label="Alice Archer")
    page.get_by_label("From", exact=True).fill(f"{start:%Y-%m-%d %H:%M}")
    page.get_by_label("For how long").select_option(label="45 min")
    page.get_by_label("Note (optional)").fill("dentist")
    page.get_by_role("button", name="Preview the cover").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the break cover")
    expect(page.locator(".summary-list")).to_contain_text("Alice Archer")
    expect(page.get_by_role("region", name="What changes")).to_contain_text("Alice Archer")
    assert server.api("GET", "/api/v1/rotas/escalation/overrides") == []  # only a preview

    page.get_by_role("button", name="Confirm the cover").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Alice Archer covers Escalation")
    listed = page.get_by_role("region", name="Break cover").get_by_role("row")
    expect(listed.filter(has_text="Alice Archer")).to_contain_text(["Escalation"])
    expect(listed.filter(has_text="Alice Archer")).to_contain_text(["dentist"])
    [made] = server.api("GET", "/api/v1/rotas/escalation/overrides")
    length = datetime.fromisoformat(made["until"]) - datetime.fromisoformat(made["from"])
    assert (made["person"], made["note"], length) == ("alice", "dentist", timedelta(minutes=45))
    assert made["created_by"] == "web:alice"


def test_an_override_shows_on_the_rota_calendar(page: Page, server: Server):
    monday = next_monday(datetime.now(UTC))
    week = server.shifts("engineering", monday, monday + timedelta(days=7))
    shift = next(s for s in week if s["person"] != "dan")  # dan is not on engineering anyway
    start, end = datetime.fromisoformat(shift["from"]), datetime.fromisoformat(shift["until"])
    names = server.names()
    sign_in(page, "bob")

    page.goto(f"/rotas/engineering?view=week&date={start:%Y-%m-%d}")
    day = page.locator("ol.week > li.day").nth(start.weekday())
    expect(day.locator(".piece--override")).to_have_count(0)
    expect(day).to_contain_text(names[shift["person"]])

    page.get_by_role("link", name="Overrides", exact=True).click()
    page.get_by_role("link", name="Add an override").click()
    page.get_by_label("Who is on call").select_option(label="Dan Dorsey")
    page.get_by_label("From", exact=True).fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label("Until", exact=True).fill(f"{end:%Y-%m-%dT%H:%M}")
    page.get_by_label("Note (optional)").fill("training day")
    page.get_by_role("button", name="Preview the change").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the override")
    expect(page.get_by_role("region", name="After this change")).to_contain_text("Dan Dorsey")
    assert server.shifts("engineering", start, end)[0]["person"] == shift["person"]  # not yet

    page.get_by_role("button", name="Confirm the override").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Dan Dorsey is on In hours engineering support"
    )
    page.goto(f"/rotas/engineering?view=week&date={start:%Y-%m-%d}")
    expect(day.locator(".piece--override .piece__who")).to_have_text("Dan Dorsey")
    [after] = server.shifts("engineering", start, end)
    assert (after["person"], after["source"]) == ("dan", "override")
