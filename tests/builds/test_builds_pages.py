"""The builds page: red builds with who is fixing them and a claim button for responders, then
the report; a refused claim comes back beside its build."""

from __future__ import annotations

from datetime import timedelta


def test_a_viewer_sees_the_red_builds_and_the_report_but_no_claim_button(
    team, record, browser, clock
):
    record("failed", build="1", pipeline="<script>alert(1)</script>")
    clock.advance(timedelta(hours=1))
    page = browser("vera", "viewer").get("/builds")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    assert "Nobody is fixing it yet." in page.text
    assert "Claim: fixing the build" not in page.text
    assert "1.0 h" in page.text


def test_a_responder_claims_as_themselves(team, record, browser, spells):
    record("failed", build="1")
    alice = browser("alice", "responder", person="alice")
    answer = alice.post("/builds/red/1/claim", {"person": "me"})
    assert answer.status_code == 303
    assert spells()[0].claimed_by == "alice"
    assert "Fixing the build: Alice Archer" in alice.get("/builds").text


def test_a_viewer_posting_a_claim_is_refused(team, record, browser, spells):
    record("failed", build="1")
    vera = browser("vera", "viewer", person="carol")
    answer = vera.post("/builds/red/1/claim", {"person": "me"})
    assert answer.status_code == 403
    assert spells()[0].claimed_by is None


def test_a_refused_claim_shows_the_reason_beside_the_build(team, record, browser):
    record("failed", build="1")
    record("succeeded", build="2", sha="b" * 40)
    record("failed", build="3", job="smoke")
    rhea = browser("rhea", "responder")  # no person of her own
    answer = rhea.post("/builds/red/2/claim", {"person": "me"})
    assert answer.status_code == 422
    assert "not linked to a person" in answer.text
    green = rhea.post("/builds/red/1/claim", {"person": "alice"})
    assert green.status_code == 409
    assert "green again" in green.text


def test_the_dashboard_shows_red_builds_and_who_fixes_them(team, record, browser, runtime):
    alice = browser("alice", "responder", person="alice")
    assert "Red builds" not in alice.get("/").text
    record("failed", build="1")
    alice.post("/builds/red/1/claim", {"person": "me"})
    dashboard = alice.get("/").text
    assert "Red builds" in dashboard
    assert "fixing the build: Alice Archer" in dashboard
