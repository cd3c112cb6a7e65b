"""Attachment names safe to store and offer, and sizes counted without decoding."""

from __future__ import annotations

import base64
from email.message import Message

import pytest

from dutydesk.mailin import attachments
from dutydesk.mailin.attachments import (
    content_id,
    decoded_size_estimate,
    read_attachment,
    safe_content_type,
    safe_filename,
)
from dutydesk.mailin.results import Attachment, SkippedAttachment


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        pytest.param("report.pdf", "application/pdf", "report.pdf", id="plain"),
        pytest.param("../../etc/passwd", "text/plain", "passwd", id="relative-path"),
        pytest.param("C:\\Users\\me\\a.txt", "text/plain", "a.txt", id="windows-path"),
        pytest.param("/abs/b.txt", "text/plain", "b.txt", id="absolute-path"),
        pytest.param(
            "invoice\u202efdp.exe", "application/x-msdownload", "invoice fdp.exe", id="rlo"
        ),
        pytest.param("a\r\nb\x00c.txt", "text/plain", "a b c.txt", id="controls"),
        pytest.param(
            'what?<is>:this|*".txt', "text/plain", "what is this .txt", id="windows-reserved"
        ),
        pytest.param(".htaccess", "text/plain", "htaccess", id="hidden"),
        pytest.param("...", "image/png", "attachment-3.png", id="only-dots"),
        pytest.param(None, "image/jpeg", "attachment-3.jpg", id="none"),
        pytest.param("", "application/x-unknown", "attachment-3.bin", id="empty"),
        pytest.param("cafe\u0301.txt", "text/plain", "café.txt", id="nfc"),
        pytest.param(
            "x" * 300 + ".pdf", "application/pdf", "x" * 196 + ".pdf", id="long-keeps-extension"
        ),
        pytest.param("y" * 300, "application/pdf", "y" * 200, id="long-without-extension"),
    ],
)
def test_a_file_name_is_made_safe(name, content_type, safe):
    assert safe_filename(name, content_type, 3) == safe


@pytest.mark.parametrize(
    ("value", "cid"),
    [
        ("<part1.abc@example>", "part1.abc@example"),
        (" < part1 @ex > ", "part1@ex"),
        ("<>", None),
        (None, None),
    ],
)
def test_a_content_id_loses_its_brackets(value, cid):
    assert content_id(value) == cid


def _part(data: bytes, encoding: str) -> Message:
    part = Message()
    part["Content-Type"] = "application/octet-stream"
    part["Content-Transfer-Encoding"] = encoding
    if encoding == "base64":
        part.set_payload(base64.encodebytes(data).decode())
    else:
        part.set_payload(data.decode("latin-1"))
    return part


@pytest.mark.parametrize("size", [0, 1, 2, 3, 57, 58, 1000, 4097])
def test_the_size_of_base64_is_counted_exactly_without_decoding(size):
    assert decoded_size_estimate(_part(b"\xff" * size, "base64")) == size


def test_an_attachment_at_the_limit_is_kept_and_one_byte_over_is_skipped():
    kept = read_attachment(
        _part(b"a" * 100, "base64"),
        filename="a.bin",
        content_type="application/octet-stream",
        inline=False,
        cid=None,
        max_bytes=100,
    )
    assert isinstance(kept, Attachment) and kept.size == 100
    skipped = read_attachment(
        _part(b"a" * 101, "base64"),
        filename="a.bin",
        content_type="application/octet-stream",
        inline=False,
        cid=None,
        max_bytes=100,
    )
    assert skipped == SkippedAttachment(
        "a.bin", "application/octet-stream", 101, "larger than the attachment limit of 100 bytes"
    )


def test_an_attachment_whose_encoded_size_hides_its_decoded_size_is_still_checked():
    skipped = read_attachment(
        _part(b"b" * 101, "8bit"),
        filename="b.txt",
        content_type="text/plain",
        inline=False,
        cid=None,
        max_bytes=100,
    )
    assert isinstance(skipped, SkippedAttachment) and skipped.size == 101


@pytest.mark.parametrize(
    ("value", "content_type"),
    [
        ("image/png", "image/png"),
        (" Application/PDF ", "application/pdf"),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("text/ht\x00ml", "application/octet-stream"),
        ("text", "application/octet-stream"),
        ("a/b/c", "application/octet-stream"),
        ("text/plain\r\nX: y", "application/octet-stream"),
    ],
)
def test_a_content_type_is_a_mime_type_or_octet_stream(value, content_type):
    assert safe_content_type(value) == content_type


def test_a_base64_attachment_over_the_limit_is_skipped_without_decoding(monkeypatch):
    def no_decoding(part: Message) -> bytes:
        raise AssertionError("decoded")

    monkeypatch.setattr(attachments, "part_bytes", no_decoding)
    found = attachments.read_attachment(
        _part(b"c" * 5000, "base64"),
        filename="c.bin",
        content_type="application/octet-stream",
        inline=False,
        cid=None,
        max_bytes=4999,
    )
    assert isinstance(found, SkippedAttachment) and found.size == 5000
