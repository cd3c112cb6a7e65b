"""The overrides pages: the list, adding an override after a preview, removing one."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from dutydesk.db import unit_of_work
from dutydesk.oncall.service import shifts, who
from dutydesk.overrides.service import add_override, list_overrides

OVERRIDES = "/rotas/engineering/overrides"
# Thursday 15 January 2026 (team time is UTC in winter): bob's week on engineering.
CAROL_AFTERNOON = {
    "person": "carol",
    "from": "2026-01-15T13:00",
    "until": "2026-01-15T17:00",
    "note": "bob at a conference",
}
THURSDAY = (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 1, 16, tzinfo=UTC))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def on_call(runtime, when: str, rota: str = "engineering") -> str | None:
    with unit_of_work(runtime.read_sessions) as session:
        [answer] = who(session, [rota], at(when))
    return answer.now.person


def thursday_schedule(runtime) -> list[tuple[str, str, str]]:
    with unit_of_work(runtime.read_sessions) as session:
        found = shifts(session, "engineering", *THURSDAY)
    return [(s.person, f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in found]


def overrides_of(runtime, rota: str = "engineering") -> list[tuple[str, str, str, str]]:
    with unit_of_work(runtime.read_sessions) as session:
        found = list_overrides(session, rota)
        return [
            (o.person_id, o.start_at.isoformat(), o.end_at.isoformat(), o.created_by) for o in found
        ]


def make_override(runtime, person: str, start: str, end: str, note: str | None = None) -> int:
    with unit_of_work(runtime.sessions) as session:
        made = add_override(
            session,
            rota_id="engineering",
            person_id=person,
            start=at(start),
            end=at(end),
            note=note,
            actor="cli:test",
            now=runtime.clock.now(),
        )
        session.commit()
        return made.id


def field_error(page_text: str, name: str) -> str | None:
    """The message shown beside a form field, if any."""
    found = re.search(rf'<p class="field-error" id="f-{name}-error">(.*?)</p>', page_text, re.S)
    if found is None:
        return None
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


def hidden_fields(page_text: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`."""
    form = re.search(rf'<form method="\w+" action="{re.escape(action)}".*?</form>', page_text, re.S)
    assert form is not None, f"no form to {action}"
    return {
        name: html.unescape(value)
        for name, value in re.findall(
            r'type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)
        )
        if name != "csrf_token"
    }


@pytest.fixture
def alice(runtime, example_team, browser):
    return browser("alice", person="alice")


def test_the_list_shows_current_and_upcoming_overrides_with_a_remove_link(runtime, alice, clock):
    now = clock.now()
    clock.set(at("2026-01-12T10:00"))
    make_override(runtime, "alice", "2026-01-13T09:30", "2026-01-13T12:00", "already over")
    clock.set(now)
    current = make_override(runtime, "carol", "2026-01-14T09:30", "2026-01-14T12:00", "dentist")
    coming = make_override(runtime, "dan", "2026-01-20T09:30", "2026-01-20T17:30")

    page = alice.get(OVERRIDES)

    assert page.status_code == 200
    assert "Overrides on In hours engineering support" in page.text
    assert "already over" not in page.text
    assert "Carol Chen" in page.text and "dentist" in page.text
    assert "Dan Dorsey" in page.text
    assert "Wed 14 Jan 09:30" in page.text and "Tue 20 Jan 17:30" in page.text
    assert 'badge--override">override<' in page.text
    assert "cli:test" in page.text
    assert f'href="{OVERRIDES}/{current}/remove"' in page.text
    assert f'href="{OVERRIDES}/{coming}/remove"' in page.text
    assert f'href="{OVERRIDES}/new"' in page.text
    assert '<a href="/rotas/engineering/overrides" aria-current="page"' not in page.text
    assert '<a href="/rotas" aria-current="page">' in page.text


def test_a_viewer_sees_the_list_without_ways_to_change_it(runtime, example_team, browser):
    made = make_override(runtime, "carol", "2026-01-15T13:00", "2026-01-15T17:00")
    page = browser("vic", role="viewer").get(OVERRIDES)
    assert page.status_code == 200
    assert "Carol Chen" in page.text
    assert f"{OVERRIDES}/{made}/remove" not in page.text
    assert f"{OVERRIDES}/new" not in page.text


def test_break_cover_shows_as_cover(runtime, alice, cli):
    assert cli("cover", "engineering", "--by", "carol", "--from", "12:30", "--for", "45m").code == 0
    page = alice.get(OVERRIDES)
    assert 'badge--cover">break cover<' in page.text


def test_the_list_of_an_unknown_rota_is_a_404_page(alice):
    page = alice.get("/rotas/enginering/overrides")
    assert page.status_code == 404
    assert "no rota 'enginering'" in html.unescape(page.text).lower()


def test_the_form_offers_the_teams_people_and_time_fields(alice):
    page = alice.get(f"{OVERRIDES}/new")
    assert page.status_code == 200
    assert '<option value="carol">Carol Chen</option>' in page.text
    assert '<option value="erin">Erin Evans</option>' in page.text
    assert 'name="from" type="datetime-local"' in page.text
    assert 'name="until" type="datetime-local"' in page.text
    assert '<label for="f-note">' in page.text


def test_the_preview_shows_the_change_and_changes_nothing(runtime, alice):
    before = thursday_schedule(runtime)

    page = alice.post(f"{OVERRIDES}/preview", CAROL_AFTERNOON)

    assert page.status_code == 200, page.text
    assert "Check the override" in page.text
    assert "Thu 15 Jan 13:00" in page.text and "4 h" in page.text
    after_section = page.text.split("After this change", 1)[1]
    assert "<strong>Carol Chen</strong>" in after_section
    assert "<strong>Carol Chen</strong>" not in page.text.split("After this change", 1)[0]
    assert hidden_fields(page.text, OVERRIDES) == {
        "person": "carol",
        "from": "2026-01-15T13:00+00:00",
        "until": "2026-01-15T17:00+00:00",
        "note": "bob at a conference",
    }
    assert thursday_schedule(runtime) == before == [("bob", "09:30", "17:30")]
    assert overrides_of(runtime) == []


def test_change_shows_the_form_again_filled_in(alice):
    preview = alice.post(f"{OVERRIDES}/preview", CAROL_AFTERNOON)
    again = hidden_fields(preview.text, f"{OVERRIDES}/new")
    assert again["from"] == "2026-01-15T13:00"

    page = alice.get(f"{OVERRIDES}/new", params=again)

    assert '<option value="carol" selected>Carol Chen</option>' in page.text
    assert 'value="2026-01-15T13:00"' in page.text
    assert 'value="2026-01-15T17:00"' in page.text
    assert 'value="bob at a conference"' in page.text


def test_confirming_makes_the_override(runtime, alice):
    preview = alice.post(f"{OVERRIDES}/preview", CAROL_AFTERNOON)

    done = alice.post(OVERRIDES, hidden_fields(preview.text, OVERRIDES))

    assert done.status_code == 303, done.text
    assert done.headers["location"] == OVERRIDES
    assert thursday_schedule(runtime) == [
        ("bob", "09:30", "13:00"),
        ("carol", "13:00", "17:00"),
        ("bob", "17:00", "17:30"),
    ]
    assert overrides_of(runtime) == [
        ("carol", "2026-01-15T13:00:00+00:00", "2026-01-15T17:00:00+00:00", "web:alice")
    ]
    shown = alice.get(OVERRIDES)
    assert (
        "Carol Chen is on In hours engineering support from Thu 15 Jan 13:00 until Thu 15 Jan 17:00."
        in shown.text
    )
    assert "bob at a conference" in shown.text


def test_times_may_be_typed_with_a_space(runtime, alice):
    typed = CAROL_AFTERNOON | {"from": "2026-01-15 13:00", "until": "2026-01-15 17:00"}
    assert alice.post(OVERRIDES, typed).status_code == 303
    assert on_call(runtime, "2026-01-15T14:00") == "carol"


BAD_OVERRIDES = [
    pytest.param({"person": ""}, "person", "enter who is on call", id="no-person"),
    pytest.param({"from": ""}, "from", "enter when the override starts", id="no-start"),
    pytest.param({"until": " "}, "until", "enter when the override ends", id="no-end"),
    pytest.param(
        {"from": "Thursday lunch"}, "from", "'Thursday lunch' is not a time", id="bad-time"
    ),
    pytest.param({"until": "2026-01-15T12:00"}, "until", "must be after the start", id="backwards"),
    pytest.param({"person": "zed"}, "person", "no person 'zed' in the team", id="not-on-team"),
    pytest.param(
        {"from": "2026-01-13T09:30", "until": "2026-01-13T17:30"},
        "until",
        "the override ends in the past",
        id="past",
    ),
    pytest.param({"note": "x" * 501}, "note", "at most 500 characters", id="long-note"),
]


@pytest.mark.parametrize("url", ["preview", "create"])
@pytest.mark.parametrize(("change", "field", "message"), BAD_OVERRIDES)
def test_bad_input_shows_the_form_again_and_changes_nothing(
    runtime, alice, url, change, field, message
):
    target = f"{OVERRIDES}/preview" if url == "preview" else OVERRIDES

    page = alice.post(target, CAROL_AFTERNOON | change)

    assert page.status_code == 400
    assert "Add an override" in page.text
    assert message in (field_error(page.text, field) or "")
    assert f'id="f-{field}"' in page.text and 'aria-invalid="true"' in page.text
    assert overrides_of(runtime) == []


@pytest.mark.parametrize("url", ["preview", "create"])
def test_a_field_with_a_nul_character_is_refused_and_changes_nothing(runtime, alice, url):
    target = f"{OVERRIDES}/preview" if url == "preview" else OVERRIDES

    page = alice.post(target, CAROL_AFTERNOON | {"note": "a\x00b"})

    assert page.status_code == 400
    assert "Note: NUL characters are not allowed" in page.text
    assert overrides_of(runtime) == []


def test_the_remove_page_shows_what_goes_and_changes_nothing(runtime, alice):
    made = make_override(runtime, "carol", "2026-01-15T13:00", "2026-01-15T17:00", "conference")

    page = alice.get(f"{OVERRIDES}/{made}/remove")

    assert page.status_code == 200
    assert "Remove this override?" in page.text
    assert "Carol Chen" in page.text and "conference" in page.text
    after_section = page.text.split("After this change", 1)[1]
    assert "<strong>Carol Chen</strong>" not in after_section
    assert "<strong>Bob Brown</strong>" in after_section
    assert on_call(runtime, "2026-01-15T14:00") == "carol"


def test_removing_puts_the_rota_back(runtime, alice):
    made = make_override(runtime, "carol", "2026-01-15T13:00", "2026-01-15T17:00")

    done = alice.post(f"{OVERRIDES}/{made}/remove", {})

    assert done.status_code == 303
    assert done.headers["location"] == OVERRIDES
    assert on_call(runtime, "2026-01-15T14:00") == "bob"
    assert overrides_of(runtime) == []
    shown = alice.get(OVERRIDES)
    assert "Removed the override: Carol Chen on In hours engineering support" in shown.text


@pytest.mark.parametrize("override", ["999", "abc", "99999999999999999999"])
def test_an_unknown_override_is_a_404_page(runtime, alice, override):
    assert alice.get(f"{OVERRIDES}/{override}/remove").status_code == 404
    assert alice.post(f"{OVERRIDES}/{override}/remove", {}).status_code == 404


def test_an_override_of_another_rota_is_not_found_here(runtime, alice):
    made = make_override(runtime, "carol", "2026-01-15T13:00", "2026-01-15T17:00")
    assert alice.post(f"/rotas/escalation/overrides/{made}/remove", {}).status_code == 404
    assert on_call(runtime, "2026-01-15T14:00") == "carol"


def test_a_viewer_cannot_add_or_remove(runtime, example_team, browser):
    made = make_override(runtime, "carol", "2026-01-15T13:00", "2026-01-15T17:00")
    viewer = browser("vic", role="viewer")

    assert viewer.get(f"{OVERRIDES}/new").status_code == 403
    assert viewer.get(f"{OVERRIDES}/{made}/remove").status_code == 403
    assert viewer.post(f"{OVERRIDES}/preview", CAROL_AFTERNOON).status_code == 403
    assert viewer.post(OVERRIDES, CAROL_AFTERNOON | {"person": "dan"}).status_code == 403
    assert viewer.post(f"{OVERRIDES}/{made}/remove", {}).status_code == 403
    assert [o[0] for o in overrides_of(runtime)] == ["carol"]


def test_a_post_without_the_csrf_token_is_refused(runtime, alice):
    made = make_override(runtime, "carol", "2026-01-15T13:00", "2026-01-15T17:00")

    added = alice.client.post(OVERRIDES, data=CAROL_AFTERNOON, follow_redirects=False)
    removed = alice.client.post(f"{OVERRIDES}/{made}/remove", follow_redirects=False)

    assert added.status_code == removed.status_code == 403
    assert [o[0] for o in overrides_of(runtime)] == ["carol"]
