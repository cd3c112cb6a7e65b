"""The break-cover pages: "cover me for 45 minutes from 12:30", previewed, then confirmed.

The clock stands at Wednesday 14 January 2026 10:00 (UTC, which is also team time in winter):
bob is on engineering from 09:30 to 17:30.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.overrides.service import list_overrides
from tests.overrides.test_override_pages import field_error, hidden_fields

COVER = "/rotas/engineering/cover"
LUNCH = {"by": "alice", "from": "12:30", "for": "45m", "note": "lunch"}


def on_call(cli, when: str, rota: str = "engineering") -> str:
    answer = cli("who", rota, "--at", when, "--json")
    assert answer.code == 0, answer.err
    [found] = json.loads(answer.out)
    return found["person"]


def covers(runtime) -> list[tuple[str, str, str, str]]:
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (o.person_id, f"{o.start_at:%d %H:%M}", f"{o.end_at:%d %H:%M}", o.kind)
            for o in list_overrides(session, "engineering")
        ]


def form_error(page_text: str) -> str:
    """The message at the top of a form."""
    found = re.search(r'<div class="error-summary".*?</div>', page_text, re.S)
    return html.unescape(found.group(0)) if found else ""


@pytest.fixture
def carol(runtime, example_team, browser):
    return browser("carol", person="carol")


def test_the_form_starts_now_and_offers_common_lengths(carol):
    page = carol.get(f"{COVER}/new")

    assert page.status_code == 200
    assert "Ask for break cover" in page.text
    assert "On call now:" in page.text and "<strong>Bob Brown</strong>" in page.text
    assert '<option value="alice">Alice Archer</option>' in page.text
    assert 'name="from" type="text" value="now"' in page.text
    assert "A time like 12:30 or 2026-01-15 12:30, or now" in page.text
    assert '<option value="45m">45 min</option>' in page.text
    assert '<option value="1h30m">1 h 30 min</option>' in page.text
    assert '<option value="30m" selected>30 min</option>' in page.text


def test_the_form_of_an_unknown_rota_is_a_404_page(carol):
    assert carol.get("/rotas/nope/cover/new").status_code == 404


def test_the_preview_says_whom_it_covers_for_and_changes_nothing(runtime, carol, cli):
    page = carol.post(f"{COVER}/preview", LUNCH)

    assert page.status_code == 200, page.text
    assert "<dt>Covered by</dt><dd>Alice Archer</dd>" in page.text
    assert "<dt>Covering for</dt><dd>Bob Brown</dd>" in page.text
    assert "Wed 14 Jan 12:30" in page.text and "Wed 14 Jan 13:15" in page.text
    assert "<dt>Length</dt><dd>45 min</dd>" in page.text
    after_section = page.text.split("After this change", 1)[1]
    assert "<strong>Alice Archer</strong>" in after_section
    assert hidden_fields(page.text, COVER) == {
        "by": "alice",
        "from": "2026-01-14T12:30+00:00",
        "for": "45m",
        "note": "lunch",
    }
    assert on_call(cli, "12:45") == "bob"
    assert covers(runtime) == []


def test_confirming_makes_the_cover_and_the_dashboard_shows_it(runtime, carol, cli):
    preview = carol.post(f"{COVER}/preview", LUNCH)

    done = carol.post(COVER, hidden_fields(preview.text, COVER))

    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/"
    assert on_call(cli, "12:45") == "alice"
    assert on_call(cli, "13:20") == "bob"
    assert covers(runtime) == [("alice", "14 12:30", "14 13:15", "cover")]
    dashboard = carol.get("/")
    assert "Alice Archer covers In hours engineering support from 12:30 to 13:15." in dashboard.text
    cover_section = dashboard.text.split('id="cover-heading"', 1)[1]
    assert "Alice Archer" in cover_section and "lunch" in cover_section


def test_cover_from_now_starts_when_it_is_confirmed(runtime, carol, clock, cli):
    preview = carol.post(f"{COVER}/preview", LUNCH | {"from": "now", "for": "30m"})
    assert "now (" in preview.text
    assert hidden_fields(preview.text, COVER)["from"] == "now"

    clock.advance(timedelta(minutes=3))
    done = carol.post(COVER, hidden_fields(preview.text, COVER))

    assert done.status_code == 303, done.text
    assert covers(runtime) == [("alice", "14 10:03", "14 10:33", "cover")]
    assert on_call(cli, "10:20") == "alice"


def test_cover_on_another_day_says_which(runtime, carol):
    done = carol.post(COVER, LUNCH | {"from": "2026-01-15 12:30"})
    assert done.status_code == 303, done.text
    dashboard = carol.get("/")
    assert "covers In hours engineering support from Thu 15 Jan 12:30 to 13:15." in dashboard.text


def test_change_shows_the_form_again_filled_in(carol):
    preview = carol.post(f"{COVER}/preview", LUNCH)

    page = carol.get(f"{COVER}/new", params=hidden_fields(preview.text, f"{COVER}/new"))

    assert '<option value="alice" selected>Alice Archer</option>' in page.text
    assert 'name="from" type="text" value="12:30"' in page.text
    assert '<option value="45m" selected>45 min</option>' in page.text
    assert 'value="lunch"' in page.text


BAD_COVER = [
    pytest.param({"by": ""}, "by", "enter who covers", id="nobody-covers"),
    pytest.param({"from": ""}, "from", "enter when cover starts, or now", id="no-start"),
    pytest.param({"for": ""}, "for", "enter how long the cover lasts", id="no-length"),
    pytest.param({"from": "half past"}, "from", "'half past' is not a time", id="bad-time"),
    pytest.param({"from": "09:00"}, "from", "cover cannot start in the past", id="past"),
    pytest.param({"from": "20:00"}, "from", "nobody is on engineering", id="nobody-on-call"),
    pytest.param({"by": "zed"}, "by", "no person 'zed' in the team", id="not-on-team"),
    pytest.param({"by": "bob"}, "by", "bob is the one on call", id="covers-themself"),
    pytest.param({"for": "99x"}, "for", "'99x' is not a duration", id="bad-length"),
    pytest.param({"for": "13h"}, "for", "break cover lasts at most 12 hours", id="too-long"),
    pytest.param({"note": "x" * 501}, "note", "at most 500 characters", id="long-note"),
]


@pytest.mark.parametrize("url", ["preview", "create"])
@pytest.mark.parametrize(("change", "field", "message"), BAD_COVER)
def test_bad_input_shows_the_form_again_and_changes_nothing(
    runtime, carol, url, change, field, message
):
    target = f"{COVER}/preview" if url == "preview" else COVER

    page = carol.post(target, LUNCH | change)

    assert page.status_code == 400
    assert "Ask for break cover" in page.text
    assert message in (field_error(page.text, field) or "")
    assert covers(runtime) == []


@pytest.mark.parametrize("url", ["preview", "create"])
def test_cover_overlapping_other_cover_is_refused(runtime, carol, cli, url):
    assert cli("cover", "engineering", "--by", "dan", "--from", "12:00", "--for", "1h").code == 0
    target = f"{COVER}/preview" if url == "preview" else COVER

    page = carol.post(target, LUNCH)

    assert page.status_code == 400
    assert "overlaps cover" in form_error(page.text)
    assert covers(runtime) == [("dan", "14 12:00", "14 13:00", "cover")]


def test_a_viewer_cannot_ask_for_cover(runtime, example_team, browser, cli):
    viewer = browser("vic", role="viewer")

    assert viewer.get(f"{COVER}/new").status_code == 403
    assert viewer.post(f"{COVER}/preview", LUNCH).status_code == 403
    assert viewer.post(COVER, LUNCH).status_code == 403
    assert covers(runtime) == []
    assert on_call(cli, "12:45") == "bob"


def test_a_post_without_the_csrf_token_is_refused(runtime, carol):
    answer = carol.client.post(COVER, data=LUNCH, follow_redirects=False)
    assert answer.status_code == 403
    assert covers(runtime) == []
