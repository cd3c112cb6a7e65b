"""Logging set-up, with the secrets some URLs carry kept out of the access log."""

from __future__ import annotations

import logging
import re

# /ical/rotas/engineering/<secret>.ics keeps the rota's name and loses the secret.
_FEED_SECRET_RE = re.compile(r"(/ical/(?:rotas|people)/[^/\s]+/)[^/\s?]+(\.ics)")
# Monitoring webhooks and heartbeat pings carry their integration key or token in the path, and
# a page's action link its signed token: each acts on alerts for whoever holds it.
_PATH_SECRET_RE = re.compile(r"(/hooks/[a-z]+/|/act/)[^/\s?\"]+")


def redact(text: str) -> str:
    """The text with any secret in a URL path (feeds, webhooks, pings, links) replaced by '…'."""
    return _PATH_SECRET_RE.sub(r"\1…", _FEED_SECRET_RE.sub(r"\1…\2", text))


class RedactFeedSecrets(logging.Filter):
    """Hide the secrets in request paths: whoever reads the logs must not get the calendars,
    nor send alerts, ping heartbeats or act on pages."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def configure_logging(level: str) -> None:
    """Log Dutydesk's own messages to stderr at `level`."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
