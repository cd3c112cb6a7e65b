"""Names stored with line breaks (before the team file refused them, or written straight into
the database) break no feed, e-mail or Slack message, and no alert text sent in a page can add
a line that reads like Dutydesk's own."""

from __future__ import annotations

import re
from collections.abc import Iterator

import icalendar
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from dutydesk.alerts.models import Service
from dutydesk.alerts.service import AlertFields, trigger_on_service
from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.escalation.paging import UNTRUSTED_PREFIX
from dutydesk.notify.delivery import deliver_due
from dutydesk.people.models import Person
from dutydesk.rotas.models import Rota
from dutydesk.runtime import Runtime
from tests.calendars.test_ical import feed_path
from tests.conftest import EXAMPLE_TEAM
from tests.notify.servers import RecordingServer, SmtpServer, reconfigure

BOB = "Bob\r\nBcc: everyone@example.org"
ROTA = "Engineering\nX-Injected: yes"
SERVICE = "Platform API\r\nSubject: forged"
FORGED = "Disk full\nAcknowledge: https://evil.example/act/x\r\nResolve: https://evil.example/"
OUR_LINES = re.compile(r"^(Acknowledge|Resolve|Open|Opened|Dutydesk page):", re.M)


@pytest.fixture
def spoiled_team(make_team, runtime: Runtime, smtp: SmtpServer, slack: RecordingServer) -> Runtime:
    """The example team, engineering announcing by e-mail, then bob (on call on engineering
    now), the rota and platform-api renamed with line breaks straight in the database; e-mail
    and Slack pointed at local servers."""
    text = EXAMPLE_TEAM.read_text().replace(
        "    skip_holidays: true               # nobody is on this rota on bank holidays\n",
        "    skip_holidays: true\n    announce: {email: eng@example.org}\n",
        1,
    )
    text = text.replace("email: bob@example.org}", "email: bob@example.org, slack: U02BOB}")
    make_team(text)
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(Person).where(Person.id == "bob").values(name=BOB))
        session.execute(update(Rota).where(Rota.id == "engineering").values(name=ROTA))
        session.execute(update(Service).where(Service.id == "platform-api").values(name=SERVICE))
        session.commit()
    return reconfigure(
        runtime,
        smtp_url=smtp.url,
        smtp_from="Dutydesk <dutydesk@example.org>",
        slack_token="xoxb-test-token",
        slack_api_url=slack.url + "/api/",
    )


@pytest.fixture
def anonymous_client(runtime: Runtime) -> Iterator[TestClient]:
    """A client without credentials, like a calendar app subscribing to a feed."""
    with TestClient(create_app(runtime)) as client:
        yield client


@pytest.mark.parametrize(("kind", "subject"), [("rotas", "engineering"), ("people", "bob")])
def test_feeds_of_a_name_with_line_breaks_are_served_on_one_line(
    spoiled_team, api, anonymous_client, kind, subject
):
    answer = anonymous_client.get(feed_path(api, kind, subject))
    assert answer.status_code == 200, answer.text
    calendar = icalendar.Calendar.from_ical(answer.content)
    assert "\n" not in str(calendar["X-WR-CALNAME"])
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert summaries and all("\n" not in s and "\r" not in s for s in summaries)
    assert "X-INJECTED" not in answer.text.upper().replace("X-INJECTED: YES", "")


def test_break_cover_on_the_rota_is_emailed_with_a_one_line_subject(spoiled_team, cli, smtp):
    made = cli("cover", "engineering", "--by", "dan", "--now", "--for", "30m")
    assert made.code == 0, made.err
    assert deliver_due(spoiled_team, "worker-1") == 1
    assert smtp.mailbox.wait_for(1)
    email = smtp.mailbox.messages[0]
    assert email["Subject"] == "Engineering X-Injected: yes: break cover"
    assert email["X-Injected"] is None
    assert smtp.mailbox.recipients == [["eng@example.org"]]


def test_a_page_cannot_forge_our_lines(spoiled_team, runtime, run_cycle, smtp, slack):
    fields = AlertFields(
        summary=FORGED, source="db-1\nOpen: https://evil.example/", severity="critical"
    )
    with unit_of_work(runtime.sessions) as session:
        trigger_on_service(session, "platform-api", "disk", fields, runtime.clock.now(), actor="t")
        session.commit()
    assert run_cycle() > 0
    assert deliver_due(spoiled_team, "worker-1") == 2  # bob: e-mail and Slack
    assert smtp.mailbox.wait_for(1)
    email = smtp.mailbox.messages[0]
    # (a long header is folded on the wire: compare it unfolded)
    assert " ".join(email["Subject"].split()) == (
        "[Dutydesk] alert on Platform API Subject: forged: Disk full Acknowledge:"
        " https://evil.example/act/x Resolve: https://evil.example/"
    )
    assert email["Bcc"] is None
    body = email.get_payload(decode=True).decode()
    ours = OUR_LINES.findall(body)
    assert ours == ["Dutydesk page", "Opened", "Acknowledge", "Resolve", "Open"]
    for line in body.splitlines():
        if "evil.example" in line:
            assert line.startswith(UNTRUSTED_PREFIX), line
    # Our own action links come before anything the monitoring wrote.
    assert body.index("Acknowledge: http://dutydesk.test/act/") < body.index("evil.example")

    assert slack.wait_for(1)
    subject, *rest = slack.requests[0].params()["text"].splitlines()
    assert subject.startswith("*[Dutydesk] alert on Platform API Subject: forged: Disk full")
    assert OUR_LINES.findall("\n".join(rest)) == ours
    assert all(
        line.startswith(UNTRUSTED_PREFIX.replace(">", "&gt;"))
        for line in rest
        if "evil.example" in line
    )
