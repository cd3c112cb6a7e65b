"""Fetching an external rota's iCal feed over HTTP: no database, one GET and its redirects.

`fetch_feed` makes a conditional GET (If-None-Match, If-Modified-Since) and says what happened
as a value, never by raising: `FeedFetched` (the body, at most MAX_FEED_BYTES, and the new ETag
and Last-Modified), `FeedNotModified` (304), or `FeedFetchFailed` (a reason for metrics and one
message for the rota's page). docs/external-rotas.md, "Fetching", lists the rules and messages.

A feed's URL is a secret (feed_url.py): messages and log lines show it only `redacted`, and the
URL and every redirect keep `url_problem`'s rules, checked before connecting.

Sent with the standard library's http.client, as webhooks are
(docs/adr/0012-webhooks-over-http-client.md), with certificates checked against the same bundle.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from urllib.parse import quote, urljoin, urlsplit

from dutydesk import __version__
from dutydesk.external_rotas.feed import MAX_FEED_BYTES
from dutydesk.external_rotas.feed_url import DEFAULT_PORTS, redacted, url_problem
from dutydesk.notify.channels.connections import tls_context

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
CONNECT_TIMEOUT_SECONDS = 10.0
TOTAL_TIMEOUT_SECONDS = 30.0
# A validator longer than this is not kept (no real server sends one; a column holds it).
MAX_VALIDATOR_LENGTH = 512
_READ_BYTES = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Characters a request target keeps as they are; the rest (non-ASCII) is percent-encoded.
_TARGET_SAFE = "/?&=:;@!$'()*+,[]~%-._"
_CALENDAR_START = b"BEGIN:VCALENDAR"
_LEADING = b"\xef\xbb\xbf \t\r\n"  # a byte-order mark or blank lines before it, as read_feed allows
_HEADERS = {"User-Agent": f"Dutydesk/{__version__}", "Accept": "text/calendar, */*;q=0.1"}


class FetchFailure(StrEnum):
    """Why a fetch gave no feed (a label for metrics and the rota's page)."""

    URL_REFUSED = "url_refused"  # the URL breaks the rules: checked before connecting
    REDIRECT_REFUSED = "redirect_refused"  # to another host, https to http, or too many
    UNREACHABLE = "unreachable"  # no connection: refused, no such host, certificate refused
    TIMEOUT = "timeout"
    HTTP_STATUS = "http_status"  # 4xx or 5xx
    TOO_LARGE = "too_large"  # the same label as read_feed's refusal of a feed too large
    NOT_A_CALENDAR = "not_a_calendar"  # e.g. an HTML sign-in page
    BAD_ANSWER = "bad_answer"  # an answer HTTP does not allow, cut short, or not a 200


@dataclass(frozen=True, slots=True)
class FeedFetched:
    """The feed's bytes (at most the limit) and the validators to send next time."""

    body: bytes
    etag: str | None
    last_modified: str | None
    redirects: int = 0


@dataclass(frozen=True, slots=True)
class FeedNotModified:
    """304: the copy kept is current. The validators to send next time (new ones if sent)."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class FeedFetchFailed:
    """No feed this time; `message` says why, showing the URL only redacted."""

    reason: FetchFailure
    message: str
    status: int | None = None  # the HTTP status, when the server answered one


FeedFetch = FeedFetched | FeedNotModified | FeedFetchFailed


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    tls: ssl.SSLContext | None = None,
    connect_timeout_seconds: float = CONNECT_TIMEOUT_SECONDS,
    total_timeout_seconds: float = TOTAL_TIMEOUT_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> FeedFetch:
    """GET the feed at `url`, conditionally when `etag` or `last_modified` is given.

    Redirects are followed on the same host, at most MAX_REDIRECTS, never from https to http.
    `tls` is the certificate check (by default certifi's bundle, or SSL_CERT_FILE/SSL_CERT_DIR).
    The total timeout bounds the whole fetch, redirects included, from the first connection.
    """
    problem = url_problem(url)
    if problem is not None:
        return _logged(
            url,
            FeedFetchFailed(FetchFailure.URL_REFUSED, f"the feed URL {redacted(url)} {problem}"),
        )
    headers = dict(_HEADERS)
    if etag := _validator(etag):
        headers["If-None-Match"] = etag
    if last_modified := _validator(last_modified):
        headers["If-Modified-Since"] = last_modified
    request = _Request(
        headers=headers,
        old_etag=etag,
        old_last_modified=last_modified,
        tls=tls,
        connect_timeout_seconds=connect_timeout_seconds,
        total_timeout_seconds=total_timeout_seconds,
        deadline=time.monotonic() + total_timeout_seconds,
        max_bytes=max_bytes,
    )
    current = url
    for redirects in range(MAX_REDIRECTS + 1):
        outcome = request.get(current)
        if isinstance(outcome, FeedFetched):
            outcome = FeedFetched(outcome.body, outcome.etag, outcome.last_modified, redirects)
        if not isinstance(outcome, _Redirect):
            return _logged(url, outcome)
        followed = _follow(current, outcome.location)
        if isinstance(followed, FeedFetchFailed):
            return _logged(url, followed)
        current = followed
    return _logged(
        url,
        FeedFetchFailed(
            FetchFailure.REDIRECT_REFUSED,
            f"{redacted(url)} redirects more than {MAX_REDIRECTS} times",
        ),
    )


def _logged(url: str, outcome: FeedFetch) -> FeedFetch:
    """The outcome, after a log line that shows the URL redacted."""
    if isinstance(outcome, FeedFetchFailed):
        log.info(
            "external feed %s not fetched (%s): %s", redacted(url), outcome.reason, outcome.message
        )
    elif isinstance(outcome, FeedNotModified):
        log.debug("external feed %s not modified", redacted(url))
    else:
        log.debug("external feed %s fetched: %d bytes", redacted(url), len(outcome.body))
    return outcome


def _validator(value: str | None) -> str | None:
    """A stored ETag or Last-Modified fit to send back (http.client refuses line breaks)."""
    if not value or len(value) > MAX_VALIDATOR_LENGTH or not value.isprintable():
        return None
    return value


def _follow(current: str, location: str) -> str | FeedFetchFailed:
    """Where a redirect from `current` to `location` leads, if it may be followed."""
    shown = redacted(current)
    try:
        target = urljoin(current, location)
        here, there = urlsplit(current), urlsplit(target)
        there_host = there.hostname or ""
    except ValueError:
        return FeedFetchFailed(
            FetchFailure.REDIRECT_REFUSED, f"{shown} redirects to a URL that cannot be read"
        )
    if there_host != (here.hostname or ""):
        named = there_host if all(c.isprintable() and c not in " /@" for c in there_host) else "?"
        return FeedFetchFailed(
            FetchFailure.REDIRECT_REFUSED,
            f"{shown} redirects to another host, {named or '(none)'}: only redirects within "
            f"{here.hostname} are followed",
        )
    if here.scheme.lower() == "https" and there.scheme.lower() != "https":
        return FeedFetchFailed(
            FetchFailure.REDIRECT_REFUSED,
            f"{shown} redirects from https to {redacted(target)}: a feed is not fetched "
            "without TLS once it has had it",
        )
    problem = url_problem(target)
    if problem is not None:
        return FeedFetchFailed(
            FetchFailure.REDIRECT_REFUSED,
            f"{shown} redirects to {redacted(target)}, which {problem}",
        )
    return target


@dataclass(frozen=True, slots=True)
class _Request:
    """One fetch's settings, shared by its hops."""

    headers: dict[str, str]
    old_etag: str | None
    old_last_modified: str | None
    tls: ssl.SSLContext | None
    connect_timeout_seconds: float
    total_timeout_seconds: float
    deadline: float  # time.monotonic() by which the whole fetch ends
    max_bytes: int

    def get(self, url: str) -> FeedFetch | _Redirect:
        """One GET of `url` (already checked) on a connection of its own."""
        shown = redacted(url)
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        port = parts.port or DEFAULT_PORTS[scheme]
        target = quote(parts.path or "/", safe=_TARGET_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_TARGET_SAFE)
        remaining = self._remaining()
        connect_within = max(0.001, min(self.connect_timeout_seconds, remaining))
        total_binds = remaining <= self.connect_timeout_seconds  # which timeout a wait meets
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=connect_within, context=self.tls or tls_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=connect_within)
        try:
            try:
                connection.connect()
            except TimeoutError:
                return self._timeout(shown, None if total_binds else connect_within)
            except ssl.SSLCertVerificationError as error:
                return FeedFetchFailed(
                    FetchFailure.UNREACHABLE,
                    f"{shown}: its certificate was not accepted ({error.verify_message})",
                )
            except ssl.SSLError as error:
                return FeedFetchFailed(
                    FetchFailure.UNREACHABLE, f"{shown}: TLS failed ({error.reason or 'SSLError'})"
                )
            except OSError as error:
                return FeedFetchFailed(
                    FetchFailure.UNREACHABLE, f"{shown} cannot be reached: {_os_reason(error)}"
                )
            sock = connection.sock  # kept: http.client drops it once a closing answer is read
            assert isinstance(sock, socket.socket)
            try:
                self._wait_at_most(sock)
                connection.request("GET", target, headers=self.headers)
                self._wait_at_most(sock)
                response = connection.getresponse()
                return self._answer(shown, response, sock)
            except TimeoutError:
                return self._timeout(shown, None)
            except (OSError, http.client.HTTPException) as error:
                return FeedFetchFailed(
                    FetchFailure.BAD_ANSWER,
                    f"{shown}: the connection failed while fetching ({type(error).__name__})",
                )
        finally:
            connection.close()

    def _answer(
        self, shown: str, response: http.client.HTTPResponse, sock: socket.socket
    ) -> FeedFetch | _Redirect:
        status = response.status
        if status in _REDIRECT_STATUSES:
            location = response.getheader("Location")
            if not location:
                return FeedFetchFailed(
                    FetchFailure.BAD_ANSWER,
                    f"{shown} answered HTTP {status} with no Location to go to",
                    status,
                )
            return _Redirect(location)
        if status == HTTPStatus.NOT_MODIFIED:
            if self.old_etag is None and self.old_last_modified is None:
                return FeedFetchFailed(
                    FetchFailure.BAD_ANSWER,
                    f"{shown} answered 304 Not Modified to a request that was not conditional",
                    status,
                )
            return FeedNotModified(
                _validator(response.getheader("ETag")) or self.old_etag,
                _validator(response.getheader("Last-Modified")) or self.old_last_modified,
            )
        if status != HTTPStatus.OK:
            reason = FetchFailure.HTTP_STATUS if status >= 400 else FetchFailure.BAD_ANSWER
            return FeedFetchFailed(reason, f"{shown} answered HTTP {_status_text(status)}", status)
        declared = response.length  # Content-Length, or None for a chunked or open-ended body
        if declared is not None and declared > self.max_bytes:
            return FeedFetchFailed(
                FetchFailure.TOO_LARGE,
                f"{shown} sends a feed of {declared:,} bytes (its Content-Length), more than the "
                f"limit of {self.max_bytes:,}: it was not read",
            )
        body = bytearray()
        calendar: bool | None = None  # undecided until the first characters have come
        while True:
            self._wait_at_most(sock)
            chunk = response.read1(min(_READ_BYTES, self.max_bytes + 1 - len(body)))
            if not chunk:
                break
            body += chunk
            if len(body) > self.max_bytes:
                return FeedFetchFailed(
                    FetchFailure.TOO_LARGE,
                    f"{shown} sends a feed of more than {self.max_bytes:,} bytes, the limit: it "
                    "was cut off there",
                )
            if calendar is None:
                calendar = _starts_as_calendar(body)
            if calendar is False:
                break  # no need to read the rest of a sign-in page
        if calendar is None:
            calendar = _starts_as_calendar(body) or False
        if not calendar:
            return FeedFetchFailed(
                FetchFailure.NOT_A_CALENDAR, _not_a_calendar(shown, response, body)
            )
        if response.length:  # the server closed before sending what it declared
            return FeedFetchFailed(
                FetchFailure.BAD_ANSWER,
                f"{shown} closed the connection {response.length:,} bytes before the end of "
                "the feed",
            )
        return FeedFetched(
            bytes(body),
            _validator(response.getheader("ETag")),
            _validator(response.getheader("Last-Modified")),
        )

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _wait_at_most(self, sock: socket.socket) -> None:
        """Let the next socket operation wait only until the deadline (TimeoutError once past)."""
        remaining = self._remaining()
        if remaining <= 0:
            raise TimeoutError
        sock.settimeout(remaining)

    def _timeout(self, shown: str, connect_within: float | None) -> FeedFetchFailed:
        if connect_within is not None:
            message = f"{shown}: no connection within {connect_within:g} s (the connect timeout)"
        else:
            message = (
                f"{shown}: the feed did not come within {self.total_timeout_seconds:g} s "
                "(the total timeout)"
            )
        return FeedFetchFailed(FetchFailure.TIMEOUT, message)


def _starts_as_calendar(body: bytes | bytearray) -> bool | None:
    """Whether the body starts as an iCalendar does; None until enough of it has come."""
    text = bytes(body[: 4 * 1024]).lstrip(_LEADING)
    if len(text) < len(_CALENDAR_START):
        return None if len(body) < 4 * 1024 else False
    return text[: len(_CALENDAR_START)].upper() == _CALENDAR_START


def _not_a_calendar(shown: str, response: http.client.HTTPResponse, body: bytearray) -> str:
    content_type = _printable(response.getheader("Content-Type") or "no Content-Type", 60)
    if not body.strip():
        return f"{shown} answered an empty body, not an iCalendar feed"
    html = bytes(body[:64]).lstrip(_LEADING)[:1] == b"<"
    hint = (
        ": it looks like a web page (a sign-in page?), not the feed's own address" if html else ""
    )
    return (
        f"{shown} did not send an iCalendar feed (no BEGIN:VCALENDAR at the start; "
        f"{content_type}){hint}"
    )


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _os_reason(error: OSError) -> str:
    """An OSError in words, without its arguments (which can hold the host and path)."""
    if isinstance(error, socket.gaierror):
        return "no such host"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return error.strerror or type(error).__name__


def _printable(text: str, limit: int) -> str:
    cleaned = "".join(c if c.isprintable() else "?" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
