"""Signed action links: they say what they were signed with, until they expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.errors import Invalid
from dutydesk.escalation.links import ActionLink, action_url, read_action, sign_action

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
LINK = ActionLink(7, "acknowledge", "bob", NOW + timedelta(hours=24))
KEY = "k" * 32


def test_a_link_reads_back_as_what_was_signed():
    assert read_action(KEY, sign_action(KEY, LINK), NOW) == LINK


def test_the_url_is_under_the_base_url():
    assert action_url("https://duty.example/", KEY, LINK).startswith("https://duty.example/act/")


def test_an_expired_link_is_refused():
    with pytest.raises(Invalid, match="expired"):
        read_action(KEY, sign_action(KEY, LINK), LINK.expires_at)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nonsense",
        "a.b",
        sign_action("another key" * 3, LINK),
        sign_action(KEY, LINK)[:-2],
        "é.é",
    ],
)
def test_a_forged_or_damaged_link_is_refused(token):
    with pytest.raises(Invalid, match="not valid"):
        read_action(KEY, token, NOW)


def test_a_link_for_another_group_cannot_be_made_by_editing_the_token():
    token = sign_action(KEY, LINK)
    other = sign_action(KEY, ActionLink(8, "resolve", "bob", LINK.expires_at))
    forged = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(Invalid):
        read_action(KEY, forged, NOW)
