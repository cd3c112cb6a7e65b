"""Every corpus message gets what its entry says: a ticket, a ticket never acknowledged, or a
refusal, with the fields read, quotes and signatures stripped and HTML made safe."""

from __future__ import annotations

import time
import tracemalloc
from functools import cache

import pytest

from dutydesk.mailin import InboundMail, Refusal, RefusalCode, read_message
from tests.mailin.corpus import CORPUS, LIMITS, Outcome
from tests.mailin.safety import assert_safe

CASES = {case.name: case for case in CORPUS}
# Reading must be quick whatever the shape: the 25 MB attachment, 5,000 levels, 60,000 tags.
SLOWEST_READ_SECONDS = 10.0


@cache
def raw_of(name: str) -> bytes:
    return CASES[name].build()


@cache
def reading(name: str) -> tuple[InboundMail | Refusal, float]:
    started = time.process_time()
    result = read_message(raw_of(name), **LIMITS)
    return result, time.process_time() - started


def corpus_params() -> list[object]:
    return [
        pytest.param(case.name, id=case.name, marks=[pytest.mark.slow] if case.heavy else [])
        for case in CORPUS
    ]


def test_the_corpus_has_thirty_messages_or_more_each_described():
    assert len(CORPUS) >= 30
    assert len(CASES) == len(CORPUS), "names are unique"
    assert all(case.about for case in CORPUS)
    assert {case.outcome for case in CORPUS} == set(Outcome)


@pytest.mark.parametrize("name", corpus_params())
def test_a_corpus_message_gets_its_outcome(name):
    case = CASES[name]
    result, seconds = reading(name)
    assert seconds < SLOWEST_READ_SECONDS
    if case.outcome is Outcome.REFUSED:
        assert isinstance(result, Refusal), result
        assert result.code is case.refusal
        assert result.reason and "\n" not in result.reason
        return
    assert isinstance(result, InboundMail), result
    assert result.is_auto_reply is (case.outcome is Outcome.AUTOMATIC)
    if case.auto is not None:
        assert result.auto_reply is not None
        assert result.auto_reply.kind is case.auto


@pytest.mark.parametrize("name", corpus_params())
def test_a_corpus_message_has_the_fields_its_entry_names(name):
    case = CASES[name]
    result, _ = reading(name)
    for field, expected in case.fields.items():
        assert getattr(result, field) == expected, field
    if not isinstance(result, InboundMail):
        return
    for wanted in case.text_has:
        assert wanted in result.text
    for unwanted in case.text_lacks:
        assert unwanted not in result.text
    html = result.html_sanitised or ""
    for wanted in case.html_has:
        assert wanted in html
    for unwanted in case.html_lacks:
        assert unwanted.lower() not in html.lower()
    for words in case.problems_mention:
        assert any(words in problem for problem in result.problems), result.problems
    if case.attachments is not None:
        assert [found.filename for found in result.attachments] == list(case.attachments)
    if case.skipped is not None:
        assert [found.filename for found in result.skipped_attachments] == list(case.skipped)


@pytest.mark.parametrize("name", corpus_params())
def test_a_corpus_message_reads_into_safe_values(name):
    result, _ = reading(name)
    assert_safe(result, LIMITS["max_attachment_bytes"])


@pytest.mark.parametrize("name", corpus_params())
def test_the_same_bytes_give_the_same_message_id(name):
    first, _ = reading(name)
    again = read_message(raw_of(name), **LIMITS)
    assert again.message_id == first.message_id


def test_the_imap_and_the_mta_copies_of_a_message_without_id_share_its_synthetic_id():
    imap, _ = reading("missing-headers")
    piped, _ = reading("mbox-pipe-copy")
    assert imap.message_id == piped.message_id
    assert imap.message_id.endswith("@mailin.dutydesk.invalid>")


def test_different_messages_without_id_get_different_synthetic_ids():
    first = read_message(raw_of("missing-headers"), **LIMITS)
    other = read_message(raw_of("missing-headers").replace(b"script", b"robot"), **LIMITS)
    assert first.message_id != other.message_id


def test_no_corpus_message_is_refused_as_unreadable():
    unreadable = [
        name
        for name in CASES
        if isinstance(reading(name)[0], Refusal) and reading(name)[0].code is RefusalCode.UNREADABLE
    ]
    assert not unreadable


def test_a_skipped_attachment_keeps_its_name_and_size_but_no_bytes():
    result, _ = reading("large-attachment")
    (skipped,) = result.skipped_attachments
    assert skipped.size == 25 * 1024 * 1024
    assert skipped.content_type == "application/octet-stream"
    assert "10485760" in skipped.reason
    assert not hasattr(skipped, "content")


def test_an_inline_image_is_marked_inline_with_its_content_id():
    result, _ = reading("inline-image")
    (image,) = result.attachments
    assert image.inline
    assert image.content_id == "F00D-1@orchard.example"
    assert image.content_type == "image/png"


def test_the_full_text_keeps_the_quote_the_text_leaves_out():
    result, _ = reading("gmail-reply")
    assert "Please re-bind the drain service" in result.full_text
    assert "Please re-bind the drain service" not in result.text


@pytest.mark.slow
def test_reading_a_25_mb_attachment_holds_memory_to_the_parser_s_own():
    # The standard library's parser holds the message as text and as lines: 7.7 times its size
    # at the peak, the most any step reaches. A copy of the message in any step shows here.
    raw = raw_of("large-attachment")
    tracemalloc.start()
    try:
        result = read_message(raw, **LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [skipped.filename for skipped in result.skipped_attachments] == ["heap.hprof"]
    assert peak < 8.5 * len(raw)
