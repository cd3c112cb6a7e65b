"""Message ids, the ids a message answers, synthetic ids and the subject's ticket reference."""

from __future__ import annotations

import pytest

from dutydesk.mailin.threading_headers import (
    first_message_id,
    message_ids,
    reference_list,
    synthetic_message_id,
    ticket_reference,
)


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        pytest.param("<a@x.example>", ["<a@x.example>"], id="one"),
        pytest.param(
            " <a@x.example>\r\n <b@y.example>", ["<a@x.example>", "<b@y.example>"], id="folded"
        ),
        pytest.param("<a@x.example> (Bob's message of Tue)", ["<a@x.example>"], id="comment"),
        pytest.param("a@x.example", ["<a@x.example>"], id="no-brackets"),
        pytest.param(
            "a@x.example b@y.example,c@z",
            ["<a@x.example>", "<b@y.example>", "<c@z>"],
            id="no-brackets-many",
        ),
        pytest.param("<a @ x . example>", ["<a@x.example>"], id="white-space-inside"),
        pytest.param("<a@x><a@x>", ["<a@x>"], id="each-once"),
        pytest.param("<1234>", ["<1234>"], id="no-at-in-brackets"),
        pytest.param("<>", [], id="empty"),
        pytest.param("<@x>", [], id="no-left-part"),
        pytest.param("<" + "a" * 300 + "@x>", [], id="too-long"),
        pytest.param("<a\x00b@x>", ["<ab@x>"], id="control"),
        pytest.param("garbage", [], id="no-id"),
    ],
)
def test_message_ids_are_read_robustly(value, ids):
    assert message_ids(value) == ids


def test_the_first_usable_message_id_is_the_message_s():
    assert first_message_id(["<>", "<b@x> <c@x>"]) == "<b@x>"
    assert first_message_id([]) is None


def test_references_keep_the_root_and_the_nearest_99():
    value = " ".join(f"<r{i}@x>" for i in range(150))
    refs = reference_list([value])
    assert len(refs) == 100
    assert refs[0] == "<r0@x>" and refs[1] == "<r51@x>" and refs[-1] == "<r149@x>"


MESSAGE = b"Subject: hi\r\nTo: support@x\r\n\r\nbody\r\n"


def test_a_synthetic_id_is_the_same_for_the_same_message():
    assert synthetic_message_id(MESSAGE) == synthetic_message_id(MESSAGE)


def test_a_synthetic_id_ignores_line_ends_trace_fields_and_the_mbox_line():
    piped = (
        b"From sender@x Tue Mar 10 02:00:00 2026\n"
        b"Received: from a\n by b; Tue, 10 Mar 2026\nReturn-Path: <s@x>\n"
        + MESSAGE.replace(b"\r\n", b"\n")
    )
    assert synthetic_message_id(piped) == synthetic_message_id(MESSAGE)


def test_a_synthetic_id_differs_when_the_message_does():
    assert synthetic_message_id(MESSAGE) != synthetic_message_id(MESSAGE.replace(b"body", b"bodY"))
    assert synthetic_message_id(MESSAGE) != synthetic_message_id(MESSAGE.replace(b"hi", b"ho"))


@pytest.mark.parametrize(
    ("subject", "prefix", "number"),
    [
        pytest.param("Re: [#123] Deploys fail", "", 123, id="reply"),
        pytest.param("[#7]", "", 7, id="alone"),
        pytest.param("Fwd: Re: [#12] a [#34] b", "", 12, id="first-wins"),
        pytest.param("Re: #123 Deploys", "", None, id="no-brackets"),
        pytest.param("[# 123]", "", None, id="space"),
        pytest.param("[#0]", "", None, id="zero"),
        pytest.param("[#0123]", "", None, id="leading-zero"),
        pytest.param("[#1234567890]", "", None, id="ten-digits"),
        pytest.param("[#123456789]", "", 123456789, id="nine-digits"),
        pytest.param("[DD#55] x", "DD", 55, id="prefix"),
        pytest.param("[dd#55] x", "DD", 55, id="prefix-any-case"),
        pytest.param("[#55] x", "DD", None, id="prefix-missing"),
        pytest.param("[DD#55] x", "", None, id="prefix-unexpected"),
        pytest.param("[#\uff11\uff12]", "", None, id="fullwidth-digits"),
    ],
)
def test_the_ticket_reference_is_found_in_the_subject(subject, prefix, number):
    assert ticket_reference(subject, prefix) == number
