"""Secrets in URL paths stay out of the access log."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutydesk.logs import RedactSecrets, _redact_all, redact


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
            '"GET /hooks/heartbeat/…?x=… HTTP/1.1" 200',
        ),
        ('"POST /act/eyJ1.abc-_ HTTP/1.1" 303', '"POST /act/… HTTP/1.1" 303'),
        ('"GET /alerts/7 HTTP/1.1" 200', '"GET /alerts/7 HTTP/1.1" 200'),
        # A portal sign-in link's token.
        (
            '"GET /portal/link?token=Abc-_123 HTTP/1.1" 200',
            '"GET /portal/link?token=… HTTP/1.1" 200',
        ),
        # Any letter case: refused by the routes, but logged all the same.
        (
            '"GET /ical/rotas/eng/S3CR3T.ICS HTTP/1.1" 404',
            '"GET /ical/rotas/eng/….ICS HTTP/1.1" 404',
        ),
        ('"GET /ICAL/People/bob/s3cr3t HTTP/1.1" 404', '"GET /ICAL/People/bob/… HTTP/1.1" 404'),
        ('"POST /Hooks/Generic/0123abcd HTTP/1.1" 404', '"POST /Hooks/Generic/… HTTP/1.1" 404'),
        ('"GET /ACT/eyJ1.abc HTTP/1.1" 404', '"GET /ACT/… HTTP/1.1" 404'),
        # Credential-named query values anywhere; the others kept.
        (
            '"GET /api/v1/oncall?at=2026-01-14&token=ddk_abcdefghijkl HTTP/1.1" 401',
            '"GET /api/v1/oncall?at=2026-01-14&token=… HTTP/1.1" 401',
        ),
        (
            "/api/v1/alerts?status=triggered&API_KEY=x1&routing_key=x2&access_token=x3"
            "&Signature=x4&auth=x5&password=x6&client_secret=x7&%74oken=x8&sessionid=x9",
            "/api/v1/alerts?status=triggered&API_KEY=…&routing_key=…&access_token=…"
            "&Signature=…&auth=…&password=…&client_secret=…&%74oken=…&sessionid=…",
        ),
        # Every query value on the paths that carry secrets.
        (
            '"GET /hooks/heartbeat/t?x=1&y HTTP/1.1" 200',
            '"GET /hooks/heartbeat/…?x=…&y HTTP/1.1" 200',
        ),
        ('"POST /v2/enqueue?rk=abc HTTP/1.1" 202', '"POST /v2/enqueue?rk=… HTTP/1.1" 202'),
        # An API token wherever it shows.
        ("/api/v1/people?q=ddk_abcdefghijkl", "/api/v1/people?q=ddk_…"),
        ("https://dutydesk.test/act/eyJ1.abc", "https://dutydesk.test/act/…"),
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
    RedactSecrets().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "POST /act/… HTTP/1.1" 303'


# Pieces of the URLs the patterns look for, in several letter cases (ſ, K and İ are the
# letters that match s, k and i when case is ignored), and the characters that end them.
_ENDS = '/?&=;#" '
_PATHS = (".ics", ".ICS", "ical", "ICAL", "hooks", "Hooks", "act", "ACT", "v2", "feeds")
_OTHERS = ("ddk_", "DDK_", "abcdefgh", "token", "Key", "%74", "x", "\u017f", "\u212a", "\u0130")
_PIECES = [*_ENDS, *_PATHS, *_OTHERS]


@given(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join))
def test_lines_skipped_for_having_nothing_to_hide_are_those_the_patterns_leave_alone(text):
    assert redact(text) == _redact_all(text)
