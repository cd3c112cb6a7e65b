"""Webhook subscribers: each update is POSTed as JSON signed with the subscriber's own secret,
which verifies with Dutydesk's published scheme, and no other subscriber's (or an internal
webhook's) secret signs it."""

from __future__ import annotations

import json

from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import deliver_due
from dutydesk.notify.signing import SIGNATURE_HEADER, verify_signature, webhook_secret
from dutydesk.statuspage import publishing, subscribers
from dutydesk.statuspage.fanout import subscriber_secret
from dutydesk.statuspage.publishing import UpdateDraft
from tests.notify.servers import recording_server


def test_an_update_reaches_webhook_subscribers_signed_with_their_own_secrets(
    runtime, status_page, clock, site
):
    with recording_server() as receiver:
        url = f"{receiver.url}/status-hook"
        with unit_of_work(runtime.sessions) as session:
            first = subscribers.subscribe(
                session, kind="webhook", address=url, component_ids=["api"], now=clock.now(),
                site=site,
            )  # fmt: skip
            second = subscribers.subscribe(
                session, kind="webhook", address=url, component_ids=["logs"], now=clock.now(),
                site=site,
            )  # fmt: skip
            session.commit()
            first_id, second_id = first.id, second.id
        with unit_of_work(runtime.sessions) as session:
            made = publishing.create_incident(
                session, name="API errors",
                draft=UpdateDraft("identified", "A bad deploy.", {"api": "major_outage"}),
                actor="erin", now=clock.now(), site=site,
            )  # fmt: skip
            session.commit()
            made_id = made.id
        assert deliver_due(runtime, "w1") == 1
        assert receiver.wait_for(1)
        (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["incident"]["id"] == made_id
    assert body["incident"]["incident_update"]["body"] == "A bad deploy."
    assert body["incident"]["incident_update"]["affected_components"][0]["code"] == "api"
    assert body["meta"]["unsubscribe"].startswith(f"{site.public_url}/subscribe/unsubscribe?")
    signature = request.headers[SIGNATURE_HEADER.lower()]
    now = int(clock.now().timestamp())
    own = subscriber_secret(site.secret_key, first_id, url)
    assert verify_signature(own, signature, request.body, now=now)
    other = subscriber_secret(site.secret_key, second_id, url)
    assert not verify_signature(other, signature, request.body, now=now)
    internal = webhook_secret(site.secret_key, url)
    assert not verify_signature(internal, signature, request.body, now=now)
