"""A shift swap between two people, each in their own browser: ask, find, preview, take."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Server, next_monday, sign_in


def test_bob_asks_carol_to_cover_part_of_his_shift_and_she_takes_it(
    new_context: Callable[..., BrowserContext], server: Server
):
    monday = next_monday(datetime.now(UTC))
    weeks = server.shifts("engineering", monday, monday + timedelta(weeks=3))
    bobs = next(s for s in weeks if s["person"] == "bob")
    start = datetime.fromisoformat(bobs["from"])
    end = start + timedelta(hours=4)  # the first half of his day
    bob = new_context().new_page()
    sign_in(bob, "bob")

    bob.goto("/swaps/new?rota=engineering")
    expect(bob.get_by_label("Rota", exact=True)).to_have_value("engineering")
    bob.get_by_label("From", exact=True).fill(f"{start:%Y-%m-%dT%H:%M}")
    bob.get_by_label("Until", exact=True).fill(f"{end:%Y-%m-%dT%H:%M}")
    bob.get_by_label("The colleagues I tick:").check()
    bob.get_by_label("Carol Chen").check()
    bob.get_by_label("Note (optional)").fill("dentist")
    bob.get_by_role("button", name="Preview the request").click()

    expect(bob.get_by_role("heading", level=1)).to_have_text("Check your swap request")
    expect(bob.locator(".summary-list")).to_contain_text("Carol Chen")
    assert server.api("GET", "/api/v1/swaps") == []  # only a preview
    bob.get_by_role("button", name="Confirm: ask for the swap").click()
    expect(bob.get_by_role("status")).to_be_visible()
    [asked] = server.api("GET", "/api/v1/swaps")
    assert (asked["requester"], asked["offered_to"], asked["status"]) == ("bob", ["carol"], "open")

    carol = new_context().new_page()
    sign_in(carol, "carol")
    carol.goto("/swaps")
    waiting = carol.get_by_role("region", name="Waiting for your answer")
    waiting.get_by_role("link", name=f"Swap {asked['id']}").click()
    expect(carol.get_by_role("heading", level=1)).to_contain_text(f"Swap request {asked['id']}")
    carol.get_by_role("button", name="Take", exact=True).click()

    expect(carol.get_by_role("heading", level=1)).to_have_text(f"Take swap {asked['id']}?")
    expect(carol.get_by_role("region", name="What changes on the rota")).to_contain_text(
        "Carol Chen"
    )
    assert server.shifts("engineering", start, end)[0]["person"] == "bob"  # not yet
    carol.get_by_role("button", name="Confirm: take it").click()
    expect(carol.get_by_role("status")).to_be_visible()

    taken = server.api("GET", f"/api/v1/swaps/{asked['id']}")
    assert (taken["status"], taken["taker"]) == ("accepted", "carol")
    [covered] = server.shifts("engineering", start, end)
    assert (covered["person"], covered["source"]) == ("carol", "override")
    carol.goto(f"/rotas/engineering?view=week&date={start:%Y-%m-%d}")
    day = carol.locator("ol.week > li.day").nth(start.weekday())
    expect(day.locator(".piece", has_text="Carol Chen")).to_have_class("piece piece--swap")
    expect(day.locator(".piece", has_text="Bob Brown")).to_have_count(1)  # his afternoon
