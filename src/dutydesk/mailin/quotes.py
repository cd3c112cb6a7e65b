"""The new part of a reply: the quoted message and the signature left out.

The quoted message is found with quotequail (Close's library, on PyPI and maintained), chosen
over mail-parser-reply (also on PyPI): quotequail finds where the quote starts by matching each
line against its reply and forward headers ("On … wrote:", "-----Original Message-----", Outlook's
underscore line, "Begin forwarded message:", in English and eight other languages), in time
linear in the body. mail-parser-reply's expressions backtrack: a 200 KB body of lines starting
"On a a a …" took it 58 seconds, and its signature rules ("Thanks," or "- " at a line's start)
cut a tenant's own text and bullet lists. quotequail leaves signatures alone, so they are cut
here by the rules mail clients follow, together with two shapes it does not look for:

- the signature: from a line that is exactly "-- " (RFC 3676 4.3; "--" too, as some clients
  strip the space) to the end, and a last line "Sent from my …" or "Get Outlook for …";
- an Outlook header block without a separator line ("From: …" followed within four lines by two
  of "Sent:", "Date:", "To:", "Cc:", "Subject:"), as Outlook's HTML replies read as text;
- "> " lines at the end, when the tenant answered above a quote with no header line.

"> " lines between the tenant's own lines are kept: an answer written between the quoted lines
reads only with them (a quote header on the first line, above such answers, goes). When nothing
is left (a message that is all quote), the whole body is the text. Only the first
`QUOTE_SCAN_CHARACTERS` or `QUOTE_SCAN_LINES` are searched for a quote header: a reply's new part
comes first, and a long log pasted below it is kept whole.
"""

from __future__ import annotations

import re

import quotequail

QUOTE_SCAN_CHARACTERS = 100_000
QUOTE_SCAN_LINES = 2_000  # quotequail tries some 60 patterns a line: ~40 µs
_SIGNATURE_SEPARATORS = frozenset({"-- ", "--"})
_MOBILE_FOOTER = re.compile(r"(?:Sent from my|Get Outlook for)\b.{0,80}", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"\*?From:\*?\s+\S", re.IGNORECASE)
_OUTLOOK_FIELD = re.compile(r"\*?(?:Sent|Date|To|Cc|Subject):\*?(?:\s|$)", re.IGNORECASE)


def _above_quote_header(text: str) -> str:
    head = text[:QUOTE_SCAN_CHARACTERS]
    if len(text) > QUOTE_SCAN_CHARACTERS:
        head = head[: head.rfind("\n") + 1]
    lines = head.split("\n", QUOTE_SCAN_LINES)
    if len(lines) > QUOTE_SCAN_LINES:
        head = "\n".join(lines[:QUOTE_SCAN_LINES]) + "\n"
    parts: list[tuple[bool, str]] = quotequail.quote(
        head, limit=len(head) + 1, quote_intro_line=True
    )
    if len(parts) < 2 or not parts[0][0]:
        return text
    if parts[0][1].strip():
        return parts[0][1]
    # The header is the first line: the answers are written between the quoted lines below it
    # (Mutt, Thunderbird bottom-posting), so only the header line goes.
    after_intro: list[tuple[bool, str]] = quotequail.quote(
        head, limit=len(head) + 1, quote_intro_line=False
    )
    return after_intro[-1][1] + text[len(head) :]


def _above_outlook_headers(lines: list[str]) -> list[str]:
    for number, line in enumerate(lines):
        if number and _OUTLOOK_FROM.match(line.strip()):
            following = lines[number + 1 : number + 5]
            if sum(1 for field in following if _OUTLOOK_FIELD.match(field.strip())) >= 2:
                return lines[:number]
    return lines


def _above_signature(lines: list[str]) -> list[str]:
    for number, line in enumerate(lines):
        if number and line in _SIGNATURE_SEPARATORS:
            return lines[:number]
    last = len(lines)
    while last and not lines[last - 1].strip():
        last -= 1
    if last > 1 and _MOBILE_FOOTER.fullmatch(lines[last - 1].strip()):
        return lines[: last - 1]
    return lines


def _above_trailing_quote(lines: list[str]) -> list[str]:
    last = len(lines)
    while last and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith(">")):
        last -= 1
    return lines[:last]


def new_text(body: str) -> str:
    """The part of `body` (LF line ends) that is not quoted message or signature."""
    lines = _above_quote_header(body).split("\n")
    lines = _above_outlook_headers(lines)
    lines = _above_signature(lines)
    lines = _above_trailing_quote(lines)
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return text if text.strip() else body.strip("\n")
