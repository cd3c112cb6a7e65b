"""What a fetch reports, in the one line the worker logs and the command prints."""

from __future__ import annotations

from dutydesk.mailin.imap import FetchReport, MessageFailure


def test_the_summary_counts_what_the_fetch_did() -> None:
    report = FetchReport(
        mailbox="imaps://mail.example.org:993/INBOX",
        handled=[4, 5, 7],
        failed=[MessageFailure(6, 2, "ValueError: bad")],
        left=12,
    )
    assert report.summary() == (
        "imaps://mail.example.org:993/INBOX: 3 handled, 1 failed (tried again next time),"
        " 0 quarantined, 12 left"
    )


def test_the_summary_says_why_a_fetch_stopped() -> None:
    report = FetchReport(mailbox="imaps://mail.example.org:993/INBOX", left=3)
    report.stopped = "database unavailable"
    assert report.summary().endswith("0 quarantined, 3 left; stopped: database unavailable")
