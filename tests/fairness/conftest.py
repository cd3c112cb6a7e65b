"""A small team for the fairness tests: three people on a 24x7 weekly rota around Easter 2026.

Europe/London, GB-ENG bank holidays: Good Friday is 3 April 2026 and Easter Monday 6 April.
Working hours are the support hours, Monday to Friday 09:00-17:00. The rota hands over on
Mondays at 09:00: ann from 30 March, ben from 6 April, cat from 13 April.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

EASTER_TEAM = """
team: paas
timezone: Europe/London
holidays: GB-ENG
people:
  - {id: ann, name: Ann Archer, email: ann@example.org}
  - {id: ben, name: Ben Brown, email: ben@example.org}
  - {id: cat, name: Cat Chen, email: cat@example.org}
rotas:
  - id: ops
    name: Out of hours
    layers:
      - {members: [ann, ben, cat], shift: 1w, handoff: "Mon 09:00", start: 2026-03-30}
escalation_policies:
  - id: ops
    name: Ops
    steps:
      - notify: [{rota: ops}]
services:
  - id: api
    name: API
    escalation_policy: ops
support:
  hours: ["Mon-Fri 09:00-17:00"]
"""


@pytest.fixture
def easter_team(make_team: Callable[[str], None]) -> None:
    make_team(EASTER_TEAM)
