"""Screenshots of the main pages at desktop and phone widths, for the README and for review.

They are written to build/screenshots/; `make screenshots` copies them to docs/screenshots/.
The server has a little more than the example team: a swap taken, a swap request offered to
alice (who is signed in), an override and break cover, and a few tenants' tickets, one of them
answered, noted and triaged, so the pages show what they can show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, Server, next_monday, run_cli, sign_in
from tests.browser.test_external_rotas import follow_escalation

SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# What the calendar feed addresses on the pictures start with, instead of a random local port.
PUBLIC_URL = "https://dutydesk.example.org"

# One set of pictures, from the default database.
pytestmark = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def busy_week(server: Server) -> datetime:
    """Bob's coming week on engineering with a swap taken, one open for alice, an override and
    break cover; break cover on escalation within the hour too. Returns the week's first shift."""
    monday = next_monday(datetime.now(UTC))
    weeks = server.shifts("engineering", monday, monday + timedelta(weeks=3))
    bobs = [s for s in weeks if s["person"] == "bob"]  # three to five days, with bank holidays
    taken, offered, overridden = bobs[0], bobs[1], bobs[2]
    first = datetime.fromisoformat(taken["from"])

    def swap(shift: dict[str, str], until: datetime, to: str, note: str) -> int:
        body = {"rota": "engineering", "from": shift["from"], "until": until.isoformat()}
        made = server.api(
            "POST", "/api/v1/swaps", json=body | {"to": [to], "note": note, "as": "bob"}
        )
        return int(made["id"])

    morning = swap(taken, first + timedelta(hours=4), "carol", "school run")
    server.api("POST", f"/api/v1/swaps/{morning}/take", json={"as": "carol"})
    swap(offered, datetime.fromisoformat(offered["until"]), "alice", "dentist")
    override = {"person": "dan", "from": overridden["from"], "until": overridden["until"]}
    server.api(
        "POST",
        "/api/v1/rotas/engineering/overrides",
        json=override | {"note": "training day"},
    )
    lunch = {"by": "alice", "from": (first + timedelta(hours=4)).isoformat(), "for": "45m"}
    server.api("POST", "/api/v1/rotas/engineering/cover", json=lunch | {"note": "lunch"})
    # The escalation rota is covered around the clock, so someone can always be covered.
    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)
    server.api(
        "POST",
        "/api/v1/rotas/escalation/cover",
        json={"by": "alice", "from": soon.isoformat(), "for": "45m", "note": "lunch"},
    )
    return first


# Tenants and their tickets for the queue: (tenant, subject, priority, what the tenant wrote).
TENANTS = (("acme", "Acme Ltd", "acme.com"), ("globex", "Globex", "globex.io"))
TICKETS = (
    (
        "acme.com",
        "Apps in eu-west return 502 since the 09:00 deploy",
        "P1",
        "Every app behind the eu-west router answers 502 since about 09:00.\n"
        "Our status page is red; customers are phoning.",
    ),
    (
        "globex.io",
        "cf push fails: staging org is out of memory quota",
        "P3",
        "Pushing to staging fails with 'memory quota exceeded'.",
    ),
    (
        "initech.example",
        "Request for a Redis service broker",
        "P4",
        "Could the platform offer a managed Redis?",
    ),
    (
        "acme.com",
        "Custom domain www.acme.com does not resolve",
        None,
        "We added the domain yesterday and it still does not resolve.",
    ),
    (
        "globex.io",
        "Logs arrive about 20 minutes late",
        "P2",
        "Our log drain shows lines 20 minutes after they were written.",
    ),
)


@pytest.fixture(scope="module")
def busy_desk(server: Server, chromium: Browser) -> int:
    """Tickets from three tenants; the P1 picked up by alice, answered and noted by her on its
    page; the logs ticket waiting on its tenant. Returns the P1's number."""
    for tenant, name, domain in TENANTS:
        server.api(
            "POST", "/api/v1/tenants", json={"id": tenant, "name": name, "domains": [domain]}
        )
    numbers = []
    for domain, subject, priority, body in TICKETS:
        made = server.api(
            "POST",
            "/api/v1/tickets",
            json={"subject": subject, "body": body, "requester_email": f"ops@{domain}"},
        )
        numbers.append(int(made["id"]))
        if priority:
            reason = "impact confirmed with the tenant"
            server.api(
                "POST",
                f"/api/v1/tickets/{made['id']}/priority",
                json={"priority": priority, "reason": reason},
            )
    urgent, logs = numbers[0], numbers[-1]
    server.api("POST", f"/api/v1/tickets/{logs}/status", json={"status": "pending"})
    server.api("POST", f"/api/v1/tickets/{urgent}/followers", json={"person": "carol"})
    context = chromium.new_context(base_url=server.url, viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, "alice")
    page.goto(f"/tickets/{urgent}")
    page.get_by_label("Assignee").select_option(label="Me (Alice Archer)")
    page.get_by_role("button", name="Assign").click()
    page.get_by_label("Note for the team").fill(
        "The router pods were redeployed at 08:58; checking."
    )
    page.get_by_role("button", name="Add the note").click()
    page.get_by_label("Your reply").fill(
        "We are looking into it now: the eu-west routers were redeployed at 08:58.\n"
        "Next update within the hour."
    )
    page.get_by_role("button", name="Preview the reply").click()
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".flash")).to_contain_text("is on its way")
    context.close()
    return urgent


def shoot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_screenshot(
    new_context: Callable[..., BrowserContext], busy_week: datetime, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    expect(page.get_by_role("link", name="Bob Brown: In hours engineering support")).to_be_visible()
    expect(page.get_by_role("region", name="Break cover")).to_contain_text("Alice Archer")

    assert shoot(page, f"dashboard-{width}").stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_rota_calendar_screenshot(
    new_context: Callable[..., BrowserContext], busy_week: datetime, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto(f"/rotas/engineering?view=week&date={busy_week:%Y-%m-%d}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("In hours engineering support")
    for kind in ("swap", "override", "cover"):
        expect(page.locator(f".week .piece--{kind}")).not_to_have_count(0)

    assert shoot(page, f"calendar-{width}").stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_alerts_screenshot(new_context: Callable[..., BrowserContext], width: str):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto("/alerts")
    expect(page.get_by_role("heading", level=1, name="Open alerts")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge alert 1")).to_be_visible()

    assert shoot(page, f"alerts-{width}").stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_ticket_queue_screenshot(
    new_context: Callable[..., BrowserContext], busy_desk: int, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto("/tickets")
    expect(page.get_by_role("heading", level=1, name="Tickets")).to_be_visible()
    expect(page.locator("table.queue tbody tr")).to_have_count(len(TICKETS) + 1)

    assert shoot(page, f"tickets-{width}").stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_ticket_screenshot(new_context: Callable[..., BrowserContext], busy_desk: int, width: str):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto(f"/tickets/{busy_desk}")
    expect(page.locator(".message")).to_have_count(3)

    assert shoot(page, f"ticket-{width}").stat().st_size > 0


@pytest.fixture(scope="module")
def busy_incident(server: Server) -> int:
    """The incident `seed` declares on the disk alert and the 502 ticket, an hour in: entries
    backfilled, an update sent to tenants, the engineer checked on, the document filled in.
    Returns its number."""
    incident = 1
    earlier = datetime.now(UTC) - timedelta(minutes=50)
    for minutes, text in (
        (0, "Disk on db-1 at 93%: writes to the API's database slow down"),
        (6, "Tenants in eu-west report 502s on cf push"),
        (14, "Moved the WAL archive to the new volume; disk at 71%"),
    ):
        at = (earlier + timedelta(minutes=minutes)).isoformat()
        server.api(
            "POST", f"/api/v1/incidents/{incident}/timeline", json={"text": text, "occurred_at": at}
        )
    server.api(
        "POST",
        f"/api/v1/incidents/{incident}/updates",
        json={"text": "We know deploys to eu-west fail with 502 and are fixing the database disk."},
    )
    server.api("POST", f"/api/v1/incidents/{incident}/checks", json={"all_ok": True})
    document = server.api("GET", f"/api/v1/incidents/{incident}/document")
    text = document["text"].replace(
        "What is happening, in two or three sentences a tenant-facing colleague can repeat.",
        "The database behind the Platform API ran short of disk; its writes slowed and deploys"
        " in eu-west failed with 502. Space is freed and deploys are recovering.",
    )
    server.api(
        "PUT",
        f"/api/v1/incidents/{incident}/document",
        json={"text": text, "base_version": document["version"]},
    )
    return incident


@pytest.mark.parametrize("width", WIDTHS)
def test_incident_screenshot(
    new_context: Callable[..., BrowserContext], busy_incident: int, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto(f"/incidents/{busy_incident}")
    expect(page.locator(".incident-document")).to_contain_text("ran short of disk")
    expect(page.locator(".timeline__entry")).not_to_have_count(0)

    assert shoot(page, f"incident-{width}").stat().st_size > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_status_page_screenshot(
    new_context: Callable[..., BrowserContext], published: dict[str, str], width: str
):
    page = new_context(viewport=WIDTHS[width], java_script_enabled=False).new_page()
    page.goto("/status/")
    expect(page.locator(".overall")).to_have_text("Partial System Outage")
    expect(page.get_by_role("heading", name="Database upgrade")).to_be_visible()

    assert shoot(page, f"status-page-{width}").stat().st_size > 0


# CI's week for the builds page and the handover: (job, build, status, commit, days ago).
BUILDS = (
    ("deploy-prod", "311", "failed", "9f3c1e2", 5.9),
    ("deploy-prod", "312", "failed", "b47d0aa", 5.5),
    ("deploy-prod", "313", "succeeded", "c01ffee", 5.2),
    ("acceptance-tests", "1207", "failed", "d1e2f3a", 4.1),
    ("acceptance-tests", "1207", "succeeded", "d1e2f3a", 4.0),
    ("unit-tests", "2050", "succeeded", "e5a6b7c", 3.0),
    ("smoke-tests", "88", "errored", "f00dcaf", 1.2),
    ("upgrade-cf", "42", "failed", "a1b2c3d", 0.3),
)


@pytest.fixture(scope="module")
def busy_builds(server: Server) -> None:
    """A week of the platform's builds on main: deploy-prod red for most of a day and fixed,
    a flaky acceptance run, and two jobs red now, one of them claimed by alice."""
    now = datetime.now(UTC)
    attempts: dict[str, int] = {}
    for job, build, status, sha, days_ago in BUILDS:
        attempts[build] = attempts.get(build, 0) + 1
        finished = (now - timedelta(days=days_ago)).replace(microsecond=0)
        run_cli(
            server.database_url,
            *("build", "record", "--source", "concourse", "--pipeline", "paas-cf"),
            *("--job", job, "--build-id", build, "--attempt", str(attempts[build])),
            *("--status", status, "--branch", "main", "--sha", sha),
            *("--url", f"https://ci.example.org/teams/paas/pipelines/paas-cf/jobs/{job}"),
            *("--finished-at", finished.isoformat()),
        )
    [smoke] = [s for s in server.api("GET", "/api/v1/builds/red") if s["job"] == "smoke-tests"]
    server.api("POST", f"/api/v1/builds/red/{smoke['id']}/claim", json={"person": "alice"})


@pytest.mark.parametrize("width", WIDTHS)
def test_builds_screenshot(
    new_context: Callable[..., BrowserContext], busy_builds: None, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto("/builds")
    expect(page.locator(".red-build")).to_have_count(2)

    assert shoot(page, f"builds-{width}").stat().st_size > 0


@pytest.fixture(scope="module")
def handover_report(server: Server, busy_week: datetime, busy_desk: int, busy_builds: None) -> int:
    """The latest handoff's report, made now with the command line; its number."""
    made = run_cli(server.database_url, "handover", "make")
    found = re.match(r"Handover (\d+) \(", made)
    assert found is not None, made
    return int(found.group(1))


@pytest.mark.parametrize("width", WIDTHS)
def test_handover_screenshot(
    new_context: Callable[..., BrowserContext], handover_report: int, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "alice")
    page.goto(f"/handover/{handover_report}")
    expect(page.locator("article.handover-report")).to_contain_text("Build failures")

    assert shoot(page, f"handover-{width}").stat().st_size > 0


@pytest.fixture(scope="module")
def programme(server: Server, handover_report: int) -> str:
    """The server following its own escalation feed as an external rota (after the other
    pictures, which show the example team's rotas alone)."""
    return follow_escalation(server)


@pytest.mark.parametrize("width", WIDTHS)
def test_external_rota_screenshot(
    new_context: Callable[..., BrowserContext], programme: str, width: str
):
    page = new_context(viewport=WIDTHS[width]).new_page()
    sign_in(page, "ada")
    page.goto("/rotas/programme")
    expect(page.get_by_role("region", name="External rota")).to_contain_text("Last refreshed")

    assert shoot(page, f"external-rota-{width}").stat().st_size > 0
