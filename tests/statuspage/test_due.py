"""The status page's worker cycle with a fast-forwarded clock: a maintenance window's notice an
hour ahead (to the subscribers of its components, through a real SMTP server), its start and
end; the comms lead reminded of a troubled component at 3, 6, 12 and 24 hours and of an
incident of the page's own left without an update; the snapshot rolled over to a new day;
expired unconfirmed subscriptions forgotten; the static copy kept; each thing once however
often the worker passes.

Wednesday 14 January 2026 11:00 in London (UTC in January): erin is on the comms rota (in
hours, Mon-Fri 09:30-17:30), carol on the escalation rota.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from dutydesk.db import unit_of_work
from dutydesk.incidents import service as incidents
from dutydesk.incidents.models import COMMS
from dutydesk.incidents.policy import incident_policy
from dutydesk.notify.delivery import deliver_due
from dutydesk.statuspage import components, maintenance, publishing, snapshot, subscribers
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.due import RETRY_AFTER, statuspage_due
from dutydesk.statuspage.export import VERSION_FILE
from dutydesk.statuspage.models import StatusDue, StatusSnapshot, StatusSubscriber
from dutydesk.statuspage.publishing import UpdateDraft
from tests.notify.servers import reconfigure

from .conftest import IN_HOURS

HOUR = timedelta(hours=1)
STARTS, ENDS = IN_HOURS + 3 * HOUR, IN_HOURS + 5 * HOUR
SENDER = "PaaS status <status@example.org>"


def pass_at(runtime, clock, moment):
    clock.set(moment)
    return statuspage_due(runtime, "w1")


def subscribe(runtime, clock, site, address, chosen=(), *, confirmed=True):
    with unit_of_work(runtime.sessions) as session:
        found = subscribers.subscribe(
            session, kind="email", address=address, component_ids=list(chosen),
            now=clock.now(), site=site, confirmed=confirmed,
        )  # fmt: skip
        session.commit()
        return found.id


def schedule(runtime, clock, site, name="DB upgrade", chosen=("api",), **given):
    with unit_of_work(runtime.sessions) as session:
        window = maintenance.schedule(
            session,
            maintenance.Window(
                name=name, body="We upgrade the API's database.", scheduled_for=STARTS,
                scheduled_until=ENDS, component_ids=chosen, **given,
            ),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
        return window.id


def page(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return snapshot.stored(session)


def keys(outbox, prefix):
    return [m.idempotency_key for m in outbox(prefix)]


def set_state(runtime, clock, component_id, state):
    with unit_of_work(runtime.sessions) as session:
        found = components.get_component(session, component_id)
        components.change_component(session, found, ComponentFields(status=state), now=clock.now())
        session.commit()


# Maintenance


@pytest.fixture
def audience(runtime, clock, site, status_page):
    """Subscribers: of every component, of the API, of the logs, and one unconfirmed."""
    return {
        "all": subscribe(runtime, clock, site, "all@tenant.example"),
        "api": subscribe(runtime, clock, site, "api@tenant.example", ["api"]),
        "logs": subscribe(runtime, clock, site, "logs@tenant.example", ["logs"]),
        "new": subscribe(runtime, clock, site, "new@tenant.example", ["api"], confirmed=False),
    }


def test_the_notice_goes_an_hour_ahead_to_the_windows_subscribers_through_smtp(
    runtime, clock, site, audience, outbox, smtp
):
    reconfigure(runtime, smtp_url=smtp.url, smtp_from=SENDER)
    window_id = schedule(runtime, clock, site)
    notice = f"status-notice-{window_id}-"
    deliver_due(runtime, "w1")  # the "scheduled" update and the confirmation go out first
    assert smtp.mailbox.wait_for(3)
    before = len(smtp.mailbox.messages)

    pass_at(runtime, clock, STARTS - HOUR - timedelta(minutes=1))
    assert outbox(notice) == []
    pass_at(runtime, clock, STARTS - HOUR)
    pass_at(runtime, clock, STARTS - HOUR)  # a second pass sends nothing more
    assert sorted(m.destination for m in outbox(notice)) == [
        "all@tenant.example",
        "api@tenant.example",
    ]

    assert deliver_due(runtime, "w1") == 2
    assert smtp.mailbox.wait_for(before + 2)
    received = smtp.mailbox.messages[before:]
    assert sorted(r["To"] for r in received) == ["all@tenant.example", "api@tenant.example"]
    name = page(runtime)[1].name
    for mail in received:
        assert mail["Subject"] == f"[{name}] Maintenance starts soon: DB upgrade"
        assert mail["Dutydesk-Idempotency-Key"].startswith(notice)
        assert mail["List-Unsubscribe"].startswith("<http://dutydesk.test/status/")
        assert "unsubscribe?token=" in mail["List-Unsubscribe"]
        body = mail.get_payload(decode=True).decode()
        assert "starts at Wed 14 Jan 2026 14:00 (Europe/London)" in body
        assert f"http://dutydesk.test/status/incidents/{window_id}" in body
    assert deliver_due(runtime, "w1") == 0


def test_the_window_starts_and_ends_by_itself_and_the_page_shows_it(
    runtime, clock, site, audience, outbox
):
    window_id = schedule(runtime, clock, site)
    pass_at(runtime, clock, STARTS - timedelta(seconds=1))
    _version, before = page(runtime)
    assert before.component("api").status == "operational"
    assert [m.status for m in before.maintenances] == ["scheduled"]

    pass_at(runtime, clock, STARTS)
    _version, during = page(runtime)
    assert during.component("api").status == "under_maintenance"
    assert [(m.id, m.status) for m in during.maintenances] == [(window_id, "in_progress")]
    assert during.indicator == "maintenance"

    pass_at(runtime, clock, ENDS)
    version, after = page(runtime)
    assert after.component("api").status == "operational"
    assert after.maintenances == ()
    assert [(h.id, h.status) for h in after.history] == [(window_id, "completed")]

    # Each step told the window's subscribers once: scheduled, in progress, completed.
    sent = len(outbox("status-update-"))
    assert pass_at(runtime, clock, ENDS) == 0
    assert len(outbox("status-update-")) == sent == 3 * 2
    assert page(runtime)[0] == version
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(StatusDue)) == 0


def test_a_worker_back_after_the_window_started_sends_no_late_notice(
    runtime, clock, site, audience, outbox
):
    window_id = schedule(runtime, clock, site)
    pass_at(runtime, clock, STARTS + timedelta(minutes=10))
    assert outbox(f"status-notice-{window_id}-") == []
    _version, shown = page(runtime)
    assert [m.status for m in shown.maintenances] == ["in_progress"]


def test_a_row_that_fails_is_tried_again_later_and_holds_up_no_other(
    runtime, clock, site, audience, monkeypatch
):
    broken = schedule(runtime, clock, site, name="Broken", chosen=("logs",), remind_prior=False)
    fine = schedule(runtime, clock, site, name="Fine", remind_prior=False)
    started = maintenance.start

    def start(session, window, **given):
        if window.id == broken:
            raise RuntimeError("boom")
        started(session, window, **given)

    monkeypatch.setattr(maintenance, "start", start)
    pass_at(runtime, clock, STARTS)

    with unit_of_work(runtime.read_sessions) as session:
        assert publishing.get_status_incident(session, fine).status == "in_progress"
        assert publishing.get_status_incident(session, broken).status == "scheduled"
        assert session.get(StatusDue, f"maintenance_start:{broken}").due_at == (
            STARTS + RETRY_AFTER
        )
    monkeypatch.setattr(maintenance, "start", started)
    pass_at(runtime, clock, STARTS + RETRY_AFTER)
    with unit_of_work(runtime.read_sessions) as session:
        assert publishing.get_status_incident(session, broken).status == "in_progress"


# Reminders to the comms lead


def test_a_troubled_component_reminds_the_comms_lead_at_3_6_12_and_24_hours(
    runtime, clock, status_page, outbox
):
    set_state(runtime, clock, "routing", "partial_outage")
    for step in (3, 6, 12, 24):
        pass_at(runtime, clock, IN_HOURS + step * HOUR - timedelta(minutes=1))
        assert len(outbox("status-troubled-")) == [3, 6, 12, 24].index(step)
        pass_at(runtime, clock, IN_HOURS + step * HOUR)
        pass_at(runtime, clock, IN_HOURS + step * HOUR)
    pass_at(runtime, clock, IN_HOURS + 72 * HOUR)

    reminders = outbox("status-troubled-")
    since = IN_HOURS.isoformat()
    assert [(m.idempotency_key, m.destination) for m in reminders] == [
        (f"status-troubled-routing-3h-{since}-erin-0", "erin@example.org"),
        (f"status-troubled-routing-6h-{since}-erin-0", "erin@example.org"),
        # 23:00, outside the comms rota's hours: the escalation rota's carol.
        (f"status-troubled-routing-12h-{since}-carol-0", "carol@example.org"),
        (f"status-troubled-routing-24h-{since}-erin-0", "erin@example.org"),
    ]
    assert reminders[0].subject == (
        "[Dutydesk] Status page: App routing has had a partial outage for 3 hours"
    )
    assert "since Wed 14 Jan 2026 11:00 (3 hours)" in reminders[0].text
    assert "http://dutydesk.test/status-page" in reminders[0].text


def test_a_component_that_recovers_reminds_nobody(runtime, clock, status_page, outbox):
    set_state(runtime, clock, "logs", "degraded_performance")
    clock.set(IN_HOURS + 2 * HOUR)
    set_state(runtime, clock, "logs", "operational")
    for hours in (3, 6, 12, 24):
        pass_at(runtime, clock, IN_HOURS + hours * HOUR)
    assert outbox("status-troubled-") == []


def test_a_component_of_an_incident_reminds_that_incidents_comms_lead(
    runtime, clock, site, status_page, outbox
):
    with unit_of_work(runtime.sessions) as session:
        incident = incidents.declare(
            session, incident_policy(session),
            incidents.Declaration(title="API errors", priority="P2", source="web"),
            actor="alice", person_id="alice", now=clock.now(), base_url="http://dutydesk.test",
        )  # fmt: skip
        incidents.hand_over(
            session, incident, COMMS, "dan", actor="erin", now=clock.now(),
            base_url="http://dutydesk.test",
        )  # fmt: skip
        publishing.create_incident(
            session, name="", draft=UpdateDraft("investigating", "Errors.", {"api": "major_outage"}),
            actor="dan", now=clock.now(), site=site, incident_id=incident.id,
        )  # fmt: skip
        session.commit()

    pass_at(runtime, clock, IN_HOURS + 3 * HOUR)

    assert [m.destination for m in outbox("status-troubled-api-")] == ["dan@example.org"]
    # An incident of the team reminds through its own cadence, not the status page's.
    assert outbox("status-no-update-") == []


def test_an_incident_of_the_pages_own_reminds_the_comms_lead_of_its_update(
    runtime, clock, site, status_page, outbox
):
    with unit_of_work(runtime.sessions) as session:
        made = publishing.create_incident(
            session, name="API down",
            draft=UpdateDraft("identified", "The API is down.", {"api": "major_outage"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
        made_id = made.id

    pass_at(runtime, clock, IN_HOURS + HOUR - timedelta(minutes=1))
    assert outbox("status-no-update-") == []
    pass_at(runtime, clock, IN_HOURS + HOUR)  # critical: P1, an update every hour
    pass_at(runtime, clock, IN_HOURS + HOUR)
    [reminder] = outbox("status-no-update-")
    assert reminder.idempotency_key == (
        f"status-no-update-{made_id}-{(IN_HOURS + HOUR).isoformat()}-erin-0"
    )
    assert reminder.subject == (
        "[Dutydesk] Status page: API down: tenants are owed an update (P1, 1h cadence)"
    )
    assert "since Wed 14 Jan 2026 11:00" in reminder.text

    clock.set(IN_HOURS + 90 * timedelta(minutes=1))
    with unit_of_work(runtime.sessions) as session:
        found = publishing.get_status_incident(session, made_id)
        publishing.publish_update(
            session, found, UpdateDraft("identified", "A fix is coming.", {"api": "major_outage"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
    pass_at(runtime, clock, IN_HOURS + 2 * HOUR)  # the update restarted the interval
    assert len(outbox("status-no-update-")) == 1
    pass_at(runtime, clock, IN_HOURS + 150 * timedelta(minutes=1))
    assert len(outbox("status-no-update-")) == 2


# The snapshot, subscribers, the static copy


def test_the_snapshot_rolls_over_to_a_new_day_once(runtime, clock, status_page):
    version, _ = page(runtime)
    pass_at(runtime, clock, IN_HOURS)  # built 30 days ago: rebuilt
    assert page(runtime)[0] == version + 1
    pass_at(runtime, clock, IN_HOURS + 12 * HOUR)  # 23:00, the same day
    assert page(runtime)[0] == version + 1

    midnight = datetime(2026, 1, 15, 0, 0, tzinfo=UTC)
    pass_at(runtime, clock, midnight)
    pass_at(runtime, clock, midnight + timedelta(minutes=1))
    rolled, shown = page(runtime)
    assert rolled == version + 2
    assert shown.component("api").uptime_days[-1].day == date(2026, 1, 15)


def test_a_team_without_a_snapshot_gets_one(runtime, clock, status_page):
    with unit_of_work(runtime.sessions) as session:
        session.execute(delete(StatusSnapshot))
        session.commit()
    assert page(runtime) is None
    statuspage_due(runtime, "w1")
    version, shown = page(runtime)
    assert version == 1
    assert shown.component("api").status == "operational"


def test_unconfirmed_subscriptions_are_forgotten_after_7_days(runtime, clock, site, status_page):
    kept = subscribe(runtime, clock, site, "kept@tenant.example")
    subscribe(runtime, clock, site, "never@tenant.example", confirmed=False)

    pass_at(runtime, clock, IN_HOURS + timedelta(days=7) - timedelta(minutes=1))
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(func.count()).select_from(StatusSubscriber)) == 2
    pass_at(runtime, clock, IN_HOURS + timedelta(days=7, seconds=1))
    with unit_of_work(runtime.read_sessions) as session:
        assert list(session.scalars(select(StatusSubscriber.id))) == [kept]


def test_the_static_copy_is_written_when_the_snapshot_changes_and_only_then(
    runtime, clock, site, status_page, tmp_path
):
    directory = tmp_path / "site"
    reconfigure(runtime, status_export_dir=str(directory))
    pass_at(runtime, clock, IN_HOURS)
    version, _ = page(runtime)
    assert (directory / VERSION_FILE).read_text() == str(version)
    front = directory / "index.html"
    assert "Platform API" in front.read_text()
    written_at = front.stat().st_mtime_ns

    assert pass_at(runtime, clock, IN_HOURS + timedelta(minutes=1)) == 0
    assert front.stat().st_mtime_ns == written_at

    set_state(runtime, clock, "api", "major_outage")
    pass_at(runtime, clock, IN_HOURS + timedelta(minutes=2))
    assert (directory / VERSION_FILE).read_text() == str(version + 1)
    assert "Major outage" in front.read_text()
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(StatusSnapshot, snapshot.SNAPSHOT_ID).version == version + 1
