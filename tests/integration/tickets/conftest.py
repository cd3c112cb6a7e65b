"""The page tests' browser-like clients (tests/integration/web/conftest.py), for the ticket
pages' tests here."""

from __future__ import annotations

from tests.integration.web.conftest import anonymous, browser

__all__ = ["anonymous", "browser"]
