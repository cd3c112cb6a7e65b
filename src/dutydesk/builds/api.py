"""JSON routes of builds: the red builds, claiming one and dismissing one (responders and
admins), recent results, and the report as JSON or CSV; every signed-in user reads them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from dutydesk.builds import service
from dutydesk.builds.report import period_of_weeks, report_csv, weekly_report
from dutydesk.builds.schemas import (
    BuildReportRead,
    BuildResultRead,
    ClaimBody,
    DismissBody,
    RedBuildRead,
    red_build_read,
    report_read,
    result_read,
)
from dutydesk.deps import (
    CurrentUser,
    ReadSessionDep,
    Responder,
    RuntimeDep,
    SessionDep,
    TeamTimeDep,
)
from dutydesk.errors import Invalid

router = APIRouter(prefix="/api/v1/builds", tags=["builds"])

SpellNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="The red build's id.")]
Weeks = Annotated[int, Query(ge=1, le=104, description="ISO weeks up to this one.")]
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


@router.get("/red", response_model=list[RedBuildRead])
def red_builds(
    _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> list[RedBuildRead]:
    """The jobs red now on a main branch, the longest red first, with who is fixing each."""
    return [red_build_read(spell, team_time.zone) for spell in service.red_now(session)]


@router.get("/red/{spell_id}", response_model=RedBuildRead)
def red_build(
    spell_id: SpellNumber, _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> RedBuildRead:
    """One red spell, still open or ended (how: fixed or flaky)."""
    return red_build_read(service.get_spell(session, spell_id), team_time.zone)


@router.post("/red/{spell_id}/claim", response_model=RedBuildRead)
def claim(
    spell_id: SpellNumber,
    body: ClaimBody,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    runtime: RuntimeDep,
) -> RedBuildRead:
    """ "Fixing the build: alice": the person (the token's own when left out) claims the red
    build, which makes them a task."""
    person = body.person or user.person_id
    if person is None:
        raise Invalid("person: name who is fixing the build (this token's user is no person)")
    spell = service.claim(
        session,
        spell_id,
        person,
        actor=user.username,
        now=team_time.now,
        base_url=runtime.settings.base_url,
    )
    session.commit()
    return red_build_read(spell, team_time.zone)


@router.post(
    "/red/{spell_id}/dismiss",
    response_model=RedBuildRead,
    responses={
        404: {"description": "No such red build."},
        409: {"description": "The build is green again, or was dismissed already."},
        422: {"description": "The reason is empty, more than one line, or too long."},
    },
)
def dismiss(
    spell_id: SpellNumber,
    body: DismissBody,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
) -> RedBuildRead:
    """End a red spell by hand, for a job that will never go green (removed from the
    pipeline, the pipeline retired): it ends now, as dismissed, with who and why. A task its
    claim made stays as it is; the job's next failure starts a new spell."""
    spell = service.dismiss(
        session,
        spell_id,
        body.reason,
        by=user.person_id or user.username,
        actor=user.username,
        now=team_time.now,
    )
    session.commit()
    return red_build_read(spell, team_time.zone)


@router.get("/results", response_model=list[BuildResultRead])
def results(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[BuildResultRead]:
    """The latest results on any branch, newest first."""
    return [result_read(r, team_time.zone) for r in service.recent_results(session, limit)]


@router.get(
    "/report",
    response_model=BuildReportRead,
    responses={200: {"content": {"text/csv": {}}}},
)
def report(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    weeks: Weeks = 4,
    format: Annotated[str, Query(description="json or csv.")] = "json",
) -> BuildReportRead | Response:
    """Per job and per ISO week: failures, red time, flaky runs; then the jobs by impact."""
    if format not in FORMATS:
        raise Invalid(f"format: one of {', '.join(FORMATS)}")
    start, end = period_of_weeks(weeks, team_time.zone, team_time.now)
    built = weekly_report(session, start, end, team_time.zone, team_time.now)
    if format == "csv":
        return _csv(report_csv(built))
    return report_read(built, team_time.zone)


@router.get("/report.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def report_as_csv(
    _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep, weeks: Weeks = 4
) -> Response:
    """The report as CSV: one row per job and week."""
    start, end = period_of_weeks(weeks, team_time.zone, team_time.now)
    return _csv(report_csv(weekly_report(session, start, end, team_time.zone, team_time.now)))


def _csv(text: str) -> Response:
    return Response(
        text,
        media_type=FORMATS["csv"],
        headers={"Content-Disposition": 'attachment; filename="build-report.csv"'},
    )
