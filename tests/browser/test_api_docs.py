"""/docs in a real browser with every other host unreachable: Swagger UI loads from the app,
lists the API, and breaks no rule of the page's Content-Security-Policy."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, Route, expect

from tests.browser.conftest import Server


def test_the_api_docs_work_without_any_other_host(page: Page, server: Server):
    own_host = urlsplit(server.url).netloc
    elsewhere: list[str] = []
    problems: list[str] = []

    def only_our_own(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:  # as on a network with no way out
            elsewhere.append(route.request.url)
            route.abort()

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.route("**/*", only_our_own)
    page.on("console", note)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/docs")

    expect(page.get_by_role("heading", name="Dutydesk")).to_be_visible()
    expect(page.get_by_text("/api/v1/oncall").first).to_be_visible()
    assert elsewhere == []
    assert problems == []
