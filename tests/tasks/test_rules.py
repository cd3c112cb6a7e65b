"""What a task's fields may hold: titles, labels, sizes and links, as tables of cases, and
properties that hold for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dutydesk.errors import Invalid
from dutydesk.tasks.rules import (
    MOST_LABELS,
    checked_description,
    checked_labels,
    checked_link,
    checked_size,
    checked_title,
    labels_from_text,
)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://ci.example.org/builds/12", "https://ci.example.org/builds/12"),
        ("  http://tracker.example/card/7  ", "http://tracker.example/card/7"),
        ("HTTPS://Example.org/x?y=1#z", "HTTPS://Example.org/x?y=1#z"),
        ("https://example.org:8443/", "https://example.org:8443/"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_a_web_address_is_kept_as_given(given, stored):
    assert checked_link(given) == stored


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("javascript:alert(1)", "link: only http:// and https:// addresses"),
        ("data:text/html,<script>", "link: only http:// and https:// addresses"),
        ("file:///etc/passwd", "link: only http:// and https:// addresses"),
        ("ftp://example.org/x", "link: only http:// and https:// addresses"),
        ("example.org/build/1", "link: only http:// and https:// addresses"),
        ("https://", "link: an address needs a host"),
        ("https:///path", "link: an address needs a host"),
        ("https://exa mple.org", "link: an address has no spaces"),
        ("https://example.org/\nSet-Cookie: x", "link: an address has no spaces"),
        ("https://example.org:99999/", "link: not a web address"),
        ("https://[::1/", "link: not a web address"),
        ("https://example.org/" + "a" * 500, "link: at most 500 characters"),
    ],
)
def test_anything_but_an_http_or_https_address_is_refused(given, message):
    with pytest.raises(Invalid) as refused:
        checked_link(given)
    assert refused.value.message.startswith(message)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["CI", "docs"], ["ci", "docs"]),
        (["ci", "CI", " ci "], ["ci"]),
        (["", "  "], []),
        (["team:platform", "v1.2", "a/b", "x_y-z"], ["team:platform", "v1.2", "a/b", "x_y-z"]),
    ],
)
def test_labels_are_lower_case_each_once_in_the_order_given(given, stored):
    assert checked_labels(given) == stored


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (["ci flake"], "labels: 'ci flake' is not a label"),
        (["-ci"], "labels: '-ci' is not a label"),
        (["<b>"], "labels: '<b>' is not a label"),
        (["x" * 41], "labels: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… is longer than 40"),
        ([f"l{n}" for n in range(MOST_LABELS + 1)], "labels: at most 10"),
    ],
)
def test_labels_that_are_not_words_are_refused(given, message):
    with pytest.raises(Invalid) as refused:
        checked_labels(given)
    assert refused.value.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "labels"),
    [("ci, docs", ["ci", "docs"]), ("ci docs,,ci", ["ci", "docs"]), ("", [])],
)
def test_a_form_writes_labels_separated_by_commas_or_spaces(text, labels):
    assert labels_from_text(text) == labels


@pytest.mark.parametrize(
    ("given", "stored"), [("S", "S"), ("m", "M"), (" L ", "L"), ("", None), (None, None)]
)
def test_a_size_is_s_m_or_l_or_none(given, stored):
    assert checked_size(given) == stored


def test_another_size_is_refused():
    with pytest.raises(Invalid, match="size: one of S, M, L"):
        checked_size("XL")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "title: say what is to be done"),
        ("   ", "title: say what is to be done"),
        ("two\nlines", "title: must be one line"),
        ("x" * 301, "title: at most 300 characters"),
    ],
)
def test_a_title_is_one_line_of_some_words(given, message):
    with pytest.raises(Invalid) as refused:
        checked_title(given)
    assert refused.value.message.startswith(message)


def test_a_description_keeps_its_lines_without_nul_or_crlf():
    assert checked_description("  a\r\nb\x00c  ") == "a\nbc"
    with pytest.raises(Invalid, match="description: at most 10000"):
        checked_description("x" * 10_001)


# Addresses that start like the ones people paste, and like the ones attackers try.
_ADDRESSES = st.builds(
    str.__add__,
    st.sampled_from(
        ["https://", "http://", "HTTPS://", " https://", "javascript:", "JaVaScRiPt:", "data:",
         "//", "https:/", "java\tscript:", "\x00https://", ""]
    ),
    st.text(max_size=40),
)  # fmt: skip


@given(_ADDRESSES)
def test_a_kept_link_is_always_an_http_or_https_address_of_one_line(text):
    try:
        kept = checked_link(text)
    except Invalid as error:
        assert error.message.startswith("link: ")
        return
    if kept is not None:
        assert kept.lower().startswith(("http://", "https://"))
        assert not any(c in kept for c in "\n\r\t ")


@given(st.lists(st.text(max_size=12), max_size=12))
def test_checking_labels_twice_changes_nothing(labels):
    try:
        kept = checked_labels(labels)
    except Invalid:
        return
    assert checked_labels(kept) == kept
    assert len(set(kept)) == len(kept)
