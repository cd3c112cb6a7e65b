"""The dashboard: every rota now and next, your own shifts, swaps you could take, break cover."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from dutydesk.cover.service import add_cover
from dutydesk.db import unit_of_work
from dutydesk.swaps.service import request_swap


def text_of(html: str) -> str:
    """The page's text with tags and runs of white space removed, for phrase checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def card(html: str, rota: str) -> str:
    found = re.search(rf'<li class="card rota-card" data-rota="{rota}">(.*?)</li>', html, re.S)
    assert found is not None, f"no card for {rota}"
    return text_of(found.group(1))


def test_each_rota_shows_who_is_on_now_until_when_and_who_takes_over(
    runtime, example_team, browser
):
    page = browser("alice", person="alice").get("/")

    assert page.status_code == 200
    engineering = card(page.text, "engineering")
    assert "On now Bob Brown" in engineering
    assert "until Wed 14 Jan 17:30" in engineering
    assert "Next Carol Chen from Mon 19 Jan 09:30" in engineering
    assert "On now Carol Chen" in card(page.text, "escalation")


def test_outside_covered_hours_the_rota_says_nobody_and_when_someone_is_back(
    runtime, clock, example_team, browser
):
    clock.set(datetime(2026, 1, 17, 12, 0, tzinfo=UTC))  # a Saturday
    engineering = card(browser("alice").get("/").text, "engineering")
    assert "On now Nobody outside covered hours" in engineering
    assert "Next Carol Chen from Mon 19 Jan 09:30" in engineering


def test_your_own_shifts_of_the_next_two_weeks_are_listed(runtime, example_team, browser):
    text = text_of(browser("carol", person="carol").get("/").text)
    mine = text.split("Your shifts in the next two weeks")[1].split("Swap requests")[0]
    assert "Escalation Wed 14 Jan 10:00 Wed 21 Jan 10:00" in mine
    assert "In hours engineering support Mon 19 Jan 09:30 Mon 19 Jan 17:30 8 h" in mine


def test_a_user_without_a_person_is_told_why_no_shifts_are_listed(runtime, example_team, browser):
    assert "not linked to a person" in browser("ops").get("/").text


def test_open_swap_requests_offered_to_you_are_listed(runtime, example_team, browser):
    with unit_of_work(runtime.sessions) as session:
        request_swap(
            session,
            rota_id="engineering",
            requester_id="bob",
            start=datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
            end=datetime(2026, 1, 15, 17, 30, tzinfo=UTC),
            offered_to=["carol"],
            note="dentist",
            actor="test",
            now=runtime.clock.now(),
        )
        session.commit()

    carol = text_of(browser("carol", person="carol").get("/").text)
    alice = text_of(browser("alice", person="alice").get("/").text)

    bob = text_of(browser("bob", person="bob").get("/").text)

    assert "Bob Brown: In hours engineering support, Thu 15 Jan 09:30 to Thu 15 Jan 17:30" in carol
    assert "dentist" in carol
    assert "Bob Brown: In hours engineering support" not in alice
    assert (
        "Your open requests In hours engineering support, Thu 15 Jan 09:30 to Thu 15 Jan 17:30"
        " — waiting for Carol Chen" in bob
    )


def test_break_cover_now_and_today_is_listed(runtime, example_team, browser):
    with unit_of_work(runtime.sessions) as session:
        add_cover(
            session,
            rota_id="engineering",
            person_id="alice",
            start=runtime.clock.now() + timedelta(hours=2, minutes=30),
            length=timedelta(minutes=45),
            note="lunch",
            actor="test",
            now=runtime.clock.now(),
        )
        session.commit()

    text = text_of(browser("dan").get("/").text)
    cover = text.split("Break cover")[1]
    assert (
        "In hours engineering support Alice Archer Wed 14 Jan 12:30 Wed 14 Jan 13:15 lunch" in cover
    )


def test_a_viewer_sees_no_links_to_change_anything(runtime, example_team, browser):
    page = browser("vera", role="viewer").get("/")
    assert page.status_code == 200
    assert "Ask for cover" not in page.text
    assert "Request a swap" not in page.text


def test_before_a_team_is_applied_the_dashboard_says_how_to_apply_one(runtime, browser):
    page = browser("alice").get("/")
    assert page.status_code == 200
    assert "dutydesk apply team.yaml" in page.text


def test_break_cover_is_labelled_as_cover_on_the_card_and_in_your_shifts(
    runtime, clock, example_team, browser
):
    with unit_of_work(runtime.sessions) as session:
        add_cover(
            session,
            rota_id="engineering",
            person_id="alice",
            start=datetime(2026, 1, 14, 12, 30, tzinfo=UTC),
            length=timedelta(minutes=45),
            note="lunch",
            actor="test",
            now=runtime.clock.now(),
        )
        session.commit()
    clock.set(datetime(2026, 1, 14, 12, 45, tzinfo=UTC))

    page = browser("alice", person="alice").get("/").text

    assert "On now Alice Archer break cover" in card(page, "engineering")
    mine = text_of(page).split("Your shifts in the next two weeks")[1].split("Swap requests")[0]
    # From now (12:45) to the end of the cover.
    assert (
        "In hours engineering support break cover Wed 14 Jan 12:45 Wed 14 Jan 13:15 30 min" in mine
    )
