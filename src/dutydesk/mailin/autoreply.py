"""Which messages are automatic, so that nothing automatic is sent back to them (RFC 3834).

An acknowledgement sent to an out-of-office reply, a bounce or a list starts a mail loop or
mails a whole list. RFC 3834 section 2 asks a responder not to answer automatic messages; this
reads every sign of one that mail in the wild carries, checked in this order:

1. A bounce: Return-Path `<>` (RFC 5321 4.5.5: delivery reports are sent with a null reverse
   path, and the delivering server records it), a `multipart/report` body (RFC 6522: delivery
   and disposition notifications), or From a `mailer-daemon@` or `postmaster@` address, for
   bounces whose Return-Path a relay rewrote.
2. `Auto-Submitted` with any value but `no` (RFC 3834 section 5: auto-generated, auto-replied,
   auto-notified and any later keyword).
3. `X-Autoreply` or `X-Autorespond` (vacation programs and hosted mailboxes) unless `no`.
4. `Precedence: bulk | auto_reply | list | junk` (the older convention RFC 3834 section 3.1.8
   mentions; still set by autoresponders and list servers).
5. `X-Auto-Response-Suppress` naming `OOF`, `AutoReply` or `All` (Exchange): the sender asks
   for no automatic answer, and Exchange sets it on its own out-of-office replies.
6. A mailing list: `List-Id` (RFC 2919) or `List-Unsubscribe` (RFC 2369); an answer would go
   to everyone on the list.
"""

from __future__ import annotations

import re

from dutydesk.mailin.charsets import without_surrogates
from dutydesk.mailin.headers import Headers
from dutydesk.mailin.results import AutoReply, AutoReplyKind
from dutydesk.text import one_line

AUTOMATIC_PRECEDENCE = frozenset({"bulk", "auto_reply", "list", "junk"})
SUPPRESSED_RESPONSES = frozenset({"oof", "autoreply", "all"})
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def _first_token(value: str) -> str:
    found = _TOKEN.search(value)
    return found.group().lower() if found else ""


def _said(name: str, value: str) -> str:
    return f"{name}: {one_line(without_surrogates(value))[:100]}"


def automatic(headers: Headers, content_type: str, from_address: str | None) -> AutoReply | None:
    """What marks the message as automatic (the first sign, in the order above), or None."""
    return_path = headers.first("return-path")
    if return_path is not None and return_path.strip(" \t\r\n<>") == "":
        return AutoReply(AutoReplyKind.BOUNCE, "Return-Path: <> (a null sender: a bounce)")
    if content_type == "multipart/report":
        return AutoReply(AutoReplyKind.BOUNCE, "Content-Type: multipart/report (a delivery report)")
    if from_address is not None and from_address.split("@", 1)[0] in BOUNCE_SENDERS:
        return AutoReply(AutoReplyKind.BOUNCE, f"From: {from_address}")

    for value in headers.all("auto-submitted"):
        if _first_token(value) not in ("", "no"):
            return AutoReply(AutoReplyKind.AUTO_SUBMITTED, _said("Auto-Submitted", value))
    for name in ("x-autoreply", "x-autorespond"):
        for value in headers.all(name):
            if _first_token(value) != "no":
                label = "X-Autoreply" if name == "x-autoreply" else "X-Autorespond"
                return AutoReply(AutoReplyKind.AUTORESPONDER, _said(label, value))
    for value in headers.all("precedence"):
        if _first_token(value) in AUTOMATIC_PRECEDENCE:
            return AutoReply(AutoReplyKind.PRECEDENCE, _said("Precedence", value))
    for value in headers.all("x-auto-response-suppress"):
        asked = {token.lower() for token in _TOKEN.findall(value)}
        if asked & SUPPRESSED_RESPONSES:
            return AutoReply(
                AutoReplyKind.SUPPRESS_REQUEST, _said("X-Auto-Response-Suppress", value)
            )
    for name, label in (("list-id", "List-Id"), ("list-unsubscribe", "List-Unsubscribe")):
        value_or_none = headers.first(name)
        if value_or_none is not None:
            return AutoReply(AutoReplyKind.MAILING_LIST, _said(label, value_or_none))
    return None
