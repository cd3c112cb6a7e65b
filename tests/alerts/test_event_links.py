"""Only http(s) URLs from events become links: others are dropped when an event comes in, and
filtered out of alerts stored before that rule when they are read."""

from __future__ import annotations

from sqlalchemy import select, update

from dutydesk.alerts import service as alerts
from dutydesk.alerts.models import Alert, ChangeEvent
from dutydesk.alerts.untrusted import web_url
from dutydesk.db import unit_of_work

HOSTILE_LINKS = [
    {"href": "javascript:alert(document.cookie)", "text": "Runbook"},
    {"href": "JaVaScRiPt:alert(1)"},
    {"href": "data:text/html,<script>alert(1)</script>"},
    {"href": "/relative/path"},
    {"href": "https://ok.example/a b"},
    {"href": "https://ok.example/\nAcknowledge: https://evil.example"},
    {"href": "https://grafana.example/d/db", "text": "Dashboard"},
]
HOSTILE_IMAGES = [
    {"src": "javascript:alert(1)", "href": "https://ok.example/"},
    {"src": "https://graphs.example/cpu.png", "href": "javascript:alert(1)", "alt": "CPU"},
]


def test_web_url_keeps_only_absolute_http_and_https():
    assert web_url("https://a.example/x?y=1&z=2") == "https://a.example/x?y=1&z=2"
    assert web_url("HTTP://a.example") == "HTTP://a.example"
    for bad in ("javascript:x", "https://", "//a.example/x", "ftp://a.example", "http://[::1"):
        assert web_url(bad) is None, bad


def test_a_trigger_keeps_only_its_http_links_images_and_client_url(events, routing_key, runtime):
    body = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "payload": {"summary": "Disk full", "source": "db-1", "severity": "critical"},
        "links": HOSTILE_LINKS,
        "images": HOSTILE_IMAGES,
        "client": "Monitoring",
        "client_url": "javascript:alert(1)",
    }
    answer = events.post("/v2/enqueue", json=body)
    assert answer.status_code == 202, answer.text
    with unit_of_work(runtime.read_sessions) as session:
        alert = session.scalars(select(Alert)).one()
        assert alert.links == [{"href": "https://grafana.example/d/db", "text": "Dashboard"}]
        assert alert.images == [{"src": "https://graphs.example/cpu.png", "alt": "CPU"}]
        assert (alert.client, alert.client_url) == ("Monitoring", None)


def test_a_change_event_keeps_only_its_http_links(events, routing_key, runtime):
    body = {"routing_key": routing_key, "payload": {"summary": "Deployed"}, "links": HOSTILE_LINKS}
    assert events.post("/v2/change/enqueue", json=body).status_code == 202
    with unit_of_work(runtime.read_sessions) as session:
        change = session.scalars(select(ChangeEvent)).one()
        assert change.links == [{"href": "https://grafana.example/d/db", "text": "Dashboard"}]


def test_a_grafana_alert_keeps_only_its_http_links(events, routing_key, runtime):
    alert = {
        "status": "firing",
        "fingerprint": "f1",
        "labels": {"alertname": "Disk"},
        "generatorURL": "javascript:alert(1)",
        "dashboardURL": "https://grafana.example/d/db",
    }
    answer = events.post(f"/hooks/grafana/{routing_key}", json={"version": "1", "alerts": [alert]})
    assert answer.status_code == 200, answer.text
    with unit_of_work(runtime.read_sessions) as session:
        stored = session.scalars(select(Alert)).one()
        assert stored.links == [{"href": "https://grafana.example/d/db", "text": "Dashboard"}]


def test_links_stored_before_the_rule_are_left_out_when_read(api, runtime, services):
    fields = alerts.AlertFields(summary="Old", source="db-1", severity="critical")
    with unit_of_work(runtime.sessions) as session:
        alert, _ = alerts.trigger(
            session, "platform-api", "old", fields, runtime.clock.now(), actor="integration:1"
        )
        session.execute(
            update(Alert)
            .where(Alert.id == alert.id)
            .values(links=HOSTILE_LINKS, images=HOSTILE_IMAGES, client_url="javascript:x")
        )
        session.commit()
        alert_id = alert.id
    body = api.get(f"/api/v1/alerts/{alert_id}").json()
    assert body["links"] == [{"href": "https://grafana.example/d/db", "text": "Dashboard"}]
    assert body["images"] == [{"src": "https://graphs.example/cpu.png", "alt": "CPU"}]
    assert body["client_url"] is None
