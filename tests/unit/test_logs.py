"""Secrets in URL paths stay out of the access log."""

from __future__ import annotations

import logging

import pytest

from dutydesk.logs import RedactFeedSecrets, redact


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (
            '"GET /ical/rotas/engineering/s3cr3t.ics HTTP/1.1" 200',
            '"GET /ical/rotas/engineering/….ics HTTP/1.1" 200',
        ),
        (
            '"POST /hooks/alertmanager/0123abcd HTTP/1.1" 200',
            '"POST /hooks/alertmanager/… HTTP/1.1" 200',
        ),
        ('"POST /hooks/grafana/0123abcd HTTP/1.1" 200', '"POST /hooks/grafana/… HTTP/1.1" 200'),
        (
            '"GET /hooks/heartbeat/Tok_en-1?x=1 HTTP/1.1" 200',
            '"GET /hooks/heartbeat/…?x=1 HTTP/1.1" 200',
        ),
        ('"POST /act/eyJ1.abc-_ HTTP/1.1" 303', '"POST /act/… HTTP/1.1" 303'),
        ('"GET /alerts/7 HTTP/1.1" 200', '"GET /alerts/7 HTTP/1.1" 200'),
    ],
)
def test_secrets_in_paths_are_replaced(line, shown):
    assert redact(line) == shown


def test_the_filter_redacts_uvicorns_access_log_arguments():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "POST", "/act/tok.en", "1.1", 303),
        None,
    )
    RedactFeedSecrets().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "POST /act/… HTTP/1.1" 303'
