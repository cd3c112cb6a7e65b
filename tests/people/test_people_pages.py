"""The people pages: the team list, editing contact methods after a preview, and the rota
settings page for admins."""

from __future__ import annotations

import html
import re

import pytest

from dutydesk.audit.service import list_entries
from dutydesk.db import unit_of_work
from dutydesk.people.service import get_person

ALICE_CONTACT = "/people/alice/contact"
NEW_EMAIL = {"email": "alice.archer@example.org", "slack": "U01ALICE", "phone": ""}


def contacts(runtime, person_id: str) -> tuple[str | None, str | None, str | None]:
    with unit_of_work(runtime.read_sessions) as session:
        person = get_person(session, person_id)
        return person.email, person.slack, person.phone


def person_audit(runtime, person_id: str) -> list[tuple[str, str, dict]]:
    with unit_of_work(runtime.read_sessions) as session:
        found = list_entries(session, person_id=person_id)
        return [
            (r.entry.actor, r.entry.action, r.entry.details)
            for r in found
            if r.entry.actor.startswith("web:")
        ]


def field_error(page_text: str, name: str) -> str | None:
    """The message shown next to a form field, if any."""
    found = re.search(
        rf'<p class="field-error" id="f-{name}-error">.*?</span>\s*(.*?)</p>', page_text, re.S
    )
    return html.unescape(found.group(1)).strip() if found else None


def text_of(page_text: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_text)))


def test_the_people_page_lists_the_team_with_contacts_rotas_and_accounts(
    runtime, example_team, browser
):
    alice = browser("alice", person="alice")
    page = alice.get("/people")
    assert page.status_code == 200
    assert 'aria-current="page">People' in page.text
    text = text_of(page.text)
    for name in ("Alice Archer", "Bob", "Carol", "Dan Dorsey", "Erin Evans"):
        assert name in text
    assert "alice@example.org" in text
    assert "U01ALICE" in text
    row = re.search(r'<tr id="person-alice">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "In hours engineering support" in row.group(1)
    assert "Linked: alice" in row.group(1)
    bob_row = re.search(r'<tr id="person-bob">(.*?)</tr>', page.text, re.S)
    assert bob_row is not None
    assert "Escalation" in bob_row.group(1)
    assert "No account" in bob_row.group(1)
    # A responder may edit only their own contact methods, so only their own row has the link.
    assert 'href="/people/alice/contact"' in page.text
    assert 'href="/people/bob/contact"' not in page.text


def test_an_admin_sees_an_edit_link_for_everyone_and_a_viewer_for_nobody(
    runtime, example_team, browser
):
    admin = browser("root", role="admin").get("/people").text
    viewer = browser("vic", role="viewer", person="alice").get("/people").text
    assert 'href="/people/bob/contact"' in admin
    assert 'href="/people/erin/contact"' in admin
    assert "/contact" not in viewer


def test_the_form_shows_the_current_values_and_says_the_team_is_managed_as_code(
    runtime, example_team, browser
):
    page = browser("alice", person="alice").get(ALICE_CONTACT)
    assert page.status_code == 200
    assert 'value="alice@example.org"' in page.text
    assert 'value="U01ALICE"' in page.text
    text = text_of(page.text)
    assert "dutydesk apply team.yaml" in text
    assert "puts them back" in text
    assert "dutydesk export -o team.yaml" in text


def test_the_preview_shows_old_and_new_values_and_changes_nothing(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    page = alice.post(f"{ALICE_CONTACT}/preview", NEW_EMAIL)
    assert page.status_code == 200
    text = text_of(page.text)
    assert "E-mail alice@example.org alice.archer@example.org" in text
    assert "Slack member id" not in text.split("What will change")[1].split("Nothing")[0]
    assert 'name="email" value="alice.archer@example.org"' in page.text
    assert contacts(runtime, "alice") == ("alice@example.org", "U01ALICE", None)
    assert person_audit(runtime, "alice") == []


def test_confirming_saves_the_change_and_records_it_in_the_audit_log(
    runtime, example_team, browser
):
    alice = browser("alice", person="alice")
    answer = alice.post(ALICE_CONTACT, NEW_EMAIL | {"action": "confirm"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/people"
    assert contacts(runtime, "alice") == ("alice.archer@example.org", "U01ALICE", None)
    assert person_audit(runtime, "alice") == [
        (
            "web:alice",
            "person.update",
            {
                "kind": "person",
                "id": "alice",
                "fields": ["email"],
                "old": {"email": "alice@example.org"},
                "new": {"email": "alice.archer@example.org"},
            },
        )
    ]
    shown = alice.get("/people")
    assert "Changed Alice Archer&#39;s contact methods: E-mail." in shown.text
    assert "alice.archer@example.org" in shown.text


def test_a_phone_typed_with_spaces_is_saved_in_international_form(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    form = NEW_EMAIL | {"phone": "+44 7700 900123"}
    preview = alice.post(f"{ALICE_CONTACT}/preview", form)
    assert "+447700900123" in preview.text
    alice.post(ALICE_CONTACT, form)
    assert contacts(runtime, "alice")[2] == "+447700900123"


def test_a_looser_value_from_the_team_file_is_kept_while_another_field_changes(
    runtime, make_team, browser
):
    from tests.conftest import EXAMPLE_TEAM

    make_team(
        EXAMPLE_TEAM.read_text().replace(
            "slack: U01ALICE}", "slack: team-alice, phone: '07700 900123'}"
        )
    )
    alice = browser("alice", person="alice")
    form = {"email": "alice.archer@example.org", "slack": "team-alice", "phone": "07700 900123"}
    answer = alice.post(ALICE_CONTACT, form)
    assert answer.status_code == 303, answer.text
    assert contacts(runtime, "alice") == ("alice.archer@example.org", "team-alice", "07700 900123")


def test_emptying_a_field_removes_that_contact_method(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    answer = alice.post(ALICE_CONTACT, {"email": "alice@example.org", "slack": "", "phone": ""})
    assert answer.status_code == 303
    assert contacts(runtime, "alice") == ("alice@example.org", None, None)


def test_the_change_button_goes_back_to_the_form_with_the_typed_values(
    runtime, example_team, browser
):
    alice = browser("alice", person="alice")
    page = alice.post(ALICE_CONTACT, NEW_EMAIL | {"action": "change"})
    assert page.status_code == 200
    assert 'id="f-email" name="email" type="email" value="alice.archer@example.org"' in page.text
    assert contacts(runtime, "alice")[0] == "alice@example.org"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("email", "alice-at-example", "'alice-at-example' is not an e-mail address"),
        ("email", "a" * 320 + "@example.org", "must be at most 320 characters"),
        ("slack", "@alice", "'@alice' is not a Slack member id: those look like U01ABC2DEF"),
        ("slack", "C0123ABCD", "'C0123ABCD' is not a Slack member id: those look like U01ABC2DEF"),
        ("slack", "U01\nALICE", "must be one line without control characters (found U+000A)"),
        ("phone", "07700 900123", "'07700900123' is not a phone number in international form"),
        ("phone", "+44 call me", "'+44callme' is not a phone number in international form"),
    ],
)
@pytest.mark.parametrize("url", [f"{ALICE_CONTACT}/preview", ALICE_CONTACT])
def test_a_bad_value_reshows_the_form_with_the_message_by_the_field_and_changes_nothing(
    runtime, example_team, browser, url, field, typed, message
):
    alice = browser("alice", person="alice")
    page = alice.post(url, NEW_EMAIL | {field: typed})
    assert page.status_code == 400
    shown = field_error(page.text, field)
    assert shown is not None and shown.startswith(message), shown
    assert 'aria-invalid="true"' in page.text
    assert f'value="{html.escape(typed, quote=True)}"' in page.text
    assert contacts(runtime, "alice") == ("alice@example.org", "U01ALICE", None)
    assert person_audit(runtime, "alice") == []


def test_every_bad_field_gets_its_own_message(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    page = alice.post(ALICE_CONTACT, {"email": "nope", "slack": "nope", "phone": "nope"})
    assert page.status_code == 400
    assert all(field_error(page.text, name) for name in ("email", "slack", "phone"))


def test_a_responder_cannot_edit_someone_elses_contact_methods(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    assert alice.get("/people/bob/contact").status_code == 403
    assert alice.post("/people/bob/contact/preview", {"email": "x@example.org"}).status_code == 403
    refused = alice.post("/people/bob/contact", {"email": "x@example.org"})
    assert refused.status_code == 403
    assert "responders can change only their own" in refused.text
    assert contacts(runtime, "bob") == ("bob@example.org", None, None)


def test_a_responder_without_a_linked_person_cannot_edit_anyone(runtime, example_team, browser):
    rhea = browser("rhea")
    assert rhea.get(ALICE_CONTACT).status_code == 403


def test_an_admin_can_edit_anyones_contact_methods(runtime, example_team, browser):
    admin = browser("root", role="admin")
    assert admin.get("/people/bob/contact").status_code == 200
    answer = admin.post(
        "/people/bob/contact", {"email": "bob@example.org", "slack": "W0BOB1", "phone": ""}
    )
    assert answer.status_code == 303
    assert contacts(runtime, "bob") == ("bob@example.org", "W0BOB1", None)
    [(actor, action, details)] = person_audit(runtime, "bob")
    assert (actor, action, details["fields"]) == ("web:root", "person.update", ["slack"])


def test_a_viewer_cannot_edit_even_their_own_contact_methods(runtime, example_team, browser):
    viewer = browser("vic", role="viewer", person="alice")
    assert viewer.get(ALICE_CONTACT).status_code == 403
    assert viewer.post(ALICE_CONTACT, NEW_EMAIL).status_code == 403
    assert contacts(runtime, "alice")[0] == "alice@example.org"


def test_a_post_without_the_csrf_token_is_refused(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    answer = alice.client.post(ALICE_CONTACT, data=NEW_EMAIL, follow_redirects=False)
    assert answer.status_code == 403
    assert contacts(runtime, "alice")[0] == "alice@example.org"


def test_an_unknown_person_is_a_404_page(runtime, example_team, browser):
    page = browser("root", role="admin").get("/people/zed/contact")
    assert page.status_code == 404
    assert "No person &#39;zed&#39; in the team" in page.text


def test_rota_settings_are_for_admins_only(runtime, example_team, browser):
    assert browser("alice", person="alice").get("/rotas/engineering/settings").status_code == 403
    assert browser("vic", role="viewer").get("/rotas/engineering/settings").status_code == 403


def test_rota_settings_show_the_rota_as_the_team_file_has_it(runtime, example_team, browser):
    page = browser("root", role="admin").get("/rotas/engineering/settings")
    assert page.status_code == 200
    assert 'aria-current="page">Rotas' in page.text
    yaml_block = re.search(r'<pre class="team-yaml"[^>]*><code>(.*?)</code></pre>', page.text, re.S)
    assert yaml_block is not None
    assert html.unescape(yaml_block.group(1)) == (
        "rotas:\n"
        "- id: engineering\n"
        "  name: In hours engineering support\n"
        "  hours: ['Mon-Fri 09:30-17:30']\n"
        "  skip_holidays: true\n"
        "  layers:\n"
        "  - members: [alice, bob, carol]\n"
        "    shift: 1w\n"
        "    handoff: Mon 09:30\n"
        "    start: 2026-01-05\n"
    )
    text = text_of(page.text)
    assert "This team is managed as code" in text
    assert "dutydesk apply --dry-run team.yaml" in text
    assert "Mon-Fri 09:30-17:30" in text
    assert "the GB-ENG bank holidays" in text
    assert "<li>Alice Archer (<code>alice</code>)</li>" in page.text


def test_a_24x7_rota_says_so_and_does_not_skip_holidays(runtime, example_team, browser):
    text = text_of(browser("root", role="admin").get("/rotas/escalation/settings").text)
    assert "All the time (24x7)" in text
    assert "Not skipped: the layers run on holidays" in text


def test_settings_of_an_unknown_rota_are_a_404_page(runtime, example_team, browser):
    assert browser("root", role="admin").get("/rotas/nope/settings").status_code == 404
