"""What a tenant is told of a ticket's state, and where signing in may lead: tables of cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.portal.page import safe_portal_path
from dutydesk.portal.views import tenant_view

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


@pytest.mark.parametrize(
    ("status", "kind", "due", "label", "aim", "message_starts"),
    [
        ("new", "first_response", LATER, "Received", "We aim to answer by", None),
        ("open", "first_response", LATER, "Open", "We aim to answer by", None),
        ("open", "update", LATER, "Open", "We aim to update you by", None),
        ("new", "first_response", NOW, "Received", None, "We have not answered in the time"),
        ("open", "update", NOW - timedelta(hours=1), "Open", None, "We have not answered"),
        ("new", "first_response", None, "Received", None, "We will answer as soon as we can"),
        ("pending", "update", None, "Waiting for you", None, "We are waiting for your answer"),
        ("solved", None, None, "Solved", None, "We think this is solved"),
        ("closed", None, None, "Closed", None, "This ticket is closed"),
    ],
)
def test_the_tenant_is_told_the_status_and_when_the_team_aims_to_answer(
    status, kind, due, label, aim, message_starts
):
    view = tenant_view(status, kind, due, NOW)
    assert view.label == label
    assert view.aim == aim
    assert view.due_at == (due if aim else None)
    if message_starts is None:
        assert view.message is None
    else:
        assert view.message is not None and view.message.startswith(message_starts)
    assert view.may_reply is (status != "closed")


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        (None, "/portal/tickets"),
        ("", "/portal/tickets"),
        ("/portal/tickets/12", "/portal/tickets/12"),
        ("/portal/tickets?page=2", "/portal/tickets?page=2"),
        ("/portal/new", "/portal/new"),
        ("/portal/link?token=abc", "/portal/tickets"),
        ("/", "/portal/tickets"),
        ("/portal", "/portal/tickets"),
        ("/api/v1/tickets", "/portal/tickets"),
        ("https://evil.example/portal/", "/portal/tickets"),
        ("//evil.example/portal/", "/portal/tickets"),
        ("/portal//evil.example", "/portal/tickets"),
        ("/portal/\\evil", "/portal/tickets"),
        ("/portal/tickets\r\nSet-Cookie: x=1", "/portal/tickets"),
        ("/portal/" + "x" * 300, "/portal/tickets"),
    ],
)
def test_signing_in_leads_only_to_portal_pages(asked, goes_to):
    assert safe_portal_path(asked) == goes_to
