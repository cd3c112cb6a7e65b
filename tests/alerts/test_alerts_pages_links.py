"""Action links in pages: `/act/{token}` asks to confirm (GET) and then acts (POST), as the
person the page was sent to, without signing in.

The example team's platform-api pages bob (on call on engineering) at Wed 14 Jan 2026 10:00.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.alerts.models import Alert
from dutydesk.db import unit_of_work
from dutydesk.escalation.links import ActionLink, sign_action
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import Runtime
from tests.alerts.test_alerts_pages import alert_of, resolve, text_of

pytestmark = pytest.mark.usefixtures("example_team")


def page_link(runtime: Runtime, action: str) -> str:
    """The path of the first page's link for `action` (acknowledge or resolve)."""
    with unit_of_work(runtime.read_sessions) as session:
        text = session.scalars(
            select(OutboxMessage.text)
            .where(OutboxMessage.idempotency_key.like("page-%"))
            .order_by(OutboxMessage.id)
        ).first()
    assert text is not None, "nobody was paged"
    found = re.search(rf"^{action.capitalize()}: http://dutydesk\.test(/act/\S+)$", text, re.M)
    assert found is not None, text
    return found.group(1)


@pytest.fixture
def paged(runtime, raise_alert, run_cycle) -> list[int]:
    """Three alerts in one group on platform-api, and bob paged for them."""
    ids = [raise_alert(key) for key in ("disk-full", "cpu-high", "latency")]
    run_cycle()
    return ids


def statuses(runtime: Runtime, ids: list[int]) -> list[str]:
    return [alert_of(runtime, alert_id).status for alert_id in ids]


def test_following_a_link_only_asks_to_confirm(runtime, anonymous, paged):
    link = page_link(runtime, "acknowledge")

    answer = anonymous.get(link)

    assert answer.status_code == 200
    text = text_of(answer.text)
    assert "Acknowledge 3 alerts on Platform API as Bob Brown?" in text
    assert "disk-full on platform-api" in text
    assert statuses(runtime, paged) == ["triggered"] * 3


def test_confirming_acknowledges_the_group_as_the_person_paged(runtime, anonymous, paged):
    link = page_link(runtime, "acknowledge")

    answer = anonymous.post(link, {}, token=anonymous.csrf(link))

    assert answer.status_code == 200
    assert "Acknowledged 3 alerts on Platform API as Bob Brown." in text_of(answer.text)
    assert statuses(runtime, paged) == ["acknowledged"] * 3
    assert alert_of(runtime, paged[0]).acknowledged_by == "link:bob"


def test_the_alert_page_says_who_acted_through_a_link(runtime, anonymous, browser, paged):
    link = page_link(runtime, "acknowledge")
    anonymous.post(link, {}, token=anonymous.csrf(link))

    text = text_of(browser("alice").get(f"/alerts/{paged[0]}").text)

    assert "Acknowledged by Bob Brown through a page's link." in text


def test_a_resolve_link_resolves_every_open_alert_of_the_group(runtime, anonymous, paged):
    link = page_link(runtime, "resolve")
    assert "Resolve 3 alerts on Platform API as Bob Brown?" in text_of(anonymous.get(link).text)

    answer = anonymous.post(link, {}, token=anonymous.csrf(link))

    assert "Resolved 3 alerts on Platform API as Bob Brown." in text_of(answer.text)
    assert statuses(runtime, paged) == ["resolved"] * 3


def test_a_link_with_nothing_left_to_do_says_so(runtime, anonymous, paged):
    link = page_link(runtime, "acknowledge")
    token = anonymous.csrf(link)
    anonymous.post(link, {}, token=token)

    again = anonymous.post(link, {}, token=token)
    followed = anonymous.get(link)

    assert again.status_code == 409
    assert "Nothing to do: every open alert of group 1 is acknowledged already." in text_of(
        again.text
    )
    assert followed.status_code == 200
    assert "Nothing to acknowledge" in text_of(followed.text)
    assert "Acknowledge</button>" not in followed.text


def test_a_link_after_everything_is_resolved_says_so(runtime, anonymous, paged):
    link = page_link(runtime, "resolve")
    token = anonymous.csrf(link)
    for alert_id in paged:
        resolve(runtime, alert_id)

    answer = anonymous.post(link, {}, token=token)

    assert answer.status_code == 409
    assert "every alert of group 1 is resolved already" in text_of(answer.text)
    assert "Every alert on Platform API in this group is resolved already." in text_of(
        anonymous.get(link).text
    )


def test_an_expired_link_is_refused(runtime, anonymous, paged):
    link = page_link(runtime, "acknowledge")
    token = anonymous.csrf(link)
    runtime.clock.advance(timedelta(hours=24))

    for answer in (anonymous.get(link), anonymous.post(link, {}, token=token)):
        assert answer.status_code == 400
        assert "This link has expired" in text_of(answer.text)
    assert statuses(runtime, paged) == ["triggered"] * 3


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # MAC changed
        lambda token: "x" + token,  # body changed
        lambda _token: "not-a-token",
        lambda _token: "%C3%A9.%C3%A9",  # not ASCII
    ],
)
def test_a_forged_link_is_refused(runtime, anonymous, paged, forge):
    token = page_link(runtime, "acknowledge").removeprefix("/act/")
    link = f"/act/{forge(token)}"
    csrf = anonymous.csrf("/sign-in")

    for answer in (anonymous.get(link), anonymous.post(link, {}, token=csrf)):
        assert answer.status_code == 400
        assert "This link is not valid" in text_of(answer.text)
    assert statuses(runtime, paged) == ["triggered"] * 3


def test_a_link_signed_with_another_key_is_refused(runtime, anonymous, paged):
    link = ActionLink(1, "acknowledge", "bob", runtime.clock.now() + timedelta(hours=1))
    token = sign_action("another instance's secret key!!!", link)

    assert anonymous.get(f"/act/{token}").status_code == 400


def test_confirming_without_the_pages_csrf_token_is_refused(runtime, anonymous, paged):
    link = page_link(runtime, "acknowledge")
    anonymous.get(link)

    answer = anonymous.post(link, {}, token="0" * 64)

    assert answer.status_code == 403
    assert statuses(runtime, paged) == ["triggered"] * 3


def test_a_signed_in_browser_confirms_with_its_own_token(runtime, browser, paged):
    link = page_link(runtime, "acknowledge")
    signed_in = browser("alice")

    answer = signed_in.post(link, {}, token=signed_in.csrf(link))

    assert answer.status_code == 200
    # The link acts as the person it was sent to, whoever holds it.
    assert alert_of(runtime, paged[0]).acknowledged_by == "link:bob"


def test_a_link_for_a_group_that_is_gone_is_a_404(runtime, anonymous, paged):
    link = ActionLink(99, "acknowledge", "bob", runtime.clock.now() + timedelta(hours=1))

    answer = anonymous.get(f"/act/{sign_action(runtime.secret_key(), link)}")

    assert answer.status_code == 404
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(Alert.status).where(Alert.id == paged[0])) == "triggered"
