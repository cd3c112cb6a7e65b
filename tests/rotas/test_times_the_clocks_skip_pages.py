"""Forms show a local time the clocks skip beside its field, with the reason, and change nothing.

In Europe/London the clocks go forward at 01:00 on Sunday 29 March 2026.
"""

from __future__ import annotations

import pytest

from tests.overrides.test_override_pages import field_error, overrides_of

REASON = (
    "01:30 on 2026-03-29 does not exist in Europe/London: clocks go forward from 01:00 to 02:00"
)


@pytest.fixture
def carol(runtime, example_team, browser):
    return browser("carol", person="carol")


@pytest.mark.parametrize(
    ("url", "form", "field"),
    [
        pytest.param(
            "/rotas/escalation/overrides/preview",
            {"person": "carol", "from": "2026-03-29T01:30", "until": "2026-03-29T03:00"},
            "from",
            id="override-preview",
        ),
        pytest.param(
            "/rotas/escalation/overrides",
            {"person": "carol", "from": "2026-03-29T00:00", "until": "2026-03-29T01:30"},
            "until",
            id="override",
        ),
        pytest.param(
            "/rotas/escalation/cover/preview",
            {"by": "carol", "from": "2026-03-29T01:30", "for": "1h"},
            "from",
            id="cover-preview",
        ),
        pytest.param(
            "/swaps/preview",
            {
                "rota": "escalation",
                "from": "2026-03-29T01:30",
                "until": "2026-03-29T09:00",
                "offer": "rota",
            },
            "from",
            id="swap-preview",
        ),
    ],
)
def test_a_skipped_time_is_shown_beside_its_field(runtime, carol, url, form, field):
    page = carol.post(url, form)

    assert page.status_code == 400, page.text
    assert field_error(page.text, field) == REASON
    assert overrides_of(runtime, "escalation") == []
