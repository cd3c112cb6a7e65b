"""Swap pages: the list, asking for a swap, and taking, exchanging, declining or cancelling one.

The example team's engineering rota has bob on call this week (Mon 12 to Fri 16 Jan 2026,
09:30-17:30) and carol the next; the clock stands at Wed 14 Jan 10:00 (UTC = team time).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.oncall.service import shifts, who
from dutydesk.overrides.service import add_override
from dutydesk.swaps.service import list_swaps, request_swap, view_swap

THURSDAY_0930 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
THURSDAY_1730 = datetime(2026, 1, 15, 17, 30, tzinfo=UTC)
# Bob's Thursday shift, as the request form's fields hold it.
ASK = {
    "rota": "engineering",
    "from": "2026-01-15T09:30",
    "until": "2026-01-15T17:30",
    "offer": "named",
    "to-carol": "on",
    "note": "dentist",
}
# Every POST that changes something (or previews a change), with the person for whom it
# would work: a viewer or a forged form must be refused even then.
FRIDAY = (datetime(2026, 1, 16, 9, 30, tzinfo=UTC), datetime(2026, 1, 16, 17, 30, tzinfo=UTC))
MONDAY = {"from": "2026-01-19T09:30", "until": "2026-01-19T17:30"}
CHANGING_POSTS = (
    ("/swaps/preview", ASK, "bob"),
    ("/swaps", ASK, "bob"),
    ("/swaps/1/take/preview", {}, "carol"),
    ("/swaps/1/take", {}, "carol"),
    ("/swaps/1/exchange/preview", MONDAY, "carol"),
    ("/swaps/1/exchange", MONDAY, "carol"),
    ("/swaps/1/decline", {}, "carol"),
    ("/swaps/1/cancel", {}, "bob"),
)


def text_of(html: str) -> str:
    """The page's text with tags and runs of white space removed, for phrase checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def section(html: str, heading: str) -> str:
    """The text of the swaps list from one section's heading up to the next one's."""
    text = text_of(html)
    assert heading in text, f"no {heading!r} on the page"
    return re.split(
        r" (?:Waiting for your answer|Your open requests|Other open requests"
        r"|Recently closed) ",
        text.split(heading, 1)[1],
    )[0]


@pytest.fixture
def ask_swap(runtime, example_team):
    """`ask_swap(start, end, to=["carol"])`: bob asks through the service; returns its id."""

    def ask(start=THURSDAY_0930, end=THURSDAY_1730, to=("carol",)) -> int:
        with unit_of_work(runtime.sessions) as session:
            view = request_swap(
                session,
                rota_id="engineering",
                requester_id="bob",
                start=start,
                end=end,
                offered_to=list(to),
                note="dentist",
                actor="test",
                now=runtime.clock.now(),
            )
            session.commit()
            return view.swap.id

    return ask


def on_call(runtime, at: datetime, rota: str = "engineering") -> str | None:
    with unit_of_work(runtime.read_sessions) as session:
        return who(session, [rota], at)[0].now.person


def schedule(runtime, start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    with unit_of_work(runtime.read_sessions) as session:
        return [(s.person, s.start, s.end) for s in shifts(session, "engineering", start, end)]


def status_of(runtime, swap_id: int) -> str:
    with unit_of_work(runtime.read_sessions) as session:
        return view_swap(session, swap_id).swap.status


def swap_count(runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return len(list_swaps(session))


# Asking


def test_the_request_form_offers_the_rotas_other_members_and_your_next_shift(
    runtime, example_team, browser
):
    page = browser("bob", person="bob").get("/swaps/new?rota=engineering")

    assert page.status_code == 200
    assert 'name="to-alice"' in page.text
    assert 'name="to-carol"' in page.text
    assert 'name="to-bob"' not in page.text
    assert 'name="offer" value="rota"' in page.text  # or everyone on the rota
    # Wednesday's shift has begun; Thursday's is the next one that can still be swapped.
    assert 'name="from" type="datetime-local" value="2026-01-15T09:30"' in page.text
    assert 'name="until" type="datetime-local" value="2026-01-15T17:30"' in page.text
    assert '<link rel="stylesheet" href="/static/swaps.css">' in page.text
    assert browser("ann").get("/static/swaps.css").status_code == 200


def test_previewing_a_request_says_whose_window_and_who_is_asked_and_changes_nothing(
    runtime, example_team, browser
):
    page = browser("bob", person="bob").post("/swaps/preview", ASK)

    assert page.status_code == 200
    text = text_of(page.text)
    assert "Check your swap request" in text
    assert "Whose shift Bob Brown’s (yours)" in text
    assert "From Thu 15 Jan 09:30 Until Thu 15 Jan 17:30 Length 8 h" in text
    assert "Asked Carol Chen" in text
    assert "Carol Chen is told" in text
    assert "Bob Brown Thu 15 Jan 09:30 to Thu 15 Jan 17:30" in text  # on call in the window
    assert 'name="to-carol" value="on"' in page.text  # the confirm form carries the choices
    assert swap_count(runtime) == 0


def test_confirming_a_request_makes_it_and_carol_sees_it_waiting_for_her(
    runtime, example_team, browser
):
    bob = browser("bob", person="bob")
    answer = bob.post("/swaps", ASK)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/swaps/1"
    page = bob.get("/swaps/1")
    assert "Swap request 1 made for Thu 15 Jan 09:30 to Thu 15 Jan 17:30 (8 h)" in text_of(
        page.text
    )
    with unit_of_work(runtime.read_sessions) as session:
        view = view_swap(session, 1)
    assert (view.swap.requester_id, view.offered_to, view.swap.note) == (
        "bob",
        ["carol"],
        "dentist",
    )
    assert view.swap.created_by == "web:bob"

    carol = browser("carol", person="carol").get("/swaps")
    waiting = section(carol.text, "Waiting for your answer")
    assert "Swap 1 In hours engineering support Bob Brown" in waiting
    assert "Thu 15 Jan 09:30 Thu 15 Jan 17:30 8 h" in waiting
    mine = section(bob.get("/swaps").text, "Your open requests")
    assert "Swap 1" in mine
    others = section(browser("alice", person="alice").get("/swaps").text, "Other open requests")
    assert "Swap 1" in others


def test_offering_it_to_everyone_on_the_rota_asks_each_other_member(runtime, example_team, browser):
    bob = browser("bob", person="bob")
    everyone = {k: v for k, v in ASK.items() if k != "to-carol"} | {"offer": "rota"}

    assert bob.post("/swaps", everyone).status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        assert view_swap(session, 1).offered_to == ["alice", "carol"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"from": "", "until": ""}, "enter when the swap starts"),
        ({"rota": ""}, "enter the rota"),
        ({"from": "next tuesday"}, "&#39;next tuesday&#39; is not a time"),
        (
            {"until": "2026-01-15T18:00"},
            "bob is not on call on engineering for all of that window: nobody is on call",
        ),
        ({"from": "2026-01-19T09:30", "until": "2026-01-19T17:30"}, "carol is on call"),
        ({"until": "2026-01-15T09:00"}, "must be before"),
        ({"from": "2026-01-14T09:30", "until": "2026-01-14T12:00"}, "must start in the future"),
        ({"to-carol": ""}, "tick at least one colleague"),
        ({"offer": ""}, "choose who to offer it to"),
        ({"to-dan": "on"}, "dan is not on the engineering rota"),
        ({"rota": "nope"}, "no rota &#39;nope&#39;"),
    ],
)
def test_bad_requests_show_the_form_again_with_the_reason_and_ask_nobody(
    runtime, example_team, browser, change, message
):
    bob = browser("bob", person="bob")
    form = {k: v for k, v in (ASK | change).items() if v}

    for url in ("/swaps/preview", "/swaps"):
        page = bob.post(url, form)
        assert page.status_code == 400, page.text
        assert message in page.text
        assert "There is a problem" in page.text
        assert '<form method="post" action="/swaps/preview"' in page.text
    assert swap_count(runtime) == 0


def test_typed_times_are_read_as_team_local_time_or_with_their_offset(
    runtime, example_team, browser
):
    typed = ASK | {"from": "2026-01-15 09:30", "until": "2026-01-15T17:30Z"}
    assert browser("bob", person="bob").post("/swaps", typed).status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        swap = view_swap(session, 1).swap
    assert (swap.start_at, swap.end_at) == (THURSDAY_0930, THURSDAY_1730)


def test_a_range_error_is_shown_beside_until(runtime, example_team, browser):
    page = browser("bob", person="bob").post("/swaps/preview", ASK | {"until": "2026-01-15T09:00"})
    assert re.search(r'id="f-until-error">.*must be before', page.text)


def test_a_second_overlapping_request_is_refused(runtime, ask_swap, browser):
    ask_swap()
    page = browser("bob", person="bob").post("/swaps", ASK)
    assert page.status_code == 400
    assert "swap 1 already asks for cover for part of that window" in page.text
    assert swap_count(runtime) == 1


def test_change_and_another_rotas_colleagues_show_the_form_again_with_the_values(
    runtime, example_team, browser
):
    bob = browser("bob", person="bob")

    changed = bob.post("/swaps/preview", ASK | {"step": "change"})
    assert changed.status_code == 200
    assert 'value="2026-01-15T09:30"' in changed.text
    assert 'name="to-carol" value="on" checked' in changed.text

    escalation = bob.post("/swaps/preview", ASK | {"rota": "escalation", "step": "colleagues"})
    assert escalation.status_code == 200
    assert 'name="to-carol"' in escalation.text
    assert 'name="to-alice"' not in escalation.text
    assert swap_count(runtime) == 0


def test_a_user_linked_to_nobody_is_told_so_and_cannot_ask(runtime, example_team, browser):
    ops = browser("ops")
    form = ops.get("/swaps/new")
    assert form.status_code == 403
    assert "not linked to a person" in form.text
    assert ops.post("/swaps", ASK).status_code == 403
    assert swap_count(runtime) == 0


# One request's page and its answers


def test_the_swap_page_shows_the_request_and_the_answers_open_to_you(runtime, ask_swap, browser):
    ask_swap()
    carol = browser("carol", person="carol").get("/swaps/1")

    assert carol.status_code == 200
    text = text_of(carol.text)
    assert "Swap request 1 open" in text
    assert "Rota In hours engineering support Asked by Bob Brown" in text
    assert "From Thu 15 Jan 09:30 Until Thu 15 Jan 17:30 Length 8 h Note dentist" in text
    assert "Offered to Carol Chen Declined by Nobody" in text
    assert 'action="/swaps/1/take/preview"' in carol.text
    assert 'action="/swaps/1/exchange/preview"' in carol.text
    assert "exactly 8 h" in text
    assert "Mon 19 Jan 09:30 to Mon 19 Jan 17:30 (8 h)" in text  # her own shifts to give back
    assert 'href="/swaps/1/decline"' in carol.text
    assert 'href="/swaps/1/cancel"' not in carol.text

    bob = browser("bob", person="bob").get("/swaps/1")
    assert 'href="/swaps/1/cancel"' in bob.text
    assert "/take/preview" not in bob.text

    alice = browser("alice", person="alice").get("/swaps/1")  # not offered to her
    assert "/take/preview" not in alice.text and "/cancel" not in alice.text


def test_previewing_a_take_shows_carol_in_the_window_and_changes_nothing(
    runtime, ask_swap, browser
):
    ask_swap()
    page = browser("carol", person="carol").post("/swaps/1/take/preview", {})

    assert page.status_code == 200
    text = text_of(page.text)
    assert "You will cover Bob Brown’s In hours engineering support shift" in text
    after = text.split("After this change", 1)[1]
    assert "Carol Chen Thu 15 Jan 09:30 to Thu 15 Jan 17:30 override changed" in after
    assert status_of(runtime, 1) == "open"
    assert on_call(runtime, datetime(2026, 1, 15, 10, 0, tzinfo=UTC)) == "bob"


def test_taking_puts_carol_in_the_window_and_moves_nobody_elses_shift(
    runtime, ask_swap, browser, cli
):
    ask_swap()
    week = (datetime(2026, 1, 12, tzinfo=UTC), datetime(2026, 2, 2, tzinfo=UTC))
    before = schedule(runtime, *week)
    carol = browser("carol", person="carol")

    answer = carol.post("/swaps/1/take", {})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/swaps/1"
    page = text_of(carol.get("/swaps/1").text)
    assert "You took swap 1: you now cover Bob Brown's In hours engineering support shift" in page
    assert "Swap request 1 accepted" in page and "taken by Carol Chen" in page
    who_then = cli("who", "engineering", "--at", "2026-01-15T10:00", "--json")
    assert '"person": "carol"' in who_then.out
    after = schedule(runtime, *week)
    assert [s for s in after if s not in before] == [("carol", THURSDAY_0930, THURSDAY_1730)]
    assert [s for s in before if s not in after] == [("bob", THURSDAY_0930, THURSDAY_1730)]
    with unit_of_work(runtime.read_sessions) as session:
        assert view_swap(session, 1).swap.resolved_by == "web:carol"


def test_an_exchange_of_another_length_is_refused_with_the_reason(runtime, ask_swap, browser):
    ask_swap()
    carol = browser("carol", person="carol")
    shorter = {"from": "2026-01-19T09:30", "until": "2026-01-19T12:00"}

    for url in ("/swaps/1/exchange/preview", "/swaps/1/exchange"):
        page = carol.post(url, shorter)
        assert page.status_code == 400
        assert (
            "an exchange gives back exactly the same length: swap 1 is 8h,"
            " the give-back window is 2h 30m"
        ) in page.text
        assert 'value="2026-01-19T12:00"' in page.text  # the form keeps what she typed
    assert status_of(runtime, 1) == "open"
    assert on_call(runtime, datetime(2026, 1, 15, 10, 0, tzinfo=UTC)) == "bob"


def test_an_exchange_window_the_taker_does_not_hold_is_refused(runtime, ask_swap, browser):
    ask_swap()
    page = browser("carol", person="carol").post(
        "/swaps/1/exchange/preview", {"from": "2026-01-26T09:30", "until": "2026-01-26T17:30"}
    )
    assert page.status_code == 400
    assert "carol is not on call on engineering for all of the give-back window" in page.text


def test_an_empty_exchange_form_names_each_field(runtime, ask_swap, browser):
    ask_swap()
    page = browser("carol", person="carol").post("/swaps/1/exchange/preview", {})
    assert page.status_code == 400
    assert 'id="f-from-error"' in page.text and 'id="f-until-error"' in page.text


def test_exchanging_shows_both_windows_then_swaps_them(runtime, ask_swap, browser):
    ask_swap()
    carol = browser("carol", person="carol")
    monday = {"from": "2026-01-19T09:30", "until": "2026-01-19T17:30"}

    preview = carol.post("/swaps/1/exchange/preview", monday)
    assert preview.status_code == 200
    after = text_of(preview.text).split("After this change", 1)[1]
    assert "Carol Chen Thu 15 Jan 09:30 to Thu 15 Jan 17:30 override changed" in after
    assert "Bob Brown Mon 19 Jan 09:30 to Mon 19 Jan 17:30 override changed" in after
    assert status_of(runtime, 1) == "open"

    again = carol.post("/swaps/1/exchange/preview", monday | {"step": "change"})
    assert again.status_code == 200
    assert 'name="from" type="datetime-local" value="2026-01-19T09:30"' in again.text
    assert status_of(runtime, 1) == "open"

    answer = carol.post("/swaps/1/exchange", monday)
    assert answer.status_code == 303
    assert on_call(runtime, datetime(2026, 1, 15, 10, 0, tzinfo=UTC)) == "carol"
    assert on_call(runtime, datetime(2026, 1, 19, 10, 0, tzinfo=UTC)) == "bob"
    assert on_call(runtime, datetime(2026, 1, 20, 10, 0, tzinfo=UTC)) == "carol"
    page = text_of(carol.get("/swaps/1").text)
    assert "You exchanged shifts with Bob Brown" in page
    assert "Given back Bob Brown covers Mon 19 Jan 09:30 to Mon 19 Jan 17:30" in page


def test_a_taker_already_on_call_in_the_window_is_refused(runtime, ask_swap, browser):
    ask_swap()
    with unit_of_work(runtime.sessions) as session:
        add_override(
            session,
            rota_id="engineering",
            person_id="carol",
            start=datetime(2026, 1, 15, 13, 0, tzinfo=UTC),
            end=datetime(2026, 1, 15, 14, 0, tzinfo=UTC),
            note=None,
            actor="test",
            now=runtime.clock.now(),
        )
        session.commit()
    carol = browser("carol", person="carol")

    for url in ("/swaps/1/take/preview", "/swaps/1/take"):
        page = carol.post(url, {})
        assert page.status_code == 400
        assert "carol is already on call on engineering during swap 1" in page.text
    assert status_of(runtime, 1) == "open"


def test_declining_asks_first_then_closes_the_request_when_she_was_the_last(
    runtime, ask_swap, browser
):
    ask_swap()
    carol = browser("carol", person="carol")

    confirm = carol.get("/swaps/1/decline")
    assert confirm.status_code == 200
    assert "You are the last colleague it was offered to" in text_of(confirm.text)
    assert "Asked by Bob Brown From Thu 15 Jan 09:30 Until Thu 15 Jan 17:30" in text_of(
        confirm.text
    )
    assert status_of(runtime, 1) == "open"

    answer = carol.post("/swaps/1/decline", {})
    assert answer.status_code == 303
    assert status_of(runtime, 1) == "declined"
    page = text_of(carol.get("/swaps/1").text)
    assert "You declined swap 1; Bob Brown is told. Everyone it was offered to has declined" in page
    assert "Declined by Carol Chen" in page
    closed = section(carol.get("/swaps").text, "Recently closed")
    assert "Swap 1" in closed and "declined" in closed


def test_declining_one_of_several_leaves_it_open_for_the_others(runtime, ask_swap, browser):
    ask_swap(to=("alice", "carol"))
    carol = browser("carol", person="carol")
    assert "Others it was offered to can still take it" in carol.get("/swaps/1/decline").text
    assert carol.post("/swaps/1/decline", {}).status_code == 303
    assert status_of(runtime, 1) == "open"
    assert "/take/preview" not in carol.get("/swaps/1").text  # she has answered


def test_the_requester_cancels_after_a_confirm_page(runtime, ask_swap, browser):
    ask_swap()
    bob = browser("bob", person="bob")

    confirm = bob.get("/swaps/1/cancel")
    assert confirm.status_code == 200
    assert "Carol Chen is told" in text_of(confirm.text)
    assert status_of(runtime, 1) == "open"

    answer = bob.post("/swaps/1/cancel", {})
    assert answer.status_code == 303
    assert status_of(runtime, 1) == "cancelled"
    assert "You cancelled swap 1; Carol Chen is told." in text_of(bob.get("/swaps/1").text)


def test_only_the_requester_may_cancel(runtime, ask_swap, browser):
    ask_swap()
    page = browser("carol", person="carol").post("/swaps/1/cancel", {})
    assert page.status_code == 403
    assert "Only bob, who asked, can cancel swap 1" in page.text
    assert status_of(runtime, 1) == "open"


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/swaps/1/take/preview", {}),
        ("/swaps/1/take", {}),
        ("/swaps/1/exchange/preview", {"from": "2026-01-19T09:30", "until": "2026-01-19T17:30"}),
        ("/swaps/1/decline", {}),
    ],
)
def test_answering_a_request_that_is_no_longer_open_says_so_on_its_page(
    runtime, ask_swap, browser, url, form
):
    ask_swap()
    assert browser("bob", person="bob").post("/swaps/1/cancel", {}).status_code == 303

    page = browser("carol", person="carol").post(url, form)

    assert page.status_code == 409
    assert "swap 1 is cancelled, not open" in page.text
    assert "Swap request 1" in page.text
    assert status_of(runtime, 1) == "cancelled"


def test_a_request_whose_window_has_started_shows_as_expired_and_cannot_be_taken(
    runtime, clock, ask_swap, browser
):
    ask_swap()
    clock.set(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    carol = browser("carol", person="carol")

    page = carol.post("/swaps/1/take", {})
    assert page.status_code == 409
    assert "swap 1 has expired: its window started Thu 15 Jan 2026 09:30" in page.text
    assert "Swap request 1 expired" in text_of(carol.get("/swaps/1").text)
    assert on_call(runtime, datetime(2026, 1, 15, 10, 0, tzinfo=UTC)) == "bob"


def test_a_closed_request_leaves_the_list_after_two_weeks(runtime, clock, ask_swap, browser):
    ask_swap()
    bob = browser("bob", person="bob")
    bob.post("/swaps/1/cancel", {})
    assert "Swap 1" in section(bob.get("/swaps").text, "Recently closed")
    clock.advance(timedelta(days=15))
    assert "Swap 1" not in bob.get("/swaps").text


def test_an_unknown_swap_is_a_404_page(runtime, example_team, browser):
    carol = browser("carol", person="carol")
    for url in ("/swaps/999", "/swaps/abc", "/swaps/99999999999/decline"):
        page = carol.get(url)
        assert page.status_code == 404, url
        assert page.headers["content-type"].startswith("text/html")
    assert carol.post("/swaps/999/take", {}).status_code == 404


def test_a_user_linked_to_nobody_cannot_answer(runtime, ask_swap, browser):
    ask_swap()
    ops = browser("ops")
    assert "not linked to a person" in ops.get("/swaps/1").text
    page = ops.post("/swaps/1/take/preview", {})
    assert page.status_code == 403
    assert "not linked to a person" in page.text


# Viewers and forged forms


def test_a_viewer_reads_the_pages_but_sees_no_actions(runtime, ask_swap, browser):
    ask_swap()
    viewer = browser("vera", role="viewer", person="carol")

    listing = viewer.get("/swaps")
    assert listing.status_code == 200 and "Swap 1" in listing.text
    assert "/swaps/new" not in listing.text
    page = viewer.get("/swaps/1")
    assert page.status_code == 200
    assert "/take/preview" not in page.text and "/decline" not in page.text
    assert viewer.get("/swaps/new").status_code == 403
    assert viewer.get("/swaps/1/decline").status_code == 403


@pytest.mark.parametrize(("url", "form", "person"), CHANGING_POSTS)
def test_a_viewer_is_refused_every_change(runtime, ask_swap, browser, url, form, person):
    ask_swap(*FRIDAY)
    viewer = browser("vera", role="viewer", person=person)

    page = viewer.post(url, form)

    assert page.status_code == 403
    assert "You cannot do that" in page.text
    assert status_of(runtime, 1) == "open"
    assert swap_count(runtime) == 1


@pytest.mark.parametrize(("url", "form", "person"), CHANGING_POSTS)
def test_a_post_without_the_csrf_token_is_refused(runtime, ask_swap, browser, url, form, person):
    ask_swap(*FRIDAY)
    user = browser(person, person=person)

    page = user.client.post(url, data=form, follow_redirects=False)

    assert page.status_code == 403
    assert "did not come from Dutydesk" in page.text
    assert status_of(runtime, 1) == "open"
    assert swap_count(runtime) == 1


@pytest.mark.parametrize(("url", "form", "person"), CHANGING_POSTS)
def test_with_the_token_the_same_posts_work(runtime, ask_swap, browser, url, form, person):
    """The refusals above are for the role and the token, not for the forms."""
    ask_swap(*FRIDAY)
    page = browser(person, person=person).post(url, form)
    assert page.status_code in (200, 303), page.text
