"""Logging set-up, with calendar feed secrets kept out of the access log."""

from __future__ import annotations

import logging
import re

# /ical/rotas/engineering/<secret>.ics keeps the rota's name and loses the secret.
_FEED_SECRET_RE = re.compile(r"(/ical/(?:rotas|people)/[^/\s]+/)[^/\s?]+(\.ics)")


def redact(text: str) -> str:
    """The text with any calendar feed secret replaced by '…'."""
    return _FEED_SECRET_RE.sub(r"\1…\2", text)


class RedactFeedSecrets(logging.Filter):
    """Hide feed secrets in request paths: whoever reads the logs must not get the calendars."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def configure_logging(level: str) -> None:
    """Log Dutydesk's own messages to stderr at `level`."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
