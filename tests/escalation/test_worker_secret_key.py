"""The escalation cycle with no DUTYDESK_SECRET_KEY: the key kept in the database is used.

The default install sets no secret key; the first time one is needed (to sign a page's action
links) it is read from, or made in, the database.
"""

from __future__ import annotations

import pytest

from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.escalation.due import escalate_due
from dutydesk.settings import Settings

pytestmark = pytest.mark.usefixtures("example_team")


def test_the_first_page_is_signed_with_the_key_kept_in_the_database(
    database_url: str, clock: FrozenClock, raise_alert, pages
):
    raise_alert()
    # A freshly started worker, as `dutydesk serve` runs it: no key set, none read yet.
    keyless = bootstrap(
        Settings(database_url=database_url, base_url="http://dutydesk.test", secret_key=None),
        clock,
    )
    try:
        assert escalate_due(keyless, "fresh-worker") == 1
    finally:
        keyless.close()
    assert [page.destination for page in pages()] == ["bob@example.org"]
