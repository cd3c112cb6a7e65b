"""Random and mutated bytes never make read_message raise, and always give safe values.

read_message catches everything (an error inside it becomes a Refusal coded `unreadable`), so
the property is stronger than "does not raise": no input reaches that safety net, and every
InboundMail or Refusal keeps the promises of `safety.assert_safe`.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutydesk.mailin import InboundMail, Refusal, RefusalCode, read_message
from tests.mailin.corpus import CORPUS
from tests.mailin.safety import assert_safe

LIMITS = {"max_attachment_bytes": 2048, "max_message_bytes": 256 * 1024}
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMALL_MESSAGES = [case.build() for case in CORPUS if not case.large]


def read_safely(raw: bytes) -> InboundMail | Refusal:
    result = read_message(raw, **LIMITS)
    assert isinstance(result, InboundMail | Refusal)
    if isinstance(result, Refusal):
        assert result.code is not RefusalCode.UNREADABLE, result.reason
    assert_safe(result, LIMITS["max_attachment_bytes"])
    return result


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_read_or_refused(raw):
    read_safely(raw)


# Pieces of mail, so that random sequences of them look enough like mail to reach deep code.
MAIL_PIECES = [
    b"\r\n",
    b"\n",
    b"\r",
    b"\r\n\r\n",
    b" ",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3\xa9",
    b"\x80",
    b"From: ",
    b"To: ",
    b"Cc: ",
    b"Subject: ",
    b"Date: ",
    b"Message-ID: ",
    b"References: ",
    b"In-Reply-To: ",
    b"Return-Path: <>",
    b"Auto-Submitted: ",
    b"Precedence: bulk",
    b"Content-Type: ",
    b"Content-Transfer-Encoding: ",
    b"Content-Disposition: ",
    b"multipart/mixed; boundary=b",
    b'multipart/alternative; boundary="b"',
    b"message/rfc822",
    b"text/plain; charset=",
    b"text/html",
    b"utf-8",
    b"x-foo",
    b"iso-2022-jp",
    b"utf-16",
    b"base64",
    b"quoted-printable",
    b"8bit",
    b"attachment; filename*=UTF-8''%E2%80%AE",
    b'filename="../a"',
    b"--b",
    b"--b--",
    b"=?utf-8?q?",
    b"=?utf-8?b?",
    b"?=",
    b"=C3=A9",
    b"=0D=0A",
    b"<a@b>",
    b"a@b",
    b"<",
    b">",
    b'"',
    b",",
    b";",
    b"[#123]",
    b"On Tue, x wrote:",
    b"> ",
    b"-- ",
    b"<html>",
    b"<script>",
    b"<img src=x onerror=y>",
    b"<blockquote>",
    b"<div>",
    b'<a href="javascript:x">',
    b"</div>",
    b"&nbsp;",
    b"YWJj",
    b"====",
]


@FUZZ
@given(st.lists(st.sampled_from(MAIL_PIECES) | st.binary(max_size=8), max_size=120))
def test_random_mail_pieces_are_read_or_refused(pieces):
    read_safely(b"".join(pieces))


@st.composite
def mutated_message(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SMALL_MESSAGES)))
    for _ in range(draw(st.integers(1, 8))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if action == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif action == "insert":
            raw[at:at] = draw(st.sampled_from(MAIL_PIECES) | st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del raw[at : at + draw(st.integers(1, 64))]
        elif action == "truncate":
            del raw[at:]
        else:
            end = min(len(raw), at + draw(st.integers(1, 200)))
            raw[at:at] = raw[at:end] * draw(st.integers(1, 20))
    return bytes(raw)


@FUZZ
@given(mutated_message())
def test_mutated_corpus_messages_are_read_or_refused(raw):
    read_safely(raw)


CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "x-foo", "iso-2022-jp", "utf-16", "utf-7", ""]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"]
TYPES = ["text/plain", "text/html", "image/png", "application/pdf", "message/rfc822",
         "text/calendar", "message/delivery-status", ""]  # fmt: skip


@st.composite
def mime_tree(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A MIME part: a leaf of any type, charset and encoding, or a multipart of such parts."""
    if depth < 4 and draw(st.booleans()):
        boundary = f"b{depth}{draw(st.integers(0, 9))}".encode()
        children = draw(st.lists(mime_tree(depth + 1), min_size=0, max_size=4))
        body = b"".join(b"--" + boundary + b"\r\n" + child + b"\r\n" for child in children)
        closing = b"--" + boundary + b"--\r\n" if draw(st.booleans()) else b""
        kind = draw(st.sampled_from([b"mixed", b"alternative", b"related", b"report"]))
        return (
            b"Content-Type: multipart/"
            + kind
            + b"; boundary="
            + boundary
            + b"\r\n\r\n"
            + body
            + closing
        )
    content_type = draw(st.sampled_from(TYPES)).encode()
    charset = draw(st.sampled_from(CHARSETS)).encode()
    encoding = draw(st.sampled_from(ENCODINGS)).encode()
    name = draw(st.text(max_size=12)).encode("utf-8", "surrogatepass")
    body = draw(
        st.binary(max_size=300)
        | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
    head = b"Content-Type: " + content_type + b"; charset=" + charset + b"\r\n"
    head += b"Content-Transfer-Encoding: " + encoding + b"\r\n"
    if draw(st.booleans()):
        head += b'Content-Disposition: attachment; filename="' + name + b'"\r\n'
    return head + b"\r\n" + body


@FUZZ
@given(mime_tree(), st.text(max_size=60), st.text(max_size=30))
def test_random_mime_trees_are_read_or_refused(tree, subject, name):
    raw = (
        b"From: " + name.encode("utf-8", "surrogatepass") + b" <a@x.example>\r\n"
        b"Subject: "
        + subject.encode("utf-8", "surrogatepass")
        + b"\r\nMIME-Version: 1.0\r\n"
        + tree
    )
    result = read_safely(raw)
    assert isinstance(result, InboundMail)
