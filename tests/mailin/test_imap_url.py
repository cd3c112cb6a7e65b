"""DUTYDESK_MAIL_IMAP_URL: what each form of the URL means, and what is refused before any
connection is tried (never echoing the password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutydesk.errors import Invalid
from dutydesk.mailin.imap_url import ImapMailbox, parse_imap_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://support:s3cret@mail.example.org/INBOX",
            ImapMailbox("mail.example.org", 993, True, False, "support", "s3cret", "INBOX"),
        ),
        (
            "imaps://support:s3cret@mail.example.org",
            ImapMailbox("mail.example.org", 993, True, False, "support", "s3cret", "INBOX"),
        ),
        (
            "imap://support:s3cret@mail.example.org:1143/Support?starttls=1",
            ImapMailbox("mail.example.org", 1143, False, True, "support", "s3cret", "Support"),
        ),
        (
            "imap://support:s3cret@mail.example.org/INBOX?starttls=yes",
            ImapMailbox("mail.example.org", 143, False, True, "support", "s3cret", "INBOX"),
        ),
        (  # an address as the user name, and a password with reserved characters
            "imaps://help%40example.org:p%40ss%2Fw%3Ard@imap.gmail.com:993/INBOX",
            ImapMailbox("imap.gmail.com", 993, True, False, "help@example.org", "p@ss/w:rd"),
        ),
        (  # a folder with a space and a non-ASCII letter, percent-encoded
            "imaps://u:p@mail.example.org/Support%20Entw%C3%BCrfe",
            ImapMailbox("mail.example.org", 993, True, False, "u", "p", "Support Entwürfe"),
        ),
        (  # plain IMAP is allowed to a loopback address
            "imap://u:p@127.0.0.1:1143/INBOX",
            ImapMailbox("127.0.0.1", 1143, False, False, "u", "p", "INBOX"),
        ),
        (
            "imap://u:p@localhost/INBOX",
            ImapMailbox("localhost", 143, False, False, "u", "p", "INBOX"),
        ),
        (
            "imap://u:p@[::1]/INBOX",
            ImapMailbox("::1", 143, False, False, "u", "p", "INBOX"),
        ),
    ],
)
def test_each_form_of_the_url_names_its_mailbox(url: str, expected: ImapMailbox) -> None:
    assert parse_imap_url(url) == expected


def test_a_ca_file_is_the_only_certificate_trusted(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    mailbox = parse_imap_url(f"imaps://u:p@mail.example.org/INBOX?ca_file={ca}")
    assert mailbox.ca_file == str(ca)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("smtp://u:hunter22@mail.example.org", "expected imaps://"),
        ("imaps://", "expected imaps://"),
        ("imaps://u:hunter22@mail.example.org:99999/INBOX", "expected imaps://"),
        ("imaps://mail.example.org/INBOX", "needs a user and a password"),
        ("imaps://u@mail.example.org/INBOX", "needs a user and a password"),
        ("imap://u:hunter22@mail.example.org/INBOX", "send the password in the clear"),
        ("imap://u:hunter22@10.0.0.5/INBOX?starttls=0", "send the password in the clear"),
        ("imaps://u:hunter22@mail.example.org/INBOX?starttls=1", "starttls is for imap://"),
        ("imap://u:hunter22@mail.example.org/INBOX?starttls=maybe", "neither 1 nor 0"),
        ("imaps://u:hunter22@mail.example.org/INBOX?verify=0", "unknown parameter 'verify'"),
        ("imaps://u:hunter22@mail.example.org/INBOX?ca_file=/no/such/ca.pem", "is not a file"),
        ("imaps://u:hunter22@mail.example.org/Bad%0AFolder", "control character (U+000A)"),
        ("imaps://u:hunter22@mail.example.org/%20", "folder name is empty"),
    ],
)
def test_a_url_that_cannot_work_is_refused_naming_the_setting_not_the_password(
    url: str, says: str
) -> None:
    with pytest.raises(Invalid) as refused:
        parse_imap_url(url)
    assert refused.value.message.startswith("DUTYDESK_MAIL_IMAP_URL: ")
    assert says in refused.value.message
    assert "hunter22" not in refused.value.message


def test_the_mailbox_is_shown_without_user_or_password() -> None:
    mailbox = parse_imap_url("imap://support:hunter22@[::1]:1143/Support?starttls=1")
    assert mailbox.shown == "imap://[::1]:1143/Support"
    assert "hunter22" not in repr(mailbox)
