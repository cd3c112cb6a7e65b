"""The dashboard in a real browser: who is on now and next, keyboard use, phone width, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, RESPONDER_PAGES, Server, sign_in

# The dashboard looks this far ahead for the next person (dutydesk.oncall.panels.NEXT_HORIZON).
NEXT_HORIZON = timedelta(days=31)


def now_and_next(server: Server, rota: str) -> tuple[str | None, str | None]:
    """Who the API says is on a rota now, and who takes over from them next."""
    now = datetime.now(UTC)
    segments: list[dict[str, Any]] = server.shifts(rota, now, now + NEXT_HORIZON)
    current = (
        segments[0] if segments and datetime.fromisoformat(segments[0]["from"]) <= now else None
    )
    later = segments[1:] if current else segments
    following = next(
        (s for s in later if current is None or s["person"] != current["person"]), None
    )
    return (current and current["person"]), (following and following["person"])


def test_each_rota_card_shows_who_is_on_now_and_next(page: Page, server: Server):
    names = server.names()
    sign_in(page, "vera")

    for rota in ("engineering", "comms", "escalation"):
        on_now, on_next = now_and_next(server, rota)
        [answer] = [a for a in server.api("GET", "/api/v1/oncall") if a["rota"] == rota]
        assert answer["person"] == on_now  # the schedule and the who-is-on answer agree
        card = page.locator(f'.rota-card[data-rota="{rota}"]')
        if on_now is None:
            expect(card.locator(".on-now")).to_contain_text("Nobody")
        else:
            expect(card.locator(".on-now .person")).to_have_text(names[on_now])
        assert on_next is not None  # every example rota has someone within a month
        expect(card.locator(".next .person")).to_have_text(names[on_next])


def test_tab_from_the_top_reaches_the_visibly_focused_skip_link_and_enter_moves_to_main(
    page: Page,
):
    sign_in(page, "alice")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    focus_style = skip.evaluate(
        "link => { const s = getComputedStyle(link);"
        " return {outline: s.outlineStyle, shadow: s.boxShadow, left: link.getBoundingClientRect().left}; }"
    )
    assert focus_style["outline"] != "none" or focus_style["shadow"] != "none", focus_style
    assert focus_style["left"] >= 0, "the focused skip link is off the screen"
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside main, not back in the header
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


def test_no_page_scrolls_sideways_on_a_phone(new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/sign-in")
    assert not page.evaluate(SIDEWAYS), "the sign-in page scrolls sideways"
    sign_in(page, "alice")

    sideways = []
    for path in RESPONDER_PAGES:
        answer = page.goto(path)
        assert answer is not None and answer.ok, f"{path}: {answer and answer.status}"
        if page.evaluate(SIDEWAYS):
            sideways.append(
                f"{path} is {page.evaluate('document.documentElement.scrollWidth')}px wide"
            )
    assert sideways == []


def test_a_responder_sees_the_change_links_on_every_rota(page: Page):
    sign_in(page, "alice")

    expect(page.get_by_role("link", name="Ask for cover")).to_have_count(3)
    expect(page.get_by_role("link", name="Request a swap")).to_have_count(3)


def test_a_viewer_sees_no_links_to_change_anything(page: Page):
    sign_in(page, "vera")

    expect(page.locator(".rota-card")).to_have_count(3)
    expect(page.get_by_role("link", name="Ask for cover")).to_have_count(0)
    expect(page.get_by_role("link", name="Request a swap")).to_have_count(0)
