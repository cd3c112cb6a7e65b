"""Alert pages: the list, one alert with its log and forms, and the dashboard's panel.

The example team's platform-api pages the engineering rota in hours, where bob is on call on
Wed 14 Jan 2026 at 10:00 (London is on UTC in January, so team time = UTC).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.alerts.service import resolve_alert
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime

pytestmark = pytest.mark.usefixtures("example_team")
MINUTE = timedelta(minutes=1)
# Every POST that changes an alert, with a form that would work for a responder.
CHANGING_POSTS = (
    ("/alerts/1/acknowledge", {"back": "/alerts"}),
    ("/alerts/1/resolve", {"back": "/alerts"}),
    ("/alerts/1/snooze", {"for": "1h"}),
    ("/alerts/1/reassign", {"person": "carol"}),
    ("/alerts/1/note", {"text": "looking"}),
)


def text_of(html: str) -> str:
    """The page's text with tags and runs of white space removed, for phrase checks."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#39;", "'").replace("&amp;", "&")


def alert_of(runtime: Runtime, alert_id: int) -> Alert:
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        session.expunge(alert)
        return alert


def log_kinds(runtime: Runtime, alert_id: int) -> list[str]:
    with unit_of_work(runtime.read_sessions) as session:
        return list(
            session.scalars(
                AlertLogEntry.__table__.select()
                .with_only_columns(AlertLogEntry.kind)
                .where(AlertLogEntry.alert_id == alert_id)
                .order_by(AlertLogEntry.id)
            )
        )


def resolve(runtime: Runtime, alert_id: int) -> None:
    with unit_of_work(runtime.sessions) as session:
        resolve_alert(session, alert_id, runtime.clock.now(), actor="web:bob")
        session.commit()


# The list


def test_the_list_shows_each_open_alert_with_its_age_state_and_who_was_paged(
    runtime, browser, raise_alert, run_cycle
):
    raise_alert()
    run_cycle()
    runtime.clock.advance(12 * MINUTE)

    page = browser("alice").get("/alerts")

    assert page.status_code == 200
    text = text_of(page.text)
    assert "disk-full on platform-api" in text
    assert "triggered critical Platform API · 12 min old" in text
    assert "Bob Brown by email, Wed 14 Jan 10:00 — queued" in text
    assert "Acknowledge alert 1" in text and "Resolve alert 1" in text
    assert '<a href="/alerts" aria-current="page">Alerts</a>' in page.text


def test_an_alert_storm_shows_how_many_more_are_in_its_group(browser, raise_alert):
    for key in ("disk-full", "cpu-high", "latency"):
        raise_alert(key)

    text = text_of(browser("alice").get("/alerts").text)

    assert text.count("and 2 more in this group") == 3


def test_with_no_open_alerts_the_list_says_so(browser):
    text = text_of(browser("alice").get("/alerts").text)

    assert "No open alerts." in text


def test_resolved_alerts_have_their_own_list(runtime, browser, raise_alert):
    first, second = raise_alert("disk-full"), raise_alert("cpu-high")
    resolve(runtime, first)
    browser = browser("alice")

    open_text = text_of(browser.get("/alerts").text)
    resolved_text = text_of(browser.get("/alerts?status=resolved").text)

    assert "cpu-high on platform-api" in open_text and "disk-full" not in open_text
    assert "disk-full on platform-api" in resolved_text and "cpu-high" not in resolved_text
    assert f"Resolve alert {first}" not in resolved_text
    assert second != first
    bad = browser.get("/alerts?status=everything")
    assert bad.status_code == 400 and "show 'open' or 'resolved'" in text_of(bad.text)


def test_acknowledging_from_the_list_goes_back_to_it(runtime, browser, raise_alert, run_cycle):
    alert_id = raise_alert()
    run_cycle()
    browser = browser("alice")

    answer = browser.post(f"/alerts/{alert_id}/acknowledge", {"back": "/alerts"})

    assert answer.status_code == 303 and answer.headers["location"] == "/alerts"
    alert = alert_of(runtime, alert_id)
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", "web:alice")
    shown = text_of(browser.get("/alerts").text)
    assert "You acknowledged alert 1" in shown
    assert "Acknowledge alert 1" not in shown and "Resolve alert 1" in shown


def test_acting_never_redirects_to_another_site(runtime, browser, raise_alert):
    alert_id = raise_alert()

    answer = browser("alice").post(f"/alerts/{alert_id}/resolve", {"back": "https://evil.example/"})

    assert answer.headers["location"] == f"/alerts/{alert_id}"
    assert alert_of(runtime, alert_id).status == "resolved"


def test_a_viewer_sees_no_buttons_and_cannot_post(runtime, browser, raise_alert):
    raise_alert()
    viewer = browser("vera", role="viewer")

    for url in ("/alerts", "/alerts/1", "/"):
        html = viewer.get(url).text
        assert "/alerts/1/acknowledge" not in html and "/alerts/1/note" not in html, url
    for url, form in CHANGING_POSTS:
        answer = viewer.post(url, form)
        assert answer.status_code == 403, url
        assert "You cannot do that" in answer.text
    assert alert_of(runtime, 1).status == "triggered"
    assert log_kinds(runtime, 1) == ["trigger"]


def test_a_form_without_this_browsers_csrf_token_is_refused(runtime, browser, raise_alert):
    raise_alert()
    browser = browser("alice")

    for url, form in CHANGING_POSTS:
        answer = browser.post(url, form, token="0" * 64)
        assert answer.status_code == 403, url
        assert "did not come from Dutydesk" in text_of(answer.text)
    assert alert_of(runtime, 1).status == "triggered"
    assert log_kinds(runtime, 1) == ["trigger"]


# One alert


def test_an_alerts_page_shows_its_fields_pages_and_log_as_sentences(
    runtime, browser, raise_alert, run_cycle
):
    alert_id = raise_alert()
    run_cycle()
    runtime.clock.advance(3 * MINUTE)
    browser = browser("alice")
    browser.post(f"/alerts/{alert_id}/acknowledge", {"back": f"/alerts/{alert_id}"})

    page = browser.get(f"/alerts/{alert_id}")

    assert page.status_code == 200
    text = text_of(page.text)
    assert "Alert 1: disk-full on platform-api" in text
    assert "Acknowledged Wed 14 Jan 10:03 by alice on the web" in text
    assert "Pages sent for its group Bob Brown by email, Wed 14 Jan 10:00 — queued" in text
    assert "Wed 14 Jan 10:00 Triggered by test: “disk-full on platform-api” (critical)." in text
    assert "Paged Bob Brown by email, due Wed 14 Jan 10:00 (step 1 of In hours only)." in text
    assert "Acknowledged by alice on the web. Pages again at Wed 14 Jan 10:33" in text


def test_an_unknown_alert_is_a_404_page(browser):
    browser = browser("alice")

    assert browser.get("/alerts/99").status_code == 404
    assert browser.post("/alerts/99/acknowledge", {}).status_code == 404
    assert browser.post("/alerts/99/reassign", {"person": "carol"}).status_code == 404
    assert "No alert 99" in text_of(browser.get("/alerts/99").text)


def test_snoozing_acknowledges_until_then(runtime, browser, raise_alert):
    alert_id = raise_alert()
    browser = browser("alice")

    answer = browser.post(f"/alerts/{alert_id}/snooze", {"for": "1h"})

    assert answer.status_code == 303
    alert = alert_of(runtime, alert_id)
    assert alert.status == "acknowledged"
    assert alert.retrigger_at == runtime.clock.now() + timedelta(hours=1)
    text = text_of(browser.get(f"/alerts/{alert_id}").text)
    assert "You snoozed alert 1 until Wed 14 Jan 11:00." in text
    assert "Snoozed by alice on the web until Wed 14 Jan 11:00." in text


def test_a_snooze_length_not_offered_is_refused_beside_the_field(runtime, browser, raise_alert):
    alert_id = raise_alert()

    answer = browser("alice").post(f"/alerts/{alert_id}/snooze", {"for": "7d"})

    assert answer.status_code == 400
    assert re.search(r'id="f-for-error">.*choose how long to snooze it for', answer.text)
    assert alert_of(runtime, alert_id).status == "triggered"


def test_reassigning_pages_the_new_person(runtime, browser, raise_alert, run_cycle):
    alert_id = raise_alert()
    browser = browser("alice")

    answer = browser.post(f"/alerts/{alert_id}/reassign", {"person": "carol"})

    assert answer.status_code == 303
    run_cycle()
    text = text_of(browser.get(f"/alerts/{alert_id}").text)
    assert "You reassigned alert 1 to Carol Chen, who is paged now." in text
    assert "Reassigned by alice on the web to Carol Chen." in text
    assert "Carol Chen by email" in text


@pytest.mark.parametrize(
    ("person", "message"), [("nobody", "no such person on the team"), ("", "choose who")]
)
def test_reassigning_to_someone_not_on_the_team_is_refused(
    runtime, browser, raise_alert, person, message
):
    alert_id = raise_alert()

    answer = browser("alice").post(f"/alerts/{alert_id}/reassign", {"person": person})

    assert answer.status_code == 400
    assert re.search(rf'id="f-person-error">.*{message}', answer.text)
    assert log_kinds(runtime, alert_id) == ["trigger"]


def test_a_note_goes_into_the_log(runtime, browser, raise_alert):
    alert_id = raise_alert()
    browser = browser("alice")

    answer = browser.post(f"/alerts/{alert_id}/note", {"text": "Disk <b>cleaned</b> up"})

    assert answer.status_code == 303
    page = browser.get(f"/alerts/{alert_id}")
    assert "Note by alice on the web: Disk &lt;b&gt;cleaned&lt;/b&gt; up" in page.text


def test_an_empty_note_is_refused_beside_the_field(runtime, browser, raise_alert):
    alert_id = raise_alert()

    answer = browser("alice").post(f"/alerts/{alert_id}/note", {"text": "   "})

    assert answer.status_code == 400
    assert re.search(r'id="f-text-error">.*write the note in 1 to 2000 characters', answer.text)
    assert log_kinds(runtime, alert_id) == ["trigger"]


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("acknowledge", {}),
        ("resolve", {}),
        ("snooze", {"for": "15m"}),
        ("reassign", {"person": "carol"}),
    ],
)
def test_acting_on_a_resolved_alert_says_so_with_409(runtime, browser, raise_alert, action, form):
    alert_id = raise_alert()
    resolve(runtime, alert_id)

    answer = browser("alice").post(f"/alerts/{alert_id}/{action}", form)

    assert answer.status_code == 409
    assert f"There is a problem alert {alert_id} is resolved by web:bob" in text_of(answer.text)
    assert alert_of(runtime, alert_id).resolved_by == "web:bob"


def test_a_resolved_alert_shows_no_buttons_but_takes_notes(runtime, browser, raise_alert):
    alert_id = raise_alert()
    resolve(runtime, alert_id)

    html = browser("alice").get(f"/alerts/{alert_id}").text

    assert f"/alerts/{alert_id}/resolve" not in html and f"/alerts/{alert_id}/snooze" not in html
    assert f"/alerts/{alert_id}/note" in html
    assert "Resolved by bob on the web." in text_of(html)


# The dashboard's panel


def test_the_dashboard_shows_the_newest_five_open_alerts(runtime, browser, raise_alert):
    for number in range(6):
        raise_alert(f"problem-{number}", service="status-checks")
        runtime.clock.advance(10 * MINUTE)  # past the group window: one group each

    text = text_of(browser("alice").get("/").text)

    assert "Open alerts (6)" in text
    assert "problem-5" in text and "problem-1" in text and "problem-0" not in text
    assert "All 6 open alerts" in text
    assert text.count("Acknowledge alert") == 5


def test_resolving_from_the_dashboard_goes_back_to_it(runtime, browser, raise_alert):
    alert_id = raise_alert()

    answer = browser("alice").post(f"/alerts/{alert_id}/resolve", {"back": "/"})

    assert answer.headers["location"] == "/"
    assert alert_of(runtime, alert_id).status == "resolved"


def test_with_no_open_alerts_the_dashboard_says_so(browser):
    text = text_of(browser("alice").get("/").text)

    assert "Open alerts No open alerts." in text
