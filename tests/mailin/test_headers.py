"""Header values read into one line, addresses and a date, whatever the sender wrote."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dutydesk.mailin.headers import (
    Headers,
    decode_words,
    header_text,
    raw_text,
    read_addresses,
    read_date,
)
from dutydesk.mailin.results import Address


@pytest.mark.parametrize(
    ("value", "decoded"),
    [
        pytest.param("plain words", "plain words", id="nothing-encoded"),
        pytest.param("=?utf-8?q?caf=C3=A9_au_lait?=", "café au lait", id="q"),
        pytest.param("=?UTF-8?B?Y2Fmw6k=?=", "café", id="b"),
        pytest.param("=?utf-8?b?Y2Fmw6k?=", "café", id="b-without-padding"),
        pytest.param("=?utf-8?b?Y2Fm!w6k=?=", "café", id="b-with-junk"),
        pytest.param("=?utf-8?q?a?= =?utf-8?q?b?=", "ab", id="space-between-words-dropped"),
        pytest.param("=?utf-8?q?a?=  x =?utf-8?q?b?=", "a  x b", id="text-between-words-kept"),
        pytest.param("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "éé", id="adjacent-words-one-charset"),
        pytest.param("=?utf-8?q?=C3?= =?utf-8?q?=A9?=", "é", id="a-character-split-across-words"),
        pytest.param("=?iso-8859-1*fr?q?=E9t=E9?=", "été", id="rfc2231-language"),
        pytest.param("=?utf-8?x?abc?=", "=?utf-8?x?abc?=", id="unknown-encoding-kept"),
        pytest.param("Re: =?utf-8?q?=5B=23123=5D?= x", "Re: [#123] x", id="mixed"),
    ],
)
def test_encoded_words_are_decoded(value, decoded):
    assert decode_words(value, [], "Subject") == decoded


def test_an_unknown_charset_in_an_encoded_word_is_noted():
    notes: list[str] = []
    assert decode_words("=?x-foo?q?Caf=E9?=", notes, "Subject") == "Café"
    assert notes == ["Subject: unknown charset 'x-foo' read as cp1252"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("a\r\n b", "a b", id="folded"),
        pytest.param("=?utf-8?q?a=0D=0AInjected=3A_x?=", "a Injected: x", id="encoded-crlf"),
        pytest.param("a\u2028b\x00c\x1bd", "a b c d", id="controls"),
        pytest.param("  many   spaces  ", "many spaces", id="spaces"),
        pytest.param("Caf\udcc3\udca9", "Café", id="raw-utf-8"),
        pytest.param("Caf\udce9", "Café", id="raw-windows-1252"),
    ],
)
def test_a_header_comes_out_as_one_line(value, text):
    assert header_text(value, [], "Subject") == text


def test_raw_8bit_that_is_not_utf8_is_noted():
    notes: list[str] = []
    raw_text("Caf\udce9", notes, "Subject")
    assert notes == ["Subject: 8-bit header read as windows-1252"]


@pytest.mark.parametrize(
    ("values", "addresses"),
    [
        pytest.param(
            ["Bob Tenant <Bob@Acme.Example>"],
            [Address("bob@acme.example", "Bob Tenant")],
            id="name-and-address",
        ),
        pytest.param(
            ["=?utf-8?q?Doe=2C_John?= <j@x.example>"],
            [Address("j@x.example", "Doe, John")],
            id="encoded-name-with-a-comma",
        ),
        pytest.param(
            ["a@x.example, B <b@y.example>", "c@z.example"],
            [Address("a@x.example", ""), Address("b@y.example", "B"), Address("c@z.example", "")],
            id="lists-across-fields",
        ),
        pytest.param(
            ["a@x.example, A <A@X.example>"],
            [Address("a@x.example", "")],
            id="each-address-once",
        ),
        pytest.param(
            ["a@x.example,\r\n B\r\n <b@y.example>"],
            [Address("a@x.example", ""), Address("b@y.example", "B")],
            id="folded",
        ),
        pytest.param(["undisclosed-recipients:;"], [], id="empty-group"),
        pytest.param(
            ["Team: a@x.example, b@y.example;"],
            [Address("a@x.example", ""), Address("b@y.example", "")],
            id="group",
        ),
        pytest.param(
            ["alice@example.org)<bob@example.com>"],
            [Address("alice@example.org", "")],
            id="cve-2023-27043-reads-one-address",
        ),
        pytest.param(
            ["Zoë <zoë@bücher.example>"], [Address("zoë@bücher.example", "Zoë")], id="utf8"
        ),
        pytest.param(['"john doe"@x.example'], [], id="quoted-local-part-dropped"),
        pytest.param(["<<<>>>"], [], id="garbage"),
    ],
)
def test_addresses_are_read_lower_case(values, addresses):
    assert list(read_addresses(values, [], "To")) == addresses


def test_an_address_that_cannot_be_read_is_noted():
    notes: list[str] = []
    read_addresses(["a@b@c"], notes, "To")
    assert notes == ["To: 1 address(es) could not be read"]


@pytest.mark.parametrize(
    ("value", "when"),
    [
        pytest.param(
            "Tue, 3 Mar 2026 10:02:00 +0100", datetime(2026, 3, 3, 9, 2, tzinfo=UTC), id="offset"
        ),
        pytest.param(
            "3 Mar 2026 10:02 -0000", datetime(2026, 3, 3, 10, 2, tzinfo=UTC), id="zone-unknown"
        ),
        pytest.param(
            "Tue, 3 Mar 2026 10:02:00 GMT", datetime(2026, 3, 3, 10, 2, tzinfo=UTC), id="gmt"
        ),
        pytest.param(
            "Tue, 3 Mar 2026 10:02:00 EST",
            datetime(2026, 3, 3, 15, 2, tzinfo=UTC),
            id="obsolete-zone",
        ),
        pytest.param(
            "Tue,\r\n 3 Mar 2026 10:02:00 +0000",
            datetime(2026, 3, 3, 10, 2, tzinfo=UTC),
            id="folded",
        ),
        pytest.param("yesterday", None, id="words"),
        pytest.param("Tue, 3 Mar 99999 10:02:00 +0000", None, id="year-out-of-range"),
        pytest.param("Tue, 31 Feb 2026 10:02:00 +0000", None, id="no-such-day"),
        pytest.param("", None, id="empty"),
    ],
)
def test_the_date_is_aware_utc_or_none(value, when):
    assert read_date(value, []) == when


def test_a_missing_date_is_noted():
    notes: list[str] = []
    assert read_date(None, notes) is None
    assert notes == ["Date: missing"]


def test_headers_are_found_by_lower_case_name_in_order():
    headers = Headers([("Received", "a"), ("SUBJECT", "s"), ("received", "b")])
    assert headers.all("received") == ["a", "b"]
    assert headers.first("subject") == "s"
    assert headers.first("from") is None
    assert "subject" in headers and bool(headers)
    assert not Headers([])
