"""What every reading promises, checked the same way for the corpus and the fuzzing."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from dutydesk.mailin import InboundMail, Refusal

ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
FORBIDDEN_TAGS = {"script", "style", "iframe", "frame", "object", "embed", "form", "input",
                  "svg", "math", "link", "meta", "base", "textarea", "button", "select"}  # fmt: skip
URL_SCHEMES = {"a": {"http", "https", "mailto"}, "img": {"cid"}}


class _ActiveParts(HTMLParser):
    """Collects whatever in sanitised HTML could run, load or submit something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"srcset", "formaction", "action", "background"}:
                self.found.append(f"{tag} {name}")
            if name in {"href", "src"}:
                scheme = urlsplit((value or "").strip()).scheme.lower()
                if scheme not in URL_SCHEMES.get(tag, set()):
                    self.found.append(f"{tag} {name}={value!r}")
            if name == "style" and value and "url(" in value.lower():
                self.found.append(f"{tag} style={value!r}")


def active_html(html: str) -> list[str]:
    """The tags and attributes in `html` that could run, load or submit something."""
    parser = _ActiveParts()
    parser.feed(html)
    parser.close()
    return parser.found


def _strings(result: InboundMail | Refusal) -> list[str]:
    if isinstance(result, Refusal):
        return [result.reason, result.message_id]
    found = [
        result.message_id,
        result.subject,
        result.from_address or "",
        result.from_name,
        result.text,
        result.full_text,
        result.html_sanitised or "",
        *result.in_reply_to,
        *result.references,
        *result.problems,
    ]
    for address in (*result.to, *result.cc, *result.reply_to):
        found += [address.address, address.name]
    for attachment in (*result.attachments, *result.skipped_attachments):
        found += [attachment.filename, attachment.content_type]
    if result.auto_reply:
        found.append(result.auto_reply.reason)
    return found


def assert_safe(result: InboundMail | Refusal, max_attachment_bytes: int) -> None:
    """Storable text (no NUL, no lone surrogate), one-line headers and notes, ids in brackets,
    an aware UTC date, HTML with nothing active, attachments within the limit."""
    for text in _strings(result):
        assert "\x00" not in text
        text.encode("utf-8")  # raises on a lone surrogate
    assert MESSAGE_ID.fullmatch(result.message_id), result.message_id
    if isinstance(result, Refusal):
        assert ONE_LINE.search(result.reason) is None
        return
    one_liners = [result.subject, result.from_name, *result.problems]
    one_liners += [address.name for address in (*result.to, *result.cc, *result.reply_to)]
    one_liners += [attachment.filename for attachment in result.attachments]
    one_liners += [address.address for address in (*result.to, *result.cc, *result.reply_to)]
    for text in one_liners:
        assert ONE_LINE.search(text) is None, repr(text)
    for message_id in (*result.in_reply_to, *result.references):
        assert MESSAGE_ID.fullmatch(message_id), message_id
    if result.date is not None:
        offset = result.date.utcoffset()
        assert offset is not None and offset.total_seconds() == 0
    assert active_html(result.html_sanitised or "") == []
    for attachment in result.attachments:
        assert attachment.size == len(attachment.content) <= max_attachment_bytes
        assert attachment.sha256 == hashlib.sha256(attachment.content).hexdigest()
        assert attachment.filename and "/" not in attachment.filename
        assert "\\" not in attachment.filename
    for skipped in result.skipped_attachments:
        assert skipped.size > max_attachment_bytes
    assert result.size > 0
