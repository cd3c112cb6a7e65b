"""atlassian-python-api's StatusPage client, unmodified, manages a real `dutydesk serve`'s status
page with nothing but a new base URL and a key; the public page shows each step."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from atlassian.statuspage import StatusPage

from dutydesk.auth.service import add_user
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.settings import Settings
from dutydesk.statuspage import keys, snapshot
from tests.alerts.live import live_dutydesk

TEAM = """\
team: paas
timezone: Europe/London
services:
  - {id: platform-api, name: Platform API}
status_page:
  name: PaaS status
  components:
    - {id: cf-api, name: Platform API, services: [platform-api]}
"""


def _key(database: Path, role: str = "responder") -> str:
    """A user and a status page API key on the served database, made in this process."""
    runtime = bootstrap(Settings(database_url=f"sqlite:///{database}"))
    try:
        with unit_of_work(runtime.sessions) as session:
            now = runtime.clock.now()
            add_user(session, username=f"api-{role}", role=role, person_id=None, password=None,
                     now=now)  # fmt: skip
            _, plain = keys.create_key(session, f"api-{role}", "statuspage client", now)
            session.commit()
        return plain
    finally:
        runtime.close()


def _public(database: Path):
    """The public page as the served database stores it."""
    runtime = bootstrap(Settings(database_url=f"sqlite:///{database}"))
    try:
        with unit_of_work(runtime.read_sessions) as session:
            found = snapshot.stored(session)
        assert found is not None
        return found[1]
    finally:
        runtime.close()


def test_the_statuspage_client_manages_the_page(tmp_path: Path):
    with live_dutydesk(tmp_path, team=TEAM) as dutydesk:
        key = _key(dutydesk.database)
        client = StatusPage(url=dutydesk.url, header={"Authorization": f"OAuth {key}"})
        public = requests.Session()

        (page,) = client.page_list_pages()
        assert page["id"] == "paas"
        assert page["name"] == "PaaS status"
        assert page["url"] == f"{dutydesk.url}/status"
        assert client.get_page("paas")["id"] == "paas"

        component = client.page_create_component(
            "paas",
            {"name": "Object storage", "description": "Buckets", "status": "operational",
             "showcase": True, "only_show_if_degraded": False},
        )  # fmt: skip
        assert component["name"] == "Object storage"
        assert component["page_id"] == "paas"
        assert _public(dutydesk.database).component(component["id"]).name == "Object storage"
        listed = client.page_get_components("paas")
        assert [c["id"] for c in listed] == ["cf-api", component["id"]]

        incident = client.page_create_incident(
            "paas",
            {"name": "Buckets slow", "status": "investigating",
             "body": "Uploads to object storage are slow.",
             "components": {component["id"]: "degraded_performance"},
             "component_ids": [component["id"]], "impact_override": "minor",
             "deliver_notifications": True},
        )  # fmt: skip
        assert incident["status"] == "investigating"
        assert incident["incident_updates"][0]["body"] == "Uploads to object storage are slow."
        shown = _public(dutydesk.database)
        assert [i.name for i in shown.incidents] == ["Buckets slow"]
        assert shown.component(component["id"]).status == "degraded_performance"
        summary = public.get(f"{dutydesk.url}/status/api/v2/summary.json").json()
        assert [i["name"] for i in summary["incidents"]] == ["Buckets slow"]
        assert [i["id"] for i in client.page_list_unresolved_incidents("paas")] == [
            incident["id"]]  # fmt: skip

        resolved = client.page_update_incident(
            "paas", incident["id"],
            {"status": "resolved", "body": "Uploads are fast again.",
             "components": {component["id"]: "operational"}},
        )  # fmt: skip
        assert resolved["status"] == "resolved"
        assert [u["status"] for u in resolved["incident_updates"]] == ["resolved", "investigating"]
        assert client.page_list_unresolved_incidents("paas") == []
        shown = _public(dutydesk.database)
        assert shown.incidents == ()
        assert shown.history[0].name == "Buckets slow"
        assert shown.component(component["id"]).status == "operational"
        summary = public.get(f"{dutydesk.url}/status/api/v2/summary.json").json()
        assert summary["incidents"] == []
        assert summary["status"]["indicator"] == "none"

        update_id = resolved["incident_updates"][0]["id"]
        corrected = client.page_update_incident_updates(
            "paas", incident["id"], update_id, {"body": "Uploads are fast again (fixed)."}
        )
        assert corrected["body"] == "Uploads are fast again (fixed)."
        assert [i["id"] for i in client.page_list_incidents("paas", "buckets")] == [
            incident["id"]]  # fmt: skip

        subscriber = client.page_create_subscriber(
            "paas", {"email": "ops@tenant.example", "skip_confirmation_notification": True}
        )
        assert subscriber["mode"] == "email"
        assert [s["id"] for s in client.page_get_subscribers("paas")] == [subscriber["id"]]
        assert client.page_unsubscribe_subscriber("paas", subscriber["id"])["id"] == (
            subscriber["id"])  # fmt: skip

        assert client.page_delete_incident("paas", incident["id"])["id"] == incident["id"]
        assert client.page_delete_component("paas", component["id"]) is None
        assert [c["id"] for c in client.page_get_components("paas")] == ["cf-api"]

        bearer = StatusPage(url=dutydesk.url, token=key)
        assert bearer.page_list_pages()[0]["id"] == "paas"
        wrong = StatusPage(url=dutydesk.url, header={"Authorization": "OAuth ddsp_wrong"})
        with pytest.raises(requests.HTTPError) as refused:
            wrong.page_list_pages()
        assert refused.value.response.status_code == 401
        with pytest.raises(requests.HTTPError) as bad:
            client.page_create_incident("paas", {"name": "X", "status": "on fire"})
        assert bad.value.response.status_code == 422
