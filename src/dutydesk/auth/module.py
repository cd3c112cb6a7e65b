"""What auth adds to Dutydesk: users and API tokens."""

from __future__ import annotations

from dutydesk.contributions import Command, Module, Ref

MODULE = Module(
    name="auth",
    commands=(
        Command(
            "user",
            "Accounts for the API and the web pages.",
            Ref("dutydesk.auth.cli:user_app"),
            order=41,
        ),
        Command("token", "API bearer tokens.", Ref("dutydesk.auth.cli:token_app"), order=42),
    ),
)
