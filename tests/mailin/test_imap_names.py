"""Folder names as IMAP spells them: modified UTF-7, quoted (RFC 3501, 5.1.3)."""

from __future__ import annotations

import pytest

from dutydesk.mailin.imap_names import encode_folder, folder_argument, uid_set


@pytest.mark.parametrize(
    ("name", "encoded"),
    [
        ("INBOX", "INBOX"),
        ("Support tickets", "Support tickets"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Traité", "Trait&AOk-"),
        ("R&D", "R&-D"),
        # RFC 3501's own example.
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("Dutydesk ✓", "Dutydesk &JxM-"),
        ("😀", "&2D3eAA-"),
    ],
)
def test_a_folder_name_is_encoded_in_modified_utf7(name: str, encoded: str) -> None:
    assert encode_folder(name) == encoded


def test_a_folder_argument_is_quoted_with_its_quotes_and_backslashes_escaped() -> None:
    assert folder_argument('Say "hi" \\ there') == '"Say \\"hi\\" \\\\ there"'
    assert folder_argument("Entwürfe") == '"Entw&APw-rfe"'


def test_a_uid_set_lists_the_uids() -> None:
    assert uid_set([3, 5, 9]) == "3,5,9"
