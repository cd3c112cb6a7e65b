"""Notes by the outgoing engineer, acknowledgement by the incoming one (or an admin), audited;
through the API, the CLI and the service's rules."""

from __future__ import annotations

from sqlalchemy import select

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from tests.handover.conftest import HANDOFF, INVITED


def test_the_cli_takes_notes_from_the_outgoing_engineer_only(week_of_data, cycle, cli):
    cycle(INVITED)
    refused = cli("handover", "note", "1", "--as", "carol", "--text", "hi")
    assert refused.code != 0 and "outgoing engineer" in refused.err
    done = cli("handover", "note", "1", "--as", "bob", "--text", "Watch **the router**.")
    assert done.code == 0, done.err
    early = cli("handover", "ack", "1", "--as", "carol")
    assert early.code != 0 and "made at the handoff" in early.err
    cycle(HANDOFF)
    assert cli("handover", "ack", "1", "--as", "bob").code != 0
    acked = cli("handover", "ack", "1", "--as", "carol")
    assert acked.code == 0, acked.err
    again = cli("handover", "ack", "1", "--as", "carol")
    assert again.code != 0 and "already acknowledged" in again.err
    shown = cli("handover", "show", "1")
    assert "Watch **the router**." in shown.out and "Acknowledged by carol" in shown.out
    listed = cli("handover", "list", "--json")
    assert '"acknowledged_by": "carol"' in listed.out


def test_an_admin_may_acknowledge_through_the_api_and_it_is_audited(
    week_of_data, cycle, api, runtime, token_for
):
    cycle(HANDOFF)
    refused = api.post("/api/v1/handovers/1/acknowledge")
    assert refused.status_code == 403 and "incoming engineer" in refused.json()["message"]
    admin = token_for("ada", "admin")
    answer = api.post(
        "/api/v1/handovers/1/acknowledge", headers={"Authorization": f"Bearer {admin}"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["acknowledged_by"] == "api:ada"
    markdown = api.get("/api/v1/handovers/1.md")
    assert markdown.status_code == 200 and markdown.text.startswith("# Handover:")
    assert api.get("/api/v1/handovers/99").status_code == 404
    with unit_of_work(runtime.read_sessions) as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject == "handover:1")
        ).all()
    assert list(actions) == ["acknowledge handover"]


def test_make_reports_the_latest_handoff_now(handover_team, cli, clock):
    clock.set(HANDOFF)
    made = cli("handover", "make")
    assert made.code == 0, made.err
    assert "made" in made.out
    assert "was made already" in cli("handover", "make").out


def test_the_list_table_shows_each_handover_its_notes_and_acknowledgement(week_of_data, cycle, cli):
    cycle(INVITED)
    coming = cli("handover", "list")
    assert coming.code == 0, coming.err
    lines = coming.out.splitlines()
    assert lines[0].strip() == "Handovers (Europe/London)"
    assert lines[1].split() == ["Id", "Handoff", "From", "To", "Report", "Notes", "Acknowledged"]
    assert lines[3].split() == [
        *("1", "Mon", "19", "Jan", "09:30", "bob", "carol"),
        *("at", "the", "handoff", "none", "not", "yet"),
    ]
    cli("handover", "note", "1", "--as", "bob", "--text", "Watch the router.")
    cycle(HANDOFF)
    cli("handover", "ack", "1", "--as", "carol")
    # The acknowledgement is free text: it may wrap onto a second line.
    done = cli("handover", "list").out.splitlines()
    assert " ".join(" ".join(done[3:]).split()) == (
        "1 Mon 19 Jan 09:30 bob carol made 17 characters carol, Mon 19 Jan 09:30"
    )


def test_an_id_past_the_largest_is_not_found_everywhere(handover_team, cli, api, browser, clock):
    clock.set(HANDOFF)
    assert cli("handover", "make").code == 0
    huge = "2147483648"
    shown = cli("handover", "show", huge)
    assert shown.code != 0 and f"handover {huge} not found" in shown.err
    assert "Traceback" not in shown.err
    for path in (f"/api/v1/handovers/{huge}", f"/api/v1/handovers/{huge}.md"):
        answer = api.get(path)
        assert answer.status_code == 422 and "handover_id" in answer.json()["message"], path
    page = browser("alice", person="alice")
    assert page.get(f"/handover/{huge}").status_code == 404
    assert page.post(f"/handover/{huge}/notes", {"notes": "x"}).status_code == 404
