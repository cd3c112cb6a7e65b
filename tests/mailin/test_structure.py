"""The MIME tree parsed without its shape crashing or stalling the reader."""

from __future__ import annotations

import time

import pytest

from dutydesk.mailin import structure
from dutydesk.mailin.reading import read_message
from dutydesk.mailin.results import InboundMail
from tests.mailin.corpus import LIMITS


def nested(depth: int, kind: bytes = b"multipart/mixed") -> bytes:
    parts = [b"From: a@x.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"]
    for level in range(depth):
        if kind == b"message/rfc822":
            parts.append(b"Content-Type: message/rfc822\r\n\r\nSubject: level %d\r\n" % level)
        else:
            parts.append(
                b'Content-Type: %s; boundary="b%d"\r\n\r\n--b%d\r\n' % (kind, level, level)
            )
    parts.append(b"Content-Type: text/plain\r\n\r\nthe bottom\r\n")
    if kind != b"message/rfc822":
        parts.extend(b"--b%d--\r\n" % level for level in reversed(range(depth)))
    return b"".join(parts)


@pytest.mark.parametrize("depth", [50, 99])
def test_a_message_nested_below_the_limit_is_read_whole(depth):
    result = read_message(nested(depth), **LIMITS)
    assert isinstance(result, InboundMail)
    assert result.text == "the bottom"
    assert not any("MIME structure" in problem for problem in result.problems)


@pytest.mark.parametrize("kind", [b"multipart/mixed", b"multipart/alternative", b"message/rfc822"])
@pytest.mark.parametrize("depth", [101, 1000, 20000])
def test_a_message_nested_thousands_deep_is_cut_quickly(depth, kind):
    started = time.process_time()
    result = read_message(nested(depth, kind), **LIMITS)
    assert time.process_time() - started < 2.0
    assert isinstance(result, InboundMail)
    assert result.subject == "deep"
    assert any("more than 100 multipart or message parts" in p for p in result.problems)


def test_the_parser_s_recursion_error_falls_back_to_the_headers(monkeypatch):
    # Without the scan's cut the standard library's parser recurses past Python's limit.
    monkeypatch.setattr(structure, "MOST_CONTAINERS", 10**9)
    monkeypatch.setattr(structure, "MOST_DELIMITERS", 10**9)
    parsed = structure.parse(nested(3000))
    assert not parsed.body_read
    assert parsed.problems == [
        "MIME structure: the parser failed (RecursionError)",
        "MIME structure: unreadable; only the headers were read",
    ]
    assert parsed.message["Subject"] == "deep"


def test_a_folded_content_type_counts_as_a_container():
    raw = b"Subject: x\r\n\r\n" + b'Content-Type:\r\n multipart/mixed; boundary="a"\r\n' * 101
    cut = structure.structure_cut(raw)
    assert cut is not None and "multipart" in cut[1]


def test_boundary_lines_past_the_limit_cut_the_message():
    raw = b"Subject: x\r\n\r\n" + b"--b\r\n" * 1001
    assert structure.structure_cut(raw) == (14 + 5 * 1000, "more than 1000 MIME boundary lines")
    assert structure.structure_cut(b"Subject: x\r\n\r\n" + b"--b\r\n" * 1000) is None
