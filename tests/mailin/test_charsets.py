"""Text from bytes whatever charset they claim: declared, then UTF-8, then Windows-1252."""

from __future__ import annotations

import pytest

from dutydesk.mailin.charsets import clean_body_text, codec_name, decode_text


@pytest.mark.parametrize(
    ("data", "declared", "text", "note"),
    [
        pytest.param(b"plain", "utf-8", "plain", None, id="ascii-is-ascii-whatever-declared"),
        pytest.param("Zoë".encode(), "utf-8", "Zoë", None, id="utf-8"),
        pytest.param("Zoë".encode("latin-1"), "iso-8859-1", "Zoë", None, id="latin-1"),
        pytest.param(
            "“quoted” – 5 €".encode("cp1252"),
            "iso-8859-1",
            "“quoted” – 5 €",
            "text declared iso-8859-1 read as windows-1252",
            id="windows-1252-labelled-latin-1",
        ),
        pytest.param(
            "Zoë".encode(),
            "iso-8859-1",
            "Zoë",
            "text declared iso-8859-1 is UTF-8; read as utf-8",
            id="utf-8-labelled-latin-1",
        ),
        pytest.param(
            "Zoë".encode(),
            "us-ascii",
            "Zoë",
            "text declared us-ascii is UTF-8; read as utf-8",
            id="utf-8-labelled-ascii",
        ),
        pytest.param("Zoë".encode(), None, "Zoë", None, id="unlabelled-utf-8"),
        pytest.param(
            "Zoë".encode("cp1252"),
            None,
            "Zoë",
            "text declared nothing read as windows-1252",
            id="unlabelled-windows-1252",
        ),
        pytest.param(
            b"\x81\x8d",
            None,
            "\x81\x8d",
            "text declared nothing read as latin-1",
            id="bytes-windows-1252-lacks-are-latin-1",
        ),
        pytest.param(
            "Café".encode("cp1252"),
            "x-foo",
            "Café",
            "unknown charset 'x-foo' read as cp1252",
            id="unknown-label",
        ),
        pytest.param(
            "Zoë".encode(),
            "x-foo",
            "Zoë",
            "unknown charset 'x-foo' read as utf-8",
            id="unknown-label-utf-8",
        ),
        pytest.param(
            "Zoë ".encode() + b"\xff",
            "utf-8",
            "Zoë \ufffd",
            "invalid UTF-8 bytes replaced with U+FFFD",
            id="mostly-utf-8",
        ),
        pytest.param(
            "Café".encode("cp1252"),
            "utf-8",
            "Café",
            "text declared utf-8 is not UTF-8; read as cp1252",
            id="windows-1252-labelled-utf-8",
        ),
        pytest.param(
            "Привет".encode("koi8-r"),
            "koi8-r",
            "Привет",
            None,
            id="koi8-r",
        ),
        pytest.param(
            "日本語".encode("iso-2022-jp"),
            "ISO-2022-JP",
            "日本語",
            None,
            id="iso-2022-jp",
        ),
        pytest.param(
            "Zoë".encode(),
            "iso-2022-jp",
            "Zoë",
            "text declared iso-2022-jp is not valid iso-2022-jp; read as utf-8",
            id="wrong-declared-falls-back",
        ),
        pytest.param(
            "Zoë".encode(),
            "unicode_escape",
            "Zoë",
            "unknown charset 'unicode_escape' read as utf-8",
            id="a-codec-that-is-no-charset",
        ),
        pytest.param(
            "Zoë".encode(),
            "rot13",
            "Zoë",
            "unknown charset 'rot13' read as utf-8",
            id="a-text-transform-is-no-charset",
        ),
        pytest.param(
            "Zoë".encode(),
            '"UTF-8"',
            "Zoë",
            None,
            id="quoted-label",
        ),
        pytest.param(
            b"+AGQ-",
            "utf-7",
            "d",
            None,
            id="utf-7-is-seven-bit",
        ),
    ],
)
def test_text_is_read_as_declared_or_by_the_fallbacks(data, declared, text, note):
    assert decode_text(data, declared) == (text, note)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("latin1", "iso8859-1"),
        ("windows-1252", "cp1252"),
        ("x-unknown", None),
        ("idna", None),
        ("", None),
        (None, None),
        ("a" * 41, None),
        ("utf-8\x00", None),
    ],
)
def test_a_charset_label_names_a_codec_only_when_it_is_a_charset(label, codec):
    assert codec_name(label) == codec


def test_body_text_keeps_lines_and_tabs_and_loses_other_controls():
    assert clean_body_text("\ufeffa\r\nb\rc\x00d\te\x1bf\udcff") == "a\nb\ncd\tef\ufffd"
