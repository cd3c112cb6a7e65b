"""The main branches in force: the team file's `builds:` (or the defaults), read once per team
revision, as every result that comes in asks."""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.orm import Session

from dutydesk.builds.models import BuildSettings
from dutydesk.builds.spec import DEFAULT_MAIN_BRANCHES, SETTINGS_ID, BuildsSpec
from dutydesk.team.service import find_team

_CACHED_REVISIONS = 4
# Every change to the team file (builds: included) gives the team a new revision.
_cache: OrderedDict[str, frozenset[str]] = OrderedDict()


def main_branches(session: Session) -> frozenset[str]:
    """The branches whose failures make a job red; the defaults before a team is applied."""
    team = find_team(session)
    if team is None:
        return frozenset(DEFAULT_MAIN_BRANCHES)
    cached = _cache.get(team.revision)
    if cached is not None:
        _cache.move_to_end(team.revision)
        return cached
    row = session.get(BuildSettings, SETTINGS_ID)
    spec = BuildsSpec() if row is None else BuildsSpec.model_validate(row.definition)
    branches = frozenset(spec.main_branches)
    _cache[team.revision] = branches
    while len(_cache) > _CACHED_REVISIONS:
        _cache.popitem(last=False)
    return branches
