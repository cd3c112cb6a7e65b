"""The page tests' browser-like clients for the ticket pages' tests here.

They live in tests/integration/web/conftest.py, which only that folder sees; once the page
fixtures move up to tests/integration/conftest.py (where every folder below sees them), this
import finds nothing to bring and does nothing.
"""

from __future__ import annotations

try:
    from tests.integration.web.conftest import anonymous, browser
except ModuleNotFoundError:  # the fixtures are in tests/integration/conftest.py
    pass
else:
    __all__ = ["anonymous", "browser"]
