"""Names set from the command line (integrations, heartbeats, tokens, users) are one line:
a line break is refused with exit code 2 and one line saying which name."""

from __future__ import annotations

import pytest

from dutydesk.text import control_character, one_line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("integration", "add", "router", "--name", "grafana\nAcknowledge"), "integration name:"),
        (("heartbeat", "add", "router", "backup\r\nX: y", "--every", "1h"), "heartbeat name:"),
        (("token", "create", "ops", "--name", "ci\u2028bot"), "token name:"),
        (("user", "add", "bob\n", "--role", "viewer"), "'bob\\n' is not a username"),
    ],
    ids=["integration", "heartbeat", "token", "username"],
)
def test_a_name_with_a_line_break_is_refused(services, cli, args, message):
    if args[0] == "token":
        assert cli("user", "add", "ops", "--role", "viewer").code == 0
    refused = cli(*args)
    assert refused.code == 2, refused.out
    assert message in refused.err
    assert len(refused.err.strip().splitlines()) == 1


def test_one_line_turns_every_control_character_into_one_space():
    assert one_line("Bob\r\nBcc: x\x1b[31m\u2028end\t ") == "Bob Bcc: x [31m end"
    assert control_character("fine name") is None
    assert control_character("a\x7fb") == "U+007F"
