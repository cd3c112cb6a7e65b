"""The alert page shows what the monitoring attached: custom_details as an escaped tree of keys
and values, http(s) links with rel="noopener noreferrer nofollow", images as links (never
inline), and the sending tool; whatever was stored, however deep, hostile or large."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import update

from dutydesk.alerts.detail_tree import SHOWN_VALUES
from dutydesk.alerts.models import Alert
from dutydesk.alerts.service import AlertFields, trigger_on_service
from dutydesk.alerts.untrusted import MAX_DEPTH, TOO_DEEP
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from tests.alerts.test_alerts_pages import text_of

pytestmark = pytest.mark.usefixtures("example_team")
SAFE_REL = 'rel="noopener noreferrer nofollow"'


def stored_alert(runtime: Runtime, **columns: Any) -> int:
    """An alert on platform-api, then its columns overwritten as a row stored long ago might be."""
    fields = AlertFields(summary="Disk full", source="db-1", severity="critical")
    with unit_of_work(runtime.sessions) as session:
        alert, _ = trigger_on_service(
            session, "platform-api", "disk", fields, runtime.clock.now(), actor="t"
        )
        if columns:
            session.execute(update(Alert).where(Alert.id == alert.id).values(**columns))
        session.commit()
        return alert.id


def anchors(html: str) -> list[str]:
    return re.findall(r"<a [^>]*>", html)


def test_details_links_images_and_the_client_are_shown_escaped(runtime, browser):
    alert_id = stored_alert(
        runtime,
        custom_details={
            "disk": {"free": "0%", "mounts": ["/", "/var"], "ok": False, "size": 512},
            "note": "<script>alert(1)</script>",
        },
        links=[
            {"href": "https://grafana.example/d/db?a=1&b=2", "text": "Dashboard"},
            {"href": "javascript:alert(1)", "text": "Runbook"},
        ],
        images=[
            {
                "src": "https://graphs.example/cpu.png",
                "href": "https://graphs.example/",
                "alt": "CPU",
            },
            {"src": "javascript:alert(2)"},
        ],
        client="Grafana",
        client_url="https://grafana.example/",
        alert_group="databases",
    )
    page = browser("alice").get(f"/alerts/{alert_id}")
    assert page.status_code == 200, page.text
    # (text_of puts a space where each tag was: "free : 0%", "( where it links to )")
    text = re.sub(r"\( | (?=[:)])", lambda m: m.group().strip(), text_of(page.text))
    assert "Details from the monitoring" in text
    for phrase in ("disk free: 0%", "mounts 1: / 2: /var", "ok: false", "size: 512", "databases"):
        assert phrase in text, phrase
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "javascript:" not in page.text
    assert "Runbook" not in text
    assert "<img" not in page.text
    outside = [a for a in anchors(page.text) if "example/" in a]
    assert outside == [
        f'<a href="https://grafana.example/" {SAFE_REL}>',
        f'<a href="https://grafana.example/d/db?a=1&amp;b=2" {SAFE_REL}>',
        f'<a href="https://graphs.example/cpu.png" {SAFE_REL}>',
        f'<a href="https://graphs.example/" {SAFE_REL}>',
    ]
    assert "Sent by Grafana" in text
    assert "Image: CPU (where it links to)" in text


def test_an_alert_without_details_has_no_details_section(runtime, browser):
    alert_id = stored_alert(runtime)
    page = browser("alice").get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    assert "Details from the monitoring" not in page.text
    assert "Links from the monitoring" not in page.text


def test_details_stored_900_levels_deep_are_cut_with_a_marker(runtime, browser):
    deep = json.loads('{"a": ' * 900 + "1" + "}" * 900)
    alert_id = stored_alert(runtime, custom_details=deep)
    alice = browser("alice")
    page = alice.get(f"/alerts/{alert_id}")
    assert page.status_code == 200, page.text
    assert page.text.count('<span class="detail-tree__key">a</span>') == MAX_DEPTH
    assert TOO_DEEP in page.text
    for listing in ("/alerts", "/"):
        assert alice.get(listing).status_code == 200


def test_very_many_details_are_cut_with_a_pointer_to_the_api(runtime, browser):
    alert_id = stored_alert(
        runtime, custom_details={f"key{n}": n for n in range(SHOWN_VALUES + 10)}
    )
    page = browser("alice").get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    assert page.text.count('class="detail-tree__key"') == SHOWN_VALUES
    assert f"GET /api/v1/alerts/{alert_id} has them all" in text_of(page.text)


def test_a_scalar_as_the_whole_of_custom_details_is_shown(runtime, browser):
    alert_id = stored_alert(runtime, custom_details="just a line\nand another")
    page = browser("alice").get(f"/alerts/{alert_id}")
    assert '<span class="detail-tree__value">just a line\nand another</span>' in page.text
