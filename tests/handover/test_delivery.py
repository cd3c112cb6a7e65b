"""The invitation and the report delivered through a real SMTP server (aiosmtpd) and Slack's
Web API stand-in (slack_sdk posting to it); quoted text escaped in Markdown, HTML and Slack."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from dutydesk.handover.markdown import escape
from dutydesk.notify.delivery import deliver_due
from tests.handover.conftest import HANDOFF, INVITED
from tests.notify.servers import reconfigure


def _configured(runtime, smtp, slack):
    return reconfigure(
        runtime,
        smtp_url=smtp.url,
        smtp_from="Dutydesk <dutydesk@example.org>",
        slack_token="xoxb-test-token",
        slack_api_url=slack.url + "/api/",
    )


def test_the_invitation_arrives_with_a_calendar_request(week_of_data, cycle, runtime, smtp, slack):
    configured = _configured(runtime, smtp, slack)
    cycle(INVITED)
    assert deliver_due(configured, "worker-1") == 3
    assert smtp.mailbox.wait_for(3)
    mail = next(m for m in smtp.mailbox.messages if m["To"] == "carol@example.org")
    assert "[Dutydesk] Support handover: Bob Brown to Carol Chen" in " ".join(
        mail["Subject"].split()
    )
    parts = {part.get_content_type(): part for part in mail.walk()}
    calendar_parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendar_parts) == 2  # the alternative and the attached invite.ics
    assert calendar_parts[0].get_param("method") == "REQUEST"
    assert any(p.get_filename() == "invite.ics" for p in calendar_parts)
    event = Calendar.from_ical(calendar_parts[0].get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["uid"]) == "handover.engineering.20260119T093000Z@dutydesk"
    assert event.decoded("dtstart") == HANDOFF
    assert event.decoded("dtend") == HANDOFF + timedelta(minutes=45)
    attendees = sorted(str(a) for a in event["attendee"])
    assert attendees == [
        "mailto:bob@example.org",
        "mailto:carol@example.org",
        "mailto:leads@example.org",
    ]
    assert str(event["organizer"]) == "mailto:dutydesk@example.org"
    assert "text/plain" in parts


def test_the_report_arrives_as_markdown_and_safe_html_and_in_slack(
    week_of_data, cycle, runtime, smtp, slack
):
    configured = _configured(runtime, smtp, slack)
    cycle(HANDOFF)
    assert deliver_due(configured, "worker-1") == 7  # 3 invitations, 3 reports, 1 Slack post
    assert smtp.mailbox.wait_for(6)
    report = next(
        m
        for m in smtp.mailbox.messages
        if m["To"] == "bob@example.org" and "report" in m["Subject"]
    )
    bodies = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in report.walk()
        if not p.is_multipart()
    }
    text, html = bodies["text/plain"], bodies["text/html"]
    assert "# Handover: In hours engineering support" in text
    assert "Logs \\*\\*missing\\*\\* \\<b\\>" in text
    assert "<b>" not in html and "&lt;b&gt;" in html and "<strong>missing</strong>" not in html
    [post] = [r for r in slack.requests if r.path == "/api/chat.postMessage"]
    params = post.params()
    assert params["channel"] == "C0HANDOVR1"
    assert "Alerts: 4; pages: 2 (1 out of hours)" in params["text"]


def test_markdown_escaping_leaves_quoted_text_literal():
    for hostile in ("**bold**", "[x](javascript:alert(1))", "<script>", "# heading", "a|b", "`c`"):
        escaped = escape(hostile)
        assert all(f"\\{c}" in escaped for c in "*[]()<>#|`" if c in hostile)
    assert escape("line\nbreak") == "line break"
