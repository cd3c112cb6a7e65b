"""read_message's contract: an InboundMail or a Refusal, never an exception."""

from __future__ import annotations

import pytest

from dutydesk.mailin import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_MESSAGE_BYTES,
    InboundMail,
    Refusal,
    RefusalCode,
    read_message,
    reading,
)

SMALL = (
    b"From: Bob <bob@x.example>\r\nSubject: [T#9] hello\r\nMessage-ID: <m1@x.example>\r\n\r\nhi\r\n"
)


def read(raw: bytes, **limits: int) -> InboundMail | Refusal:
    return read_message(
        raw,
        max_attachment_bytes=limits.get("max_attachment_bytes", DEFAULT_MAX_ATTACHMENT_BYTES),
        max_message_bytes=limits.get("max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES),
    )


def test_a_message_at_the_size_limit_is_read_and_one_byte_more_is_refused():
    assert isinstance(read(SMALL, max_message_bytes=len(SMALL)), InboundMail)
    refused = read(SMALL, max_message_bytes=len(SMALL) - 1)
    assert refused == Refusal(
        RefusalCode.TOO_LARGE,
        f"the message is {len(SMALL)} bytes, more than the limit of {len(SMALL) - 1}",
        message_id="<m1@x.example>",
        size=len(SMALL),
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(b"", RefusalCode.EMPTY, id="empty"),
        pytest.param(b"\r\n \t\r\n", RefusalCode.EMPTY, id="white-space"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", RefusalCode.NOT_A_MESSAGE, id="image"),
        pytest.param(b"just a line of text\n", RefusalCode.NOT_A_MESSAGE, id="text"),
    ],
)
def test_what_is_not_a_message_is_refused(raw, code):
    result = read(raw)
    assert isinstance(result, Refusal) and result.code is code
    assert result.message_id.endswith("@mailin.dutydesk.invalid>")


def test_the_ticket_reference_counts_only_with_the_caller_s_prefix():
    with_prefix = read_message(
        SMALL, max_attachment_bytes=10, max_message_bytes=10**6, ticket_prefix="T"
    )
    without = read_message(SMALL, max_attachment_bytes=10, max_message_bytes=10**6)
    assert (with_prefix.ticket_reference, without.ticket_reference) == (9, None)


def test_a_bug_inside_the_reader_is_a_refusal_not_a_crash(monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(reading, "read_body", broken)
    result = read(SMALL)
    assert result == Refusal(
        RefusalCode.UNREADABLE,
        "the message could not be read (KeyError: 'boom')",
        message_id=result.message_id,
        size=len(SMALL),
    )


def test_bytes_like_input_is_read():
    assert read(bytearray(SMALL)).message_id == "<m1@x.example>"
    assert read(memoryview(SMALL)).message_id == "<m1@x.example>"


def test_a_message_with_a_plain_text_and_an_html_part_reads_text_from_the_plain_one():
    raw = (
        b"From: a@x\r\nMessage-ID: <alt@x>\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--b--\r\n"
    )
    result = read(raw)
    assert (result.text, result.html_sanitised) == ("plain words", "<p>html words</p>")


def test_an_empty_plain_part_gives_way_to_the_html_one():
    raw = (
        b"From: a@x\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\n\r\n"
        b"--b\r\nContent-Type: text/html\r\n\r\n<p>html words</p>\r\n--b--\r\n"
    )
    assert read(raw).text == "html words"


def test_apple_mail_s_body_split_around_an_image_is_joined():
    raw = (
        b"From: a@x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nabove\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=a.png\r\n\r\nPNG\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nbelow\r\n--b--\r\n"
    )
    result = read(raw)
    assert result.text == "above\nbelow"
    assert [a.filename for a in result.attachments] == ["a.png"]


def test_a_long_subject_is_cut_and_noted():
    raw = b"From: a@x\r\nSubject: " + b"s" * 1500 + b"\r\n\r\nbody\r\n"
    result = read(raw)
    assert len(result.subject) == 1000 and result.subject.endswith("…")
    assert "Subject: longer than 1000 characters; cut" in result.problems
