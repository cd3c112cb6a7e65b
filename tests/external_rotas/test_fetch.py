"""Fetching an external rota's feed against a real local HTTP server: conditional GETs, the size
limit, redirects, https, timeouts, answers that are not a feed, and the URL kept secret."""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.loopback import free_port

from dutydesk.errors import Invalid
from dutydesk.external_rotas.feed import MAX_FEED_BYTES
from dutydesk.external_rotas.feed_url import check_feed_url, is_loopback, redacted
from dutydesk.external_rotas.fetch import (
    MAX_REDIRECTS,
    FeedFetched,
    FeedFetchFailed,
    FeedNotModified,
    FetchFailure,
    fetch_feed,
)
from tests.external_rotas.feed_server import (
    FEEDS,
    FeedServer,
    answer,
    calendar_answer,
    cut_short,
    declared_but_held,
    endless_chunks,
    feed_server,
    held,
    redirect,
)
from tests.notify.servers import make_certificate

FEED = (FEEDS / "pagerduty.ics").read_bytes()
# Shaped like a real feed's address: the key to the calendar is in the path and the query.
SECRET_PATH = "/private/s3cr3t-k3y-7f9a2c41e8/schedule.ics"
SECRET_QUERY = "token=hunter2-0b5d9e"
LAST_MODIFIED = "Wed, 18 Mar 2026 10:00:00 GMT"
SIGN_IN_PAGE = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>...</body></html>"


def secret_url(server: FeedServer, host: str = "127.0.0.1") -> str:
    return server.url(f"{SECRET_PATH}?{SECRET_QUERY}", host)


def failed(outcome: object) -> FeedFetchFailed:
    assert isinstance(outcome, FeedFetchFailed), outcome
    return outcome


# Conditional GETs


def test_a_feed_comes_with_its_etag_and_is_not_modified_when_the_etag_still_matches(server):
    def route(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            answer(304, headers={"ETag": '"v1"'})(handler)
        else:
            calendar_answer(FEED, {"ETag": '"v1"'})(handler)

    server.routes[SECRET_PATH] = route
    first = fetch_feed(secret_url(server))
    assert first == FeedFetched(FEED, etag='"v1"', last_modified=None)

    second = fetch_feed(secret_url(server), etag='"v1"')
    assert second == FeedNotModified(etag='"v1"', last_modified=None)
    assert "if-none-match" not in server.seen[0].headers
    assert server.seen[1].headers["if-none-match"] == '"v1"'
    assert server.seen[1].path == f"{SECRET_PATH}?{SECRET_QUERY}"


def test_last_modified_is_sent_back_and_kept_when_the_304_does_not_repeat_it(server):
    def route(handler):
        if handler.headers.get("If-Modified-Since") == LAST_MODIFIED:
            answer(304)(handler)
        else:
            calendar_answer(FEED, {"Last-Modified": LAST_MODIFIED})(handler)

    server.routes[SECRET_PATH] = route
    first = fetch_feed(secret_url(server))
    assert isinstance(first, FeedFetched)
    assert (first.etag, first.last_modified) == (None, LAST_MODIFIED)

    second = fetch_feed(secret_url(server), etag='"old"', last_modified=LAST_MODIFIED)
    assert second == FeedNotModified(etag='"old"', last_modified=LAST_MODIFIED)
    assert server.seen[1].headers["if-modified-since"] == LAST_MODIFIED


def test_a_304_to_a_request_that_was_not_conditional_is_a_bad_answer(server):
    server.routes[SECRET_PATH] = answer(304)
    outcome = failed(fetch_feed(secret_url(server)))
    assert outcome.reason is FetchFailure.BAD_ANSWER
    assert "304 Not Modified to a request that was not conditional" in outcome.message


def test_a_changed_feed_brings_new_validators_and_drops_the_old_ones(server):
    server.routes[SECRET_PATH] = calendar_answer(FEED)
    assert fetch_feed(secret_url(server), etag='"v1"', last_modified=LAST_MODIFIED) == (
        FeedFetched(FEED, etag=None, last_modified=None)
    )


# The size limit


def test_a_feed_whose_content_length_is_over_the_limit_is_refused_before_its_body_is_read(
    server,
):
    # The server sends 16 bytes of the 10 GiB it declares and then holds: a client that read
    # the body would wait for the timeout instead.
    server.routes[SECRET_PATH] = declared_but_held(10 * 1024**3, FEED[:16], server.release)
    outcome = failed(fetch_feed(secret_url(server), total_timeout_seconds=10))
    assert outcome.reason is FetchFailure.TOO_LARGE
    assert outcome.message == (
        f"{redacted(secret_url(server))} sends a feed of 10,737,418,240 bytes (its "
        "Content-Length), more than the limit of 5,242,880: it was not read"
    )


def test_a_chunked_feed_is_cut_off_at_the_limit(server):
    server.routes[SECRET_PATH] = endless_chunks(FEED[:200])
    outcome = failed(fetch_feed(secret_url(server)))
    assert outcome.reason is FetchFailure.TOO_LARGE
    assert outcome.message.endswith(
        f"sends a feed of more than {MAX_FEED_BYTES:,} bytes, the limit: it was cut off there"
    )


def test_a_feed_of_exactly_the_limit_is_read_whole(server):
    body = FEED + b"\r\n" * ((1000 - len(FEED)) // 2)
    server.routes[SECRET_PATH] = calendar_answer(body)
    outcome = fetch_feed(secret_url(server), max_bytes=len(body))
    assert isinstance(outcome, FeedFetched) and outcome.body == body
    over = failed(fetch_feed(secret_url(server), max_bytes=len(body) - 1))
    assert over.reason is FetchFailure.TOO_LARGE


def test_a_body_cut_short_of_its_content_length_is_not_taken_as_the_feed(server):
    server.routes[SECRET_PATH] = cut_short(len(FEED), FEED[:300])
    outcome = failed(fetch_feed(secret_url(server)))
    assert outcome.reason is FetchFailure.BAD_ANSWER
    assert f"closed the connection {len(FEED) - 300:,} bytes before the end" in outcome.message


# Redirects


def test_a_redirect_on_the_same_host_is_followed(server):
    server.routes["/old"] = redirect(SECRET_PATH + "?" + SECRET_QUERY, 301)
    server.routes[SECRET_PATH] = calendar_answer(FEED, {"ETag": '"v2"'})
    outcome = fetch_feed(server.url("/old"))
    assert outcome == FeedFetched(FEED, etag='"v2"', last_modified=None, redirects=1)
    assert server.paths_seen() == ["/old", f"{SECRET_PATH}?{SECRET_QUERY}"]


def test_a_redirect_to_another_host_is_refused_naming_the_host(server):
    # 127.0.0.1 and localhost are two hosts to the client, though one server here.
    server.routes["/feed"] = redirect(secret_url(server, host="localhost"))
    outcome = failed(fetch_feed(server.url("/feed")))
    assert outcome.reason is FetchFailure.REDIRECT_REFUSED
    assert outcome.message == (
        f"http://127.0.0.1:{server.port}/… redirects to another host, localhost: only "
        "redirects within 127.0.0.1 are followed"
    )
    assert server.paths_seen() == ["/feed"]


def test_a_redirect_loop_stops_after_the_most_redirects(server):
    server.routes["/loop"] = redirect("/loop", 307)
    outcome = failed(fetch_feed(server.url("/loop")))
    assert outcome.reason is FetchFailure.REDIRECT_REFUSED
    assert outcome.message.endswith(f"redirects more than {MAX_REDIRECTS} times")
    assert len(server.seen) == MAX_REDIRECTS + 1


def test_a_redirect_without_a_location_is_a_bad_answer(server):
    server.routes["/feed"] = answer(302)
    outcome = failed(fetch_feed(server.url("/feed")))
    assert (outcome.reason, outcome.status) == (FetchFailure.BAD_ANSWER, 302)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate) -> Iterator[FeedServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with feed_server(tls=context) as started:
        yield started


@pytest.fixture
def trusting(certificate) -> ssl.SSLContext:
    """A certificate check that trusts the test certificate (as SSL_CERT_FILE would)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


def test_an_https_feed_is_fetched_with_its_certificate_checked(tls_server, trusting):
    tls_server.routes[SECRET_PATH] = calendar_answer(FEED)
    assert fetch_feed(secret_url(tls_server), tls=trusting) == FeedFetched(FEED, None, None)
    untrusted = failed(fetch_feed(secret_url(tls_server), tls=ssl.create_default_context()))
    assert untrusted.reason is FetchFailure.UNREACHABLE
    assert "its certificate was not accepted (self-signed certificate)" in untrusted.message


def test_a_redirect_from_https_to_http_is_refused_even_on_loopback(tls_server, trusting, server):
    tls_server.routes["/feed"] = redirect(secret_url(server), 308)
    server.routes[SECRET_PATH] = calendar_answer(FEED)
    outcome = failed(fetch_feed(tls_server.url("/feed"), tls=trusting))
    assert outcome.reason is FetchFailure.REDIRECT_REFUSED
    assert outcome.message == (
        f"https://127.0.0.1:{tls_server.port}/… redirects from https to "
        f"{redacted(secret_url(server))}: a feed is not fetched without TLS once it has had it"
    )
    assert server.seen == []


# Timeouts and servers that fail


def test_a_server_that_holds_its_answer_meets_the_total_timeout(server):
    server.routes[SECRET_PATH] = held(server.release)
    outcome = failed(fetch_feed(secret_url(server), total_timeout_seconds=0.3))
    assert outcome.reason is FetchFailure.TIMEOUT
    assert outcome.message == (
        f"{redacted(secret_url(server))}: the feed did not come within 0.3 s (the total timeout)"
    )


def test_a_server_that_accepts_no_connection_meets_the_connect_timeout():
    # A listener that never accepts, its queue filled first: the kernel leaves a further
    # connection unanswered, as a host behind a dropping firewall does.
    port = free_port()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen(0)
        fillers = [socket.socket() for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
            outcome = failed(
                fetch_feed(f"http://127.0.0.1:{port}/feed", connect_timeout_seconds=0.3)
            )
        finally:
            for filler in fillers:
                filler.close()
    assert outcome.reason is FetchFailure.TIMEOUT
    assert outcome.message == (
        f"http://127.0.0.1:{port}/…: no connection within 0.3 s (the connect timeout)"
    )


@pytest.mark.parametrize(
    ("status", "shown"),
    [(404, "404 Not Found"), (410, "410 Gone"), (500, "500 Internal Server Error"), (599, "599")],
)
def test_an_error_status_is_a_failure_with_the_status(server, status, shown):
    server.routes[SECRET_PATH] = answer(status, b"<html>oops</html>")
    outcome = failed(fetch_feed(secret_url(server)))
    assert (outcome.reason, outcome.status) == (FetchFailure.HTTP_STATUS, status)
    assert outcome.message == f"{redacted(secret_url(server))} answered HTTP {shown}"


def test_a_200_that_is_not_a_feed_but_a_2xx_is_a_bad_answer(server):
    server.routes[SECRET_PATH] = answer(204)
    outcome = failed(fetch_feed(secret_url(server)))
    assert (outcome.reason, outcome.status) == (FetchFailure.BAD_ANSWER, 204)
    assert outcome.message.endswith("answered HTTP 204 No Content")


def test_nothing_listening_is_unreachable():
    outcome = failed(fetch_feed(f"http://127.0.0.1:{free_port()}{SECRET_PATH}"))
    assert outcome.reason is FetchFailure.UNREACHABLE
    assert outcome.message.endswith("cannot be reached: connection refused")


# Answers that are not a calendar


def test_an_html_sign_in_page_is_not_a_calendar(server):
    server.routes[SECRET_PATH] = answer(200, SIGN_IN_PAGE, {"Content-Type": "text/html"})
    outcome = failed(fetch_feed(secret_url(server)))
    assert outcome.reason is FetchFailure.NOT_A_CALENDAR
    assert outcome.message == (
        f"{redacted(secret_url(server))} did not send an iCalendar feed (no BEGIN:VCALENDAR at "
        "the start; text/html): it looks like a web page (a sign-in page?), not the feed's own "
        "address"
    )


@pytest.mark.parametrize(
    ("body", "fetched"),
    [
        (b"\xef\xbb\xbf\r\n" + FEED, True),  # a byte-order mark and a blank line first
        (FEED.replace(b"BEGIN:VCALENDAR", b"begin:vcalendar", 1), True),
        (b"", False),
        (b'{"error": "not found"}', False),
        (b" " * 5000 + FEED, False),  # no calendar within the first 4 KiB
    ],
)
def test_what_counts_as_a_calendar(server, body, fetched):
    server.routes[SECRET_PATH] = answer(200, body)
    outcome = fetch_feed(secret_url(server))
    assert isinstance(outcome, FeedFetched) is fetched
    if not fetched:
        assert failed(outcome).reason is FetchFailure.NOT_A_CALENDAR


# URLs refused before connecting


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to look up or connect to a host fails the test."""

    def tripwire(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "getaddrinfo", tripwire)
    monkeypatch.setattr(socket, "create_connection", tripwire)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "http://calendar.example.org" + SECRET_PATH,
            "must use https (http only to a loopback address: 127.0.0.1, ::1 or localhost)",
        ),
        (
            "http://10.1.2.3" + SECRET_PATH,
            "must use https (http only to a loopback address: 127.0.0.1, ::1 or localhost)",
        ),
        (
            "https://alice:hunter2@calendar.example.org" + SECRET_PATH,
            "has a user name or password in it (user:pass@), which is not sent: a feed's key "
            "goes in its path or query",
        ),
        (
            "webcal://calendar.example.org" + SECRET_PATH,
            "uses webcal://, which calendar apps read as https://: write https:// instead",
        ),
        ("ftp://calendar.example.org" + SECRET_PATH, "must be an https:// URL"),
        ("https://" + SECRET_PATH, "has no host"),
        ("https://calendar.example.org/" + "k" * 2100, "is longer than 2,048 characters"),
        ("https://calendar.example.org/a b", "has spaces or control characters in it"),
        ("https://calendar.example.org/a\nb", "has spaces or control characters in it"),
        ("https://calendar.example.org:99999/x", "cannot be read as a URL (its host or port)"),
    ],
)
def test_a_url_that_breaks_the_rules_is_refused_before_connecting(no_connections, url, problem):
    outcome = failed(fetch_feed(url))
    assert outcome.reason is FetchFailure.URL_REFUSED
    assert outcome.message == f"the feed URL {redacted(url)} {problem}"
    with pytest.raises(Invalid) as refused:
        check_feed_url(url)
    assert refused.value.message == outcome.message
    assert "hunter2" not in outcome.message and "s3cr3t" not in outcome.message


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.pagerduty.com/private/0123456789abcdef/feed",
        "https://calendar.google.com/calendar/ical/x%40group.calendar.google.com/private-abc/basic.ics",
        "HTTPS://Calendar.Example.org/feed.ics?key=abc",
        "http://127.0.0.1:8080/feed",
        "http://127.9.9.9/feed",
        "http://localhost:8080/feed",
        "http://LOCALHOST/feed",
        "http://[::1]:8080/feed",
        "https://[2001:db8::1]/feed",
        "https://calendar.example.org/caf%C3%A9/ä.ics",
    ],
)
def test_urls_a_feed_may_have(url):
    assert check_feed_url(url) == url


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("128.0.0.1", False),
        ("localhost.example.org", False),
        ("2130706433", False),  # 127.0.0.1 as a number: not taken for it
        ("10.0.0.1", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


# How a URL is shown


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://acme.pagerduty.com/private/0123456789abcdefa1b2/feed", "https://acme.pagerduty.com/…feed"),
        ("https://acme.pagerduty.com/private/feed.ics?key=77d0c0a1b2", "https://acme.pagerduty.com/…a1b2"),
        ("https://calendar.google.com/calendar/ical/team%40example.org/private-9f8e7d/basic.ics", "https://calendar.google.com/….ics"),
        ("https://Calendar.Example.ORG:8443/a/long/secret/path/x", "https://calendar.example.org:8443/…th/x"),
        ("https://alice:hunter2@calendar.example.org/feed.ics?k=0123456789", "https://calendar.example.org/…6789"),
        ("https://calendar.example.org/short", "https://calendar.example.org/…"),
        ("https://calendar.example.org/", "https://calendar.example.org/"),
        ("https://calendar.example.org", "https://calendar.example.org/"),
        ("https://calendar.example.org/feed#fragment-secret-1234", "https://calendar.example.org/…"),
        ("http://[::1]:8080/private/0123456789abcdef", "http://[::1]:8080/…cdef"),
        ("webcal://acme.pagerduty.com/private/0123456789abcdef", "webcal://acme.pagerduty.com/…cdef"),
        ("acme.pagerduty.com/private/0123456789abcdef", "…cdef"),
        ("s3cr3t", "…"),
        ("https://[::1/feed", "(an unreadable URL)"),
        ("https://calendar.example.org:99999/feed", "(an unreadable URL)"),
    ],
)  # fmt: skip
def test_how_a_url_is_shown(url, shown):
    assert redacted(url) == shown


def test_a_redacted_url_hides_all_but_four_characters_of_a_long_secret():
    for length in range(0, 60):
        secret = "".join(chr(ord("a") + i % 26) for i in range(length))
        shown = redacted(f"https://calendar.example.org/{secret}")
        hidden = shown.removeprefix("https://calendar.example.org/").lstrip("…")
        assert len(hidden) <= 4
        assert length < 16 or hidden == secret[-4:]


# The URL is a secret


def test_the_whole_url_is_in_no_outcome_and_no_log_line(server, tls_server, trusting, caplog):
    caplog.set_level(logging.DEBUG)
    plain, tls = server.url(""), tls_server.url("")
    answers = {
        "ok": calendar_answer(FEED),
        "304": answer(304),
        "404": answer(404),
        "html": answer(200, SIGN_IN_PAGE, {"Content-Type": "text/html"}),
        "elsewhere": redirect(secret_url(server, host="localhost")),
        "big": declared_but_held(10 * 1024**3, FEED[:16], server.release),
        "held": held(server.release),
    }
    for name, route in answers.items():
        server.routes[f"/{name}{SECRET_PATH}"] = route
    tls_server.routes[f"/down{SECRET_PATH}"] = redirect(secret_url(server))

    def at(base: str, name: str) -> str:
        return f"{base}/{name}{SECRET_PATH}?{SECRET_QUERY}"

    fetches = [
        fetch_feed(at(plain, "ok")),
        fetch_feed(at(plain, "304"), etag='"x"'),
        fetch_feed(at(plain, "404")),
        fetch_feed(at(plain, "html")),
        fetch_feed(at(plain, "elsewhere")),
        fetch_feed(at(plain, "big")),
        fetch_feed(at(plain, "held"), total_timeout_seconds=0.2),
        fetch_feed(at(tls, "down"), tls=trusting),
        fetch_feed(at(tls, "down")),  # the certificate is refused
        fetch_feed(at(f"http://127.0.0.1:{free_port()}", "gone")),
        fetch_feed(at("http://calendar.example.org", "plain")),
        fetch_feed(at("https://alice:hunter2@calendar.example.org", "signed-in")),
    ]
    assert [type(outcome).__name__ for outcome in fetches[:2]] == ["FeedFetched", "FeedNotModified"]
    messages = [failed(outcome).message for outcome in fetches[2:]]
    told = "\n".join([*messages, caplog.text])
    assert "s3cr3t" not in told and "hunter2" not in told
    assert len(caplog.records) == len(fetches)
    for name in ("ok", "404", "big"):
        assert redacted(at(plain, name)) in caplog.text
