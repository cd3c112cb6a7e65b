"""format=flowed (RFC 3676) joined back into paragraphs."""

from __future__ import annotations

import pytest

from dutydesk.mailin.flowed import unflow


@pytest.mark.parametrize(
    ("text", "delsp", "joined"),
    [
        pytest.param("one \ntwo\nthree", False, "one two\nthree", id="soft-break"),
        pytest.param("one \ntwo", True, "onetwo", id="delsp-removes-the-space"),
        pytest.param("> quoted \n> more\nnew", False, "> quoted more\nnew", id="quoted"),
        pytest.param("> a \n>> b", False, "> a \n>> b", id="depth-change-ends-paragraph"),
        pytest.param("text\n-- \nsig", False, "text\n-- \nsig", id="signature-separator-kept"),
        pytest.param(" From here", False, "From here", id="space-stuffing-removed"),
        pytest.param("end \n", False, "end ", id="soft-break-at-the-end"),
    ],
)
def test_flowed_lines_are_joined(text, delsp, joined):
    assert unflow(text, delsp=delsp) == joined
