"""The audit page: recent changes, filtered by rota and person with a shareable GET form."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.overrides.service import add_override


def make_override(runtime, rota: str, person: str, start: str, end: str) -> int:
    with unit_of_work(runtime.sessions) as session:
        made = add_override(
            session,
            rota_id=rota,
            person_id=person,
            start=datetime.fromisoformat(start).replace(tzinfo=UTC),
            end=datetime.fromisoformat(end).replace(tzinfo=UTC),
            note="dentist",
            actor="user:rhea",
            now=runtime.clock.now(),
        )
        session.commit()
        return made.id


def rows(page_text: str) -> list[str]:
    """The table's rows as plain text, newest first."""
    body = re.search(r"<tbody>(.*?)</tbody>", page_text, re.S)
    if body is None:
        return []
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def field_error(page_text: str, name: str) -> str | None:
    found = re.search(
        rf'<p class="field-error" id="f-{name}-error">.*?</span>\s*(.*?)</p>', page_text, re.S
    )
    return html.unescape(found.group(1)).strip() if found else None


@pytest.fixture
def two_overrides(runtime, example_team) -> None:
    """Carol covers engineering on Thursday, then erin covers comms on Friday."""
    make_override(runtime, "engineering", "carol", "2026-01-15T13:00", "2026-01-15T17:00")
    runtime.clock.advance(timedelta(minutes=5))
    make_override(runtime, "comms", "erin", "2026-01-16T09:30", "2026-01-16T12:00")


def test_the_audit_page_lists_changes_newest_first(runtime, two_overrides, browser):
    page = browser("vic", role="viewer").get("/audit")
    assert page.status_code == 200
    assert 'aria-current="page">Audit' in page.text
    found = rows(page.text)
    assert found[0].startswith("Wed 14 Jan 2026 10:05 rhea through the API override.add")
    assert "In hours comms" in found[0]
    assert "Erin Evans" in found[0]
    assert found[1].startswith("Wed 14 Jan 2026 10:00 rhea through the API override.add")
    assert "In hours engineering support" in found[1]
    # Details are readable: people by name, times in the team's zone.
    assert "person: Carol Chen" in found[1]
    assert "from: Thu 15 Jan 2026 13:00" in found[1]
    assert "note: dentist" in found[1]
    # Applying the example team is in the log too, done from the command line.
    assert any("person.create" in row and "alice" in row for row in found)


def test_the_filters_narrow_the_list_to_one_rota_or_one_person(runtime, two_overrides, browser):
    alice = browser("alice", person="alice")
    by_rota = rows(alice.get("/audit?rota=engineering").text)
    assert len(by_rota) == 2  # the override, and the rota's creation
    assert "override.add" in by_rota[0] and "Carol Chen" in by_rota[0]
    assert "rota.create" in by_rota[1]

    by_person = rows(alice.get("/audit?person=erin").text)
    assert len(by_person) == 2  # the override, and erin's creation
    assert "In hours comms" in by_person[0]
    assert "person.create" in by_person[1]

    both = rows(alice.get("/audit?rota=comms&person=carol").text)
    assert both == []


def test_the_filter_form_keeps_the_chosen_values(runtime, two_overrides, browser):
    page = browser("alice", person="alice").get("/audit?rota=comms&person=erin&limit=5").text
    assert '<option value="comms" selected>' in page
    assert '<option value="erin" selected>' in page
    assert 'name="limit" type="number" value="5" min="1" max="1000"' in page
    assert 'form method="get" action="/audit"' in page


def test_the_limit_caps_how_many_changes_are_shown(runtime, two_overrides, browser):
    found = rows(browser("alice", person="alice").get("/audit?limit=1").text)
    assert len(found) == 1
    assert "Erin Evans" in found[0]


def test_a_contact_change_on_the_web_shows_old_and_new_values(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    alice.post(
        "/people/alice/contact",
        {"email": "a@example.org", "slack": "U01ALICE", "phone": "+447700900123"},
    )
    [newest, *_] = rows(alice.get("/audit?person=alice").text)
    assert "alice on the web person.update" in newest
    assert "email: alice@example.org → a@example.org" in newest
    assert "phone: none → +447700900123" in newest


def test_a_removed_rota_can_still_be_chosen(runtime, example_team, make_team, browser):
    from tests.conftest import EXAMPLE_TEAM

    text = EXAMPLE_TEAM.read_text()
    make_team(text[: text.index("  - id: escalation")])
    page = browser("alice", person="alice").get("/audit?rota=escalation")
    assert page.status_code == 200
    assert '<option value="escalation" selected>escalation (removed)</option>' in page.text
    assert any("rota.remove" in row for row in rows(page.text))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("rota=nope", "rota", "there is no rota 'nope': choose one from the list"),
        ("person=zed", "person", "there is nobody 'zed': choose from the list"),
        ("limit=lots", "limit", "enter a whole number from 1 to 1000"),
        ("limit=0", "limit", "must be between 1 and 1000"),
        ("limit=5000", "limit", "must be between 1 and 1000"),
    ],
)
def test_a_bad_filter_reshows_the_form_with_the_message_by_the_field(
    runtime, two_overrides, browser, query, field, message
):
    page = browser("alice", person="alice").get(f"/audit?{query}")
    assert page.status_code == 400
    assert field_error(page.text, field) == message
    assert rows(page.text) == []


def test_signed_out_browsers_are_sent_to_sign_in(anonymous):
    answer = anonymous.get("/audit?rota=engineering")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=/audit")
