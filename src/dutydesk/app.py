"""The web application: JSON API, calendar feeds and pages, with one error mapper."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp

from dutydesk import __version__
from dutydesk.alerts.api import router as alerts_router
from dutydesk.alerts.events_api import router as events_router
from dutydesk.alerts.events_asgi import EnqueueFastPath
from dutydesk.alerts.webhooks import router as webhooks_router
from dutydesk.audit.api import router as audit_router
from dutydesk.calendars.api import router as calendars_router
from dutydesk.escalation.api import router as escalation_router
from dutydesk.heartbeats.api import hooks_router as heartbeat_hooks_router
from dutydesk.heartbeats.api import router as heartbeats_router
from dutydesk.http_errors import API_ERROR_RESPONSES, install_error_mapper
from dutydesk.metrics.api import install_metrics
from dutydesk.notify.api import router as notify_router
from dutydesk.overrides.api import router as overrides_router
from dutydesk.overrides.cover_api import router as cover_router
from dutydesk.people.api import router as people_router
from dutydesk.rotas.api import router as rotas_router
from dutydesk.runtime import Runtime
from dutydesk.swaps.api import router as swaps_router
from dutydesk.web.api_docs import router as api_docs_router
from dutydesk.web.routes import PAGE_ROUTERS

log = logging.getLogger(__name__)


class _Application(FastAPI):
    """FastAPI, with the Events API's busiest route answered in front of every middleware
    (alerts/events_asgi.py): the stack is built on the first request, once all is set up."""

    def build_middleware_stack(self) -> ASGIApp:
        return EnqueueFastPath(super().build_middleware_stack(), self)


def create_app(runtime: Runtime) -> FastAPI:
    """Build the application around a runtime (settings, database, clock)."""
    app = _Application(
        title="Dutydesk",
        version=__version__,
        description=(
            "Who is on support now and next. Authenticate with `Authorization: Bearer <token>`"
            " (tokens from `dutydesk token create`). Times without an offset are the team's"
            " local time; answers carry the team's UTC offset."
        ),
        # /docs is served from the package (web/api_docs.py), never from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    # The routes monitoring posts to, first: FastAPI tries routes in the order they were
    # included, and matching a path against every route before these took a sixth of an
    # event's time. PagerDuty-compatible, with its own answer shapes, authenticated by the
    # routing key each event carries.
    app.include_router(events_router)
    for router in (
        people_router,
        rotas_router,
        overrides_router,
        cover_router,
        swaps_router,
        alerts_router,
        escalation_router,
        heartbeats_router,
        audit_router,
        notify_router,
    ):
        app.include_router(router, responses=API_ERROR_RESPONSES)
    app.include_router(calendars_router, responses={404: API_ERROR_RESPONSES[404]})
    # Monitoring webhooks: the integration key in the URL, Dutydesk's error shape.
    app.include_router(webhooks_router)
    # Heartbeat pings from jobs: the heartbeat's token in the URL.
    app.include_router(heartbeat_hooks_router)
    app.include_router(api_docs_router)
    for page_router in PAGE_ROUTERS:
        app.include_router(page_router)
    app.mount("/static", StaticFiles(packages=[("dutydesk", "static")]), name="static")
    install_error_mapper(app)
    install_metrics(app, runtime)

    @app.get(
        "/healthz",
        tags=["health"],
        responses={503: {"description": "The database did not answer."}},
    )
    def healthz() -> JSONResponse:
        """Liveness and database reachability: 200 when the database answers, else 503."""
        try:
            with runtime.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            log.warning("health check: the database did not answer: %s", error)
            return JSONResponse(
                {"status": "unavailable", "message": "the database did not answer"}, 503
            )
        return JSONResponse({"status": "ok"})

    return app
