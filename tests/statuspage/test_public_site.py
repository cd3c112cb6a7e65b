"""The public site: its pages, Statuspage's v2 JSON and feeds from the snapshot, subscribing
with double opt-in, one-click unsubscribe (RFC 8058), the status host, and nothing internal."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.incidents import document_edits, timeline
from dutydesk.incidents import service as incidents
from dutydesk.incidents.policy import incident_policy
from dutydesk.settings import Settings
from dutydesk.statuspage import publishing
from dutydesk.statuspage.models import StatusSubscriber
from dutydesk.statuspage.publishing import UpdateDraft


def _publish(runtime, clock, site, name, draft, **given):
    with unit_of_work(runtime.sessions) as session:
        found = publishing.create_incident(
            session, name=name, draft=draft, actor="erin", now=clock.now(), site=site, **given
        )
        session.commit()
        return found.id


def test_the_front_page_shows_status_incidents_and_components(
    runtime, status_page, clock, site, anonymous
):
    made = _publish(
        runtime, clock, site, "Apps slow to respond",
        UpdateDraft("investigating", "We are looking into *slow* responses.",
                    {"routing": "degraded_performance"}),
    )  # fmt: skip
    answer = anonymous.get("/status/")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    html = answer.text
    assert "Minor Service Outage" in html
    assert "Apps slow to respond" in html
    assert "<em>slow</em>" in html
    assert "Degraded performance" in html
    assert "Platform API" in html and "Hosting" in html
    assert f'href="incidents/{made}/"' in html
    assert "<script" not in html
    assert 'href="status.css"' in html
    one = anonymous.get(f"/status/incidents/{made}/")
    assert one.status_code == 200 and "Investigating" in one.text
    assert anonymous.get(f"/status/incidents/{made}").status_code == 200
    assert anonymous.get("/status/incidents/nope/").status_code == 404
    assert anonymous.get("/status").status_code == 308
    css = anonymous.get("/status/status.css")
    assert css.headers["content-type"].startswith("text/css")


def test_statuspage_v2_json_has_statuspages_shapes(runtime, status_page, clock, site, anonymous):
    made = _publish(
        runtime, clock, site, "API errors",
        UpdateDraft("identified", "A bad deploy.", {"api": "partial_outage"}),
    )  # fmt: skip
    summary = anonymous.get("/status/api/v2/summary.json").json()
    assert summary["page"] == {
        "id": "paas",
        "name": summary["page"]["name"],
        "url": f"{site.public_url}",
        "time_zone": "Europe/London",
        "updated_at": "2026-01-14T11:00:00.000Z",
    }
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    by_id = {c["id"]: c for c in summary["components"]}
    assert by_id["hosting"]["group"] is True
    assert by_id["hosting"]["components"] == ["routing", "logs"]
    assert by_id["api"]["status"] == "partial_outage"
    (incident,) = summary["incidents"]
    assert incident["id"] == made
    assert incident["shortlink"] == f"{site.public_url}/incidents/{made}/"
    assert incident["incident_updates"][0]["body"] == "A bad deploy."
    assert incident["incident_updates"][0]["affected_components"] == [
        {"code": "api", "name": "Platform API", "old_status": "operational",
         "new_status": "partial_outage"}
    ]  # fmt: skip
    assert summary["scheduled_maintenances"] == []
    status = anonymous.get("/status/api/v2/status.json").json()
    assert status["status"]["indicator"] == "major"
    assert len(anonymous.get("/status/api/v2/components.json").json()["components"]) == 9
    unresolved = anonymous.get("/status/api/v2/incidents/unresolved.json").json()
    assert [i["id"] for i in unresolved["incidents"]] == [made]
    upcoming = anonymous.get("/status/api/v2/scheduled-maintenances/upcoming.json").json()
    assert upcoming["scheduled_maintenances"] == []


def test_feeds_list_the_history(runtime, status_page, clock, site, anonymous):
    made = _publish(
        runtime, clock, site, "Logs delayed",
        UpdateDraft("investigating", "Logs arrive late.", {"logs": "degraded_performance"}),
    )  # fmt: skip
    atom = feedparser.parse(anonymous.get("/status/history.atom").content)
    assert not atom.bozo
    assert [e.title for e in atom.entries] == ["Logs delayed"]
    assert atom.entries[0].link == f"{site.public_url}/incidents/{made}/"
    rss = anonymous.get("/status/history.rss")
    assert rss.headers["content-type"].startswith("application/rss+xml")
    assert anonymous.get("/status/maintenance.ics").text.startswith("BEGIN:VCALENDAR")


def test_nothing_internal_reaches_the_public_site(runtime, status_page, clock, site, anonymous):
    """An incident's document, timeline, people and alerts stay inside: only what was
    published to tenants is on any public file."""
    secrets_of_the_team = []
    with unit_of_work(runtime.sessions) as session:
        incident = incidents.declare(
            session, incident_policy(session),
            incidents.Declaration(title="INTERNAL-TITLE db-7 failover", priority="P1",
                                  source="web"),
            actor="alice", person_id="alice", now=clock.now(),
            base_url=runtime.settings.base_url,
        )  # fmt: skip
        document_edits.save_document(
            session, incident, "INTERNAL-DOCUMENT root password rotated",
            base_version=incident.document_version, actor="alice", now=clock.now(),
        )  # fmt: skip
        timeline.add_entry(
            session, incident, "INTERNAL-TIMELINE paged bob", occurred_at=clock.now(),
            actor="alice", now=clock.now(),
        )  # fmt: skip
        session.commit()
        incident_id = incident.id
        secrets_of_the_team += ["INTERNAL-TITLE", "INTERNAL-DOCUMENT", "INTERNAL-TIMELINE"]
    made = _publish(
        runtime, clock, site, "Apps unavailable",
        UpdateDraft("investigating", "Some apps cannot be reached.", {"routing": "major_outage"}),
        incident_id=incident_id,
    )  # fmt: skip
    names = ["Alice", "Bob", "Carol", "Erin", "alice", "erin", "web:", "cli:"]
    paths = [
        "/status/", f"/status/incidents/{made}/", "/status/history/", "/status/history.atom",
        "/status/history.rss", "/status/maintenance.ics", "/status/api/v2/summary.json",
        "/status/api/v2/incidents.json", "/status/api/v2/incidents/unresolved.json",
        "/status/api/v2/components.json", "/status/api/v2/status.json",
        "/status/api/v2/scheduled-maintenances.json", "/status/subscribe/",
    ]  # fmt: skip
    for path in paths:
        body = anonymous.get(path).text
        for secret in secrets_of_the_team + names:
            assert secret not in body, f"{secret!r} shown on {path}"
        assert f'/incidents/{incident_id}"' not in body
    # and the check above can fail: the published name is there.
    assert "Apps unavailable" in anonymous.get("/status/").text


def test_subscribing_sends_a_confirmation_and_nothing_else_until_it_is_followed(
    runtime, status_page, clock, site, anonymous, outbox
):
    token = anonymous.csrf("/status/subscribe/")
    answer = anonymous.post(
        "/status/subscribe/",
        {"kind": "email", "email": "tenant@example.org", "component:api": "1"},
        token=token,
    )
    assert answer.status_code == 200
    assert "Check your inbox" in answer.text
    (confirmation,) = outbox("status-confirm-")
    link = re.search(r"(http\S+/subscribe/confirm\?token=\S+)", confirmation.text).group(1)
    path = urlsplit(link).path + "?" + urlsplit(link).query
    _publish(
        runtime, clock, site, "API errors",
        UpdateDraft("investigating", "Errors.", {"api": "partial_outage"}),
    )  # fmt: skip
    assert outbox("status-update-") == []
    # A GET (a mail scanner) confirms nothing.
    shown = anonymous.get(path)
    assert shown.status_code == 200 and "Confirm" in shown.text
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(StatusSubscriber.confirmed_at)) is None
    confirmed = anonymous.client.post(path)
    assert confirmed.status_code == 200 and "Subscribed" in confirmed.text
    with unit_of_work(runtime.read_sessions) as session:
        subscriber = session.scalar(select(StatusSubscriber))
        assert subscriber.confirmed_at is not None
        assert subscriber.all_components is False
    _publish(
        runtime, clock, site, "Logs delayed",
        UpdateDraft("investigating", "Late.", {"logs": "degraded_performance"}),
    )  # fmt: skip
    assert outbox("status-update-") == []  # chose the API only
    _publish(
        runtime, clock, site, "API slow",
        UpdateDraft("investigating", "Slow.", {"api": "degraded_performance"}),
    )  # fmt: skip
    assert [m.destination for m in outbox("status-update-")] == ["tenant@example.org"]


def test_the_same_answer_whether_or_not_an_address_is_subscribed(
    runtime, status_page, clock, site, anonymous, outbox
):
    token = anonymous.csrf("/status/subscribe/")
    first = anonymous.post("/status/subscribe/", {"email": "a@example.org"}, token=token)
    again = anonymous.post("/status/subscribe/", {"email": "a@example.org"}, token=token)
    assert first.status_code == again.status_code == 200
    strip = lambda text: re.sub(r'value="[0-9a-f]{64}"', "", text)  # noqa: E731
    assert strip(first.text) == strip(again.text)
    # Asked again within minutes: one confirmation, not a mail each time.
    assert len(outbox("status-confirm-")) == 1
    clock.advance(timedelta(minutes=6))
    anonymous.post("/status/subscribe/", {"email": "a@example.org"}, token=token)
    assert len(outbox("status-confirm-")) == 2


def test_a_bad_address_is_shown_beside_the_field_and_changes_nothing(
    runtime, status_page, anonymous, outbox
):
    token = anonymous.csrf("/status/subscribe/")
    answer = anonymous.post("/status/subscribe/", {"email": "not an address"}, token=token)
    assert answer.status_code == 422
    assert 'id="email-error"' in answer.text
    assert "give an e-mail address" in answer.text
    assert outbox("status-confirm-") == []
    refused = anonymous.post("/status/subscribe/", {"email": "a@example.org"}, token="0" * 64)
    assert refused.status_code == 403
    assert outbox("status-confirm-") == []


def test_one_click_unsubscribe_takes_a_post_with_no_cookie_or_form_token(
    runtime, status_page, clock, site, outbox
):
    from dutydesk.statuspage import subscribers

    with unit_of_work(runtime.sessions) as session:
        subscribers.subscribe(
            session, kind="email", address="t@example.org", component_ids=[],
            now=clock.now(), site=site, confirmed=True,
        )  # fmt: skip
        session.commit()
    _publish(
        runtime, clock, site, "API errors",
        UpdateDraft("investigating", "Errors.", {"api": "partial_outage"}),
    )  # fmt: skip
    (message,) = outbox("status-update-")
    link = message.payload["email"]["list_unsubscribe"]
    assert link in message.text
    path = urlsplit(link).path + "?" + urlsplit(link).query
    with TestClient(create_app(runtime)) as client:  # a mail client: no cookies
        shown = client.get(path)
        assert shown.status_code == 200 and "Unsubscribe" in shown.text
        with unit_of_work(runtime.read_sessions) as session:
            assert session.scalar(select(StatusSubscriber)) is not None
        done = client.post(
            path, content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert done.status_code == 200
        with unit_of_work(runtime.read_sessions) as session:
            assert session.scalar(select(StatusSubscriber)) is None
        # Following it again is harmless.
        assert client.post(path).status_code == 200
        forged = client.post(path.replace("token=", "token=x"))
        assert forged.status_code == 400


@pytest.fixture
def status_host_runtime(runtime):
    runtime.settings = Settings(
        database_url=runtime.settings.database_url,
        base_url="https://dutydesk.example.org",
        status_host="status.example.org",
        secret_key="k" * 32,
    )
    return runtime


def test_the_status_host_serves_the_public_site_and_nothing_else(
    status_host_runtime, status_page, clock
):
    with TestClient(create_app(status_host_runtime), base_url="https://status.example.org") as c:
        front = c.get("/")
        assert front.status_code == 200 and "Components" in front.text
        assert c.get("/api/v2/status.json").json()["page"]["url"] == "https://status.example.org"
        assert c.get("/status.css").status_code == 200
        for internal in ("/incidents", "/api/v1/incidents", "/status-page", "/sign-in", "/"):
            answer = c.get(internal, follow_redirects=False)
            assert internal == "/" or answer.status_code == 404, internal
    with TestClient(create_app(status_host_runtime), base_url="https://dutydesk.example.org") as c:
        assert c.get("/status/").status_code == 200
