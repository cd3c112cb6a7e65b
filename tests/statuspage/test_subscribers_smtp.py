"""A tenant subscribes, confirms and unsubscribes with nothing but the mail a real SMTP server
(aiosmtpd) received: the confirmation link, the update with its List-Unsubscribe headers, and
the one-click POST a mail client sends (RFC 8058)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import deliver_due
from dutydesk.statuspage import publishing
from dutydesk.statuspage.models import StatusSubscriber
from dutydesk.statuspage.publishing import UpdateDraft
from tests.notify.servers import reconfigure

SENDER = "PaaS status <status@example.org>"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _publish(runtime, clock, site, component: str) -> None:
    with unit_of_work(runtime.sessions) as session:
        publishing.create_incident(
            session, name="API errors",
            draft=UpdateDraft("investigating", "Some requests fail.", {component: "partial_outage"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()


def test_subscribe_confirm_and_unsubscribe_by_the_mail_received(
    runtime, status_page, clock, site, anonymous, smtp
):
    reconfigure(runtime, smtp_url=smtp.url, smtp_from=SENDER)
    token = anonymous.csrf("/status/subscribe/")
    anonymous.post(
        "/status/subscribe/", {"email": "ops@tenant.example", "component:api": "1"}, token=token
    )
    assert deliver_due(runtime, "w1") == 1
    assert smtp.mailbox.wait_for(1)
    (confirmation,) = smtp.mailbox.messages
    assert confirmation["To"] == "ops@tenant.example"
    assert confirmation["Subject"].endswith("Confirm your subscription")
    assert confirmation["List-Unsubscribe"] is None  # nothing to unsubscribe from yet
    link = re.search(r"(http\S+/subscribe/confirm\?token=\S+)",
                     confirmation.get_payload(decode=True).decode()).group(1)  # fmt: skip
    # Nothing but the confirmation until the link is followed.
    _publish(runtime, clock, site, "api")
    assert deliver_due(runtime, "w1") == 0
    assert anonymous.client.post(_path(link)).status_code == 200

    _publish(runtime, clock, site, "api")
    assert deliver_due(runtime, "w1") == 1
    assert smtp.mailbox.wait_for(2)
    update = smtp.mailbox.messages[1]
    assert update["To"] == "ops@tenant.example"
    assert update["Subject"].endswith("API errors: Investigating")
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = update["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://dutydesk.test/status/subscribe/unsubscribe?token=")
    assert unsubscribe in update.get_payload(decode=True).decode()

    # What Gmail's button does: a POST of List-Unsubscribe=One-Click, no cookies, no token.
    with TestClient(create_app(runtime)) as mail_client:
        answer = mail_client.post(
            _path(unsubscribe), content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )  # fmt: skip
    assert answer.status_code == 200
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(StatusSubscriber)) is None
    _publish(runtime, clock, site, "api")
    assert deliver_due(runtime, "w1") == 0
    assert len(smtp.mailbox.messages) == 2
