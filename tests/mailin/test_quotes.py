"""The new part of a reply: quotes and signatures left out, the tenant's own words kept."""

from __future__ import annotations

import time

import pytest

from dutydesk.mailin.quotes import QUOTE_SCAN_CHARACTERS, QUOTE_SCAN_LINES, new_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        pytest.param("Just text.", "Just text.", id="no-quote"),
        pytest.param(
            "Fixed.\n\nOn Tue, 3 Mar 2026 at 10:02, S <s@x> wrote:\n> try again\n",
            "Fixed.",
            id="on-wrote",
        ),
        pytest.param(
            "Fixed.\n\nOn Tue, 3 Mar 2026 at 10:02, Dutydesk Support <s@x>\nwrote:\n\n> again\n",
            "Fixed.",
            id="on-wrote-wrapped",
        ),
        pytest.param(
            "Geht.\n\nAm Di., 3. März 2026 um 10:02 Uhr schrieb S <s@x>:\n> neu\n",
            "Geht.",
            id="german",
        ),
        pytest.param(
            "Ça marche.\n\nLe mar. 3 mars 2026 à 10:02, S <s@x> a écrit :\n> essaie\n",
            "Ça marche.",
            id="french",
        ),
        pytest.param(
            "Yes.\n\n-----Original Message-----\nFrom: S\nSent: Tuesday\n\nold",
            "Yes.",
            id="outlook-original-message",
        ),
        pytest.param(
            "Yes.\n\n________________________________\nFrom: S\nSent: 03 March\n\nold",
            "Yes.",
            id="outlook-underscores",
        ),
        pytest.param(
            "Yes.\n\nFrom: Support <s@x>\nSent: 03 March 2026 16:00\nTo: Carol\nSubject: quota\n\nold",
            "Yes.",
            id="outlook-header-block",
        ),
        pytest.param(
            "Our logs:\nFrom: cron\nTo: ops\n",
            "Our logs:\nFrom: cron\nTo: ops",
            id="one-from-line-is-not-a-header-block",
        ),
        pytest.param(
            "Here.\n\n---------- Forwarded message ---------\nFrom: a\n\nfwd",
            "Here.",
            id="gmail-forward",
        ),
        pytest.param("Done.\n\n-- \nBob\nAcme", "Done.", id="signature"),
        pytest.param("Done.\n--\nBob", "Done.", id="signature-without-space"),
        pytest.param("Done.\n\nSent from my iPhone", "Done.", id="sent-from-my-iphone"),
        pytest.param("Done.\n\nGet Outlook for Android\n\n", "Done.", id="get-outlook"),
        pytest.param(
            "Done.\n\n> which backup?\n> daily\n", "Done.", id="trailing-quote-without-header"
        ),
        pytest.param(
            "> q1\na1\n> q2\na2\n> q3\n", "> q1\na1\n> q2\na2", id="interleaved-answers-kept"
        ),
        pytest.param(
            "On Fri, 6 Mar 2026, S wrote:\n> q1\n\na1\n\n> q2\n",
            "> q1\n\na1",
            id="header-on-top-of-interleaved-answers",
        ),
        pytest.param(
            "Steps:\n- push\n- wait\n\nThanks, any idea?\nRegards,\nBob",
            "Steps:\n- push\n- wait\n\nThanks, any idea?\nRegards,\nBob",
            id="lists-and-thanks-are-the-tenants-own-words",
        ),
        pytest.param("> all\n> quoted\n", "> all\n> quoted", id="all-quote-keeps-the-body"),
        pytest.param("-- \nonly a signature", "--\nonly a signature", id="only-signature"),
        pytest.param("", "", id="empty"),
    ],
)
def test_the_new_text_leaves_out_quotes_and_signatures(body, text):
    assert new_text(body) == text


def test_a_quote_header_past_the_scan_limit_is_not_looked_for():
    log = "line of a pasted log\n" * (QUOTE_SCAN_CHARACTERS // 20)
    body = "See the log:\n" + log + "On Tue, 3 Mar 2026, S <s@x> wrote:\n> quoted\n"
    assert new_text(body).startswith("See the log:\n") and "On Tue" in new_text(body)


def test_a_quote_header_past_the_line_limit_is_not_looked_for():
    header = "On Tue, 3 Mar 2026, S <s@x> wrote:\n> quoted\n"
    assert new_text("x\n" * (QUOTE_SCAN_LINES - 1) + header).count("x") == QUOTE_SCAN_LINES - 1
    assert "On Tue" in new_text("x\n" * QUOTE_SCAN_LINES + header)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(("On " + "a " * 5000 + "\n") * 20, id="on-a-a-a"),
        pytest.param("From: x\n" * 20000, id="from-lines"),
        pytest.param(">" * 200000, id="quote-marks"),
        pytest.param("- a\n" * 50000, id="dashes"),
        pytest.param("x" * 1_000_000, id="one-long-line"),
    ],
)
def test_hostile_bodies_are_read_in_linear_time(body):
    started = time.process_time()
    new_text(body)
    assert time.process_time() - started < 2.0
