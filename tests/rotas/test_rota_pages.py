"""The rota list and each rota's calendar: schedule, kinds, holidays, views, feeds, who sees what."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.cover.service import add_cover
from dutydesk.db import unit_of_work
from dutydesk.overrides.service import add_override

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def text_of(markup: str) -> str:
    """What a reader sees: tags gone, entities decoded, white space collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", markup))).strip()


def day_text(page_html: str, title: str) -> str:
    """The text of one day of the calendar, from its heading ('Wed 14 Jan') to the next day's."""
    chunks = page_html.split('<h3 class="day__date">')
    [chunk] = [c for c in chunks[1:] if c.startswith(title + " ") or c.startswith(title + "<")]
    return text_of(chunk.partition("</section>")[0])


def feed_url(page_html: str, field_id: str) -> str:
    found = re.search(rf'id="{field_id}" type="text" value="([^"]+)" readonly', page_html)
    assert found is not None, f"no read-only field {field_id} on the page"
    return html.unescape(found.group(1))


def add(runtime, **fields) -> None:  # type: ignore[no-untyped-def]
    """An override made through the service, as the API and CLI make them."""
    with unit_of_work(runtime.sessions) as session:
        add_override(session, actor="cli", now=runtime.clock.now(), note=None, **fields)
        session.commit()


# --- the list of rotas ------------------------------------------------------------------------


def test_the_list_shows_every_rota_with_its_hours_and_who_is_on_now(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas")
    assert page.status_code == 200
    rows = {
        rota: text_of(row)
        for rota, row in re.findall(r'<tr data-rota="([a-z]+)">(.*?)</tr>', page.text, re.S)
    }
    assert list(rows) == ["engineering", "comms", "escalation"]
    assert rows["engineering"].startswith(
        "In hours engineering support: calendar"
        " Monday to Friday, 09:30 to 17:30, not on bank holidays Bob Brown until Wed 14 Jan 17:30"
    )
    assert "Erin Evans" in rows["comms"]
    assert "24 hours a day, every day Carol Chen until Wed 21 Jan 10:00" in rows["escalation"]
    for rota in rows:
        assert f'<a href="/rotas/{rota}">' in page.text
    assert 'aria-current="page">Rotas</a>' in page.text


def test_at_night_the_list_says_nobody_is_on_the_in_hours_rota(
    runtime, clock, example_team, browser
):
    clock.advance(timedelta(hours=10))  # 20:00 in London
    page = browser("vic", role="viewer").get("/rotas")
    row = re.search(r'<tr data-rota="engineering">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "Nobody outside covered hours until Thu 15 Jan 09:30" in text_of(row.group(1))


def test_without_a_team_the_list_says_how_to_set_one_up(runtime, browser):
    page = browser("vic", role="viewer").get("/rotas")
    assert page.status_code == 200
    assert "dutydesk apply team.yaml" in page.text


def test_the_pages_need_signing_in(runtime, example_team, anonymous):
    for url in ("/rotas", "/rotas/engineering?view=month"):
        answer = anonymous.get(url)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/sign-in?next=/rotas")


# --- the week ---------------------------------------------------------------------------------


def test_the_week_shows_who_is_on_each_day_and_the_uncovered_nights(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/engineering")
    assert page.status_code == 200
    assert '<h2 id="schedule-heading">Mon 12 Jan – Sun 18 Jan 2026</h2>' in page.text
    assert day_text(page.text, "Wed 14 Jan") == (
        "Wed 14 Jan today"
        " 00:00–09:30 nobody (outside covered hours)"
        " 09:30–17:30 Bob Brown rota shift"
        " 17:30–24:00 nobody (outside covered hours)"
    )
    assert (
        day_text(page.text, "Sat 17 Jan") == "Sat 17 Jan 00:00–24:00 nobody (outside covered hours)"
    )
    assert page.text.count('<li class="day') == 7
    assert 'aria-current="date"' in page.text


def test_an_earlier_week_shows_alice_on_the_first_weeks_shifts(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/engineering?view=week&date=2026-01-07")
    assert "Mon 5 Jan – Sun 11 Jan 2026" in page.text
    assert "09:30–17:30 Alice Archer rota shift" in day_text(page.text, "Wed 7 Jan")
    assert "today" not in day_text(page.text, "Wed 7 Jan")


def test_a_24x7_rota_shows_the_handoff_and_stretches_that_go_on(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/escalation?date=2026-01-14")
    assert day_text(page.text, "Wed 14 Jan") == (
        "Wed 14 Jan today 00:00–10:00 Bob Brown rota shift 10:00–24:00 Carol Chen rota shift continues"
    )
    assert "nobody" not in day_text(page.text, "Thu 15 Jan")


def test_an_override_is_labelled_as_one(runtime, example_team, browser):
    add(
        runtime,
        rota_id="engineering",
        person_id="dan",
        start=datetime(2026, 1, 15, 12, 0, tzinfo=UTC),
        end=datetime(2026, 1, 15, 14, 0, tzinfo=UTC),
    )
    page = browser("vic", role="viewer").get("/rotas/engineering")
    assert day_text(page.text, "Thu 15 Jan") == (
        "Thu 15 Jan"
        " 00:00–09:30 nobody (outside covered hours)"
        " 09:30–12:00 Bob Brown rota shift"
        " 12:00–14:00 Dan Dorsey override"
        " 14:00–17:30 Bob Brown rota shift"
        " 17:30–24:00 nobody (outside covered hours)"
    )
    assert '<li class="piece piece--override">' in page.text
    assert '<span class="badge badge--override">override</span>' in page.text


def test_break_cover_is_labelled_as_cover_not_as_an_override(runtime, example_team, browser):
    with unit_of_work(runtime.sessions) as session:
        add_cover(
            session,
            rota_id="engineering",
            person_id="erin",
            start=datetime(2026, 1, 14, 12, 30, tzinfo=UTC),
            length=timedelta(minutes=45),
            note="lunch",
            actor="cli",
            now=runtime.clock.now(),
        )
        session.commit()
    page = browser("vic", role="viewer").get("/rotas/engineering")
    assert "12:30–13:15 Erin Evans break cover" in day_text(page.text, "Wed 14 Jan")
    assert '<li class="piece piece--cover">' in page.text
    assert '<li class="piece piece--override">' not in page.text


def test_a_bank_holiday_week_names_the_holidays_and_leaves_them_uncovered(
    runtime, example_team, browser
):
    page = browser("vic", role="viewer").get("/rotas/engineering?date=2026-04-03")
    friday = day_text(page.text, "Fri 3 Apr")
    assert friday == "Fri 3 Apr holiday Good Friday 00:00–24:00 nobody (bank holiday)"
    assert '<li class="day day--holiday">' in page.text
    assert "09:30–17:30 Alice Archer rota shift" in day_text(page.text, "Thu 2 Apr")
    easter = browser("wes", role="viewer").get("/rotas/engineering?date=2026-04-06")
    assert "holiday Easter Monday" in day_text(easter.text, "Mon 6 Apr")


def test_the_week_the_clocks_go_forward_has_a_23_hour_sunday(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/escalation?date=2026-03-29")
    sunday = day_text(page.text, "Sun 29 Mar")
    assert (
        sunday == "Sun 29 Mar Clocks change: a 23 h day 00:00–24:00 Carol Chen rota shift continues"
    )
    assert "Clocks change" not in day_text(page.text, "Sat 28 Mar")


def test_a_viewer_in_another_zone_sees_their_own_time_beside_the_teams(
    runtime, example_team, browser
):
    viewer = browser("vic", role="viewer")
    viewer.client.cookies.set("dutydesk_tz", "America/New_York")
    page = viewer.get("/rotas/engineering")
    assert "09:30–17:30 (04:30 EST – 12:30 EST your time) Bob Brown" in day_text(
        page.text, "Wed 14 Jan"
    )
    same = browser("wes", role="viewer")
    same.client.cookies.set("dutydesk_tz", "Europe/London")
    assert "your time" not in same.get("/rotas/engineering").text


# --- the month --------------------------------------------------------------------------------


def test_the_month_view_is_a_grid_of_the_months_days(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/engineering?view=month&date=2026-04-15")
    assert page.status_code == 200
    assert '<h2 id="schedule-heading">April 2026</h2>' in page.text
    assert '<table class="month">' in page.text
    assert page.text.count('<h3 class="day__date">') == 30
    assert page.text.count("<tr>") == 1 + 5  # the day names, and five weeks
    assert page.text.count('<td class="month__pad">') == 2 + 3  # before Wed 1, after Thu 30
    assert "holiday Good Friday" in day_text(page.text, "Fri 3 Apr")
    assert "holiday Easter Monday" in day_text(page.text, "Mon 6 Apr")
    assert "09:30–17:30 Carol Chen rota shift" in day_text(page.text, "Wed 15 Apr")
    assert 'href="/rotas/engineering?view=month&amp;date=2026-03-01" rel="prev"' in page.text
    assert 'href="/rotas/engineering?view=month&amp;date=2026-05-01" rel="next"' in page.text
    assert 'href="/rotas/engineering?view=week&amp;date=2026-04-15">Week</a>' in page.text


def test_the_week_links_go_back_forward_to_today_and_to_the_month(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/engineering?date=2026-02-04")
    assert 'href="/rotas/engineering?view=week&amp;date=2026-01-26" rel="prev"' in page.text
    assert 'href="/rotas/engineering?view=week&amp;date=2026-02-09" rel="next"' in page.text
    assert 'href="/rotas/engineering?view=week">Today</a>' in page.text
    assert 'href="/rotas/engineering?view=month&amp;date=2026-02-04">Month</a>' in page.text


# --- bad addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("view=year", "View: 'year' is not a calendar view; use week or month"),
        ("date=2026-02-30", "Date: '2026-02-30' is not a date; use YYYY-MM-DD like 2026-01-14"),
        ("date=next%20week", "Date: 'next week' is not a date"),
        ("view=month&date=0001-01-01", "Date: '0001-01-01' is out of range"),
        ("date=9999-12-31", "Date: '9999-12-31' is out of range"),
    ],
)
def test_bad_query_values_give_a_400_page_saying_what_is_wrong(
    runtime, example_team, browser, query, message
):
    answer = browser("vic", role="viewer").get(f"/rotas/engineering?{query}")
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert message in html.unescape(answer.text)


def test_an_unknown_rota_is_a_404_page(runtime, example_team, browser):
    answer = browser("vic", role="viewer").get("/rotas/nope")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "No rota &#39;nope&#39; (rotas: engineering, comms, escalation)" in answer.text


# --- feeds and links --------------------------------------------------------------------------


def test_the_rota_feed_on_the_page_serves_the_rotas_calendar(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    page = alice.get("/rotas/engineering")
    url = feed_url(page.text, "rota-feed")
    assert url.startswith("http://dutydesk.test/ical/rotas/engineering/")
    assert '<label for="rota-feed">' in page.text
    assert 'data-copy="rota-feed">Copy</button> <span id="rota-feed-status" role="status">' in (
        page.text
    )
    feed = alice.client.get(url)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text
    assert "Bob Brown" in feed.text


def test_a_linked_user_gets_their_own_feed_and_an_unlinked_one_does_not(
    runtime, example_team, browser
):
    page = browser("alice", person="alice").get("/rotas/engineering")
    url = feed_url(page.text, "person-feed")
    assert url.startswith("http://dutydesk.test/ical/people/alice/")
    feed = browser("wes", role="viewer").client.get(url)
    assert feed.status_code == 200
    assert "BEGIN:VCALENDAR" in feed.text
    unlinked = browser("vic", role="viewer").get("/rotas/engineering")
    assert 'id="person-feed"' not in unlinked.text
    assert "not linked to a person" in unlinked.text


ACTION_LINKS = (
    'href="/rotas/engineering/overrides">Overrides</a>',
    'href="/rotas/engineering/cover/new">Ask for cover</a>',
    'href="/swaps/new?rota=engineering">Request a swap</a>',
)
SETTINGS_LINK = 'href="/rotas/engineering/settings">Rota settings</a>'


def test_a_viewer_sees_no_action_links(runtime, example_team, browser):
    page = browser("vic", role="viewer").get("/rotas/engineering")
    assert page.status_code == 200
    for link in (*ACTION_LINKS, SETTINGS_LINK):
        assert link not in page.text
    assert feed_url(page.text, "rota-feed")  # reading the schedule's feed is still allowed


def test_a_responder_sees_the_action_links_and_only_an_admin_the_settings(
    runtime, example_team, browser
):
    responder = browser("rhea").get("/rotas/engineering").text
    admin = browser("ada", role="admin").get("/rotas/engineering").text
    for link in ACTION_LINKS:
        assert link in responder
        assert link in admin
    assert SETTINGS_LINK not in responder
    assert SETTINGS_LINK in admin
