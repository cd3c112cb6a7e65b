"""Logging set-up, with the secrets some URLs carry kept out of the logs.

What is redacted (docs/operations.md, "What the logs never show"):
- the secret path segment of calendar feeds, monitoring webhooks, heartbeat pings and action
  links, in any letter case (a wrongly cased URL is refused, but it is still logged);
- every query value on those paths and on the Events API;
- anywhere else, the value of any query parameter whose name could be a credential's (token,
  key, secret, password, signature, auth, session, code…);
- anything shaped like an API token (`ddk_…`), wherever it appears.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

HIDDEN = "…"
# /ical/rotas/engineering/<secret>.ics keeps the rota's name and loses the secret.
_FEED_SECRET_RE = re.compile(
    r"(/ical/[^/\s?\"]+/[^/\s?\"]+/)[^/\s?\"]+?(\.ics)?(?=[/\s?\"]|$)", re.I
)
# Monitoring webhooks and heartbeat pings carry their integration key or token in the path, and
# a page's action link its signed token: each acts on alerts for whoever holds it.
_PATH_SECRET_RE = re.compile(r"(/hooks/[^/\s?\"]+/|/act/)[^/\s?\"]+", re.I)
# Paths whose query values are all hidden: whatever a sender adds there may be its credential.
_SECRET_BEARING_RE = re.compile(r"/(ical|hooks|act|v2|feeds)(/|$)", re.I)
_CREDENTIAL_NAME_RE = re.compile(
    r"token|key|secret|pass|pwd|sig|auth|session|cookie|credential|code|jwt|bearer|otp", re.I
)
# A path (or full URL) followed by its query: the query is looked at parameter by parameter.
_URL_WITH_QUERY_RE = re.compile(r"(?P<path>[^\s?\"]*)\?(?P<query>[^\s\"#]*)")
_API_TOKEN_RE = re.compile(r"ddk_[A-Za-z0-9_-]{8,}")
# What each pattern above needs in order to match at all: a query, a feed, webhook or action
# path, or a token's prefix. Most lines (an access-log line for each request) have none of them,
# and this one search spares them the four substitutions.
_MAY_HOLD_SECRET_RE = re.compile(r"\?|ddk_|/(?:ical|hooks|act)/", re.I)


def redact(text: str) -> str:
    """The text with every secret a URL in it may carry replaced by '…'."""
    if _MAY_HOLD_SECRET_RE.search(text) is None:
        return text
    return _redact_all(text)


def _redact_all(text: str) -> str:
    text = _URL_WITH_QUERY_RE.sub(_redact_query, text)
    text = _FEED_SECRET_RE.sub(lambda m: m.group(1) + HIDDEN + (m.group(2) or ""), text)
    text = _PATH_SECRET_RE.sub(r"\1" + HIDDEN, text)
    return _API_TOKEN_RE.sub("ddk_" + HIDDEN, text)


def _redact_query(match: re.Match[str]) -> str:
    path, query = match.group("path"), match.group("query")
    hide_all = _SECRET_BEARING_RE.search(unquote_plus(path)) is not None
    parts = []
    for pair in re.split(r"([&;])", query):
        name, equals, _value = pair.partition("=")
        if pair in ("&", ";") or not equals:
            parts.append(pair)
        elif hide_all or _CREDENTIAL_NAME_RE.search(unquote_plus(name)):
            parts.append(f"{name}={HIDDEN}")
        else:
            parts.append(pair)
    return f"{path}?{''.join(parts)}"


class RedactSecrets(logging.Filter):
    """Hide the secrets in request URLs: whoever reads the logs must not get the calendars,
    nor use a token, send alerts, ping heartbeats or act on pages."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_handlers(*logger_names: str) -> None:
    """Put the redaction on the loggers' handlers, so it also covers records that reach them
    from child loggers (a logger's own filters see only records logged to it directly)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


def configure_logging(level: str) -> None:
    """Log Dutydesk's own messages to stderr at `level`, with URL secrets redacted."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    redact_handlers("")
