"""The main branches in force: the team file's `builds:` (or the defaults), read once per team
revision, as every result that comes in asks."""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.builds.models import BuildSettings
from dutydesk.builds.spec import DEFAULT_MAIN_BRANCHES, SETTINGS_ID, BuildsSpec
from dutydesk.team.models import Team
from dutydesk.team.service import TEAM_ROW

_CACHED_REVISIONS = 4
# Every change to the team file (builds: included) gives the team a new revision.
_cache: OrderedDict[str, frozenset[str]] = OrderedDict()
_SESSION_KEY = "dutydesk.builds.main_branches"
# The revision alone, without loading the team's row: it is read for every transaction.
_REVISION = select(Team.revision).where(Team.id == TEAM_ROW)


def main_branches(session: Session) -> frozenset[str]:
    """The branches whose failures make a job red; the defaults before a team is applied.

    Read once per transaction: a group commit takes many results in one, and the team's row
    would otherwise be read again for each (the session does not keep an unreferenced row).
    """
    transaction = session.get_transaction()
    kept = session.info.get(_SESSION_KEY)
    if kept is not None and kept[0] is transaction:
        branches: frozenset[str] = kept[1]
        return branches
    branches = _main_branches(session)
    session.info[_SESSION_KEY] = (transaction, branches)
    return branches


def _main_branches(session: Session) -> frozenset[str]:
    revision = session.execute(_REVISION).scalar()
    if revision is None:
        return frozenset(DEFAULT_MAIN_BRANCHES)
    cached = _cache.get(revision)
    if cached is not None:
        _cache.move_to_end(revision)
        return cached
    row = session.get(BuildSettings, SETTINGS_ID)
    spec = BuildsSpec() if row is None else BuildsSpec.model_validate(row.definition)
    branches = frozenset(spec.main_branches)
    _cache[revision] = branches
    while len(_cache) > _CACHED_REVISIONS:
        _cache.popitem(last=False)
    return branches
