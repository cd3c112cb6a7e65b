"""The web application: JSON API, calendar feeds and pages, with one error mapper."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp

from dutydesk import __version__, composition
from dutydesk.alerts.events_asgi import EnqueueFastPath
from dutydesk.http_errors import API_ERROR_RESPONSES, install_error_mapper
from dutydesk.prometheus.api import install_metrics
from dutydesk.runtime import Runtime
from dutydesk.web.api_docs import router as api_docs_router
from dutydesk.web.navigation import Navigation

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
    app.state.navigation = Navigation(composition.navigation())
    # Each dashboard panel's place and its build function, imported once here, not per request.
    app.state.panels = [(panel.place, panel.build.load()) for panel in composition.panels()]
    # Every domain's routes, from the composition root. The routes monitoring posts to come
    # first (the Events API): FastAPI tries routes in the order they were included, and
    # matching a path against every route before these took a sixth of an event's time.
    for router in composition.routers():
        if router.kind == "api":
            app.include_router(router.ref.load(), responses=API_ERROR_RESPONSES)
        else:
            app.include_router(router.ref.load())
    app.include_router(api_docs_router)
    app.include_router(health_router)
    app.mount("/static", StaticFiles(packages=[("dutydesk", "static")]), name="static")
    install_error_mapper(app)
    install_metrics(app, runtime)
    # Outermost: a domain's middleware sees the request before anything else (the status
    # host's paths become /status/ paths, and so are answered, timed and secured as those).
    for entry in composition.middleware():
        app.add_middleware(entry.ref.load(), runtime=runtime)

    return app


# Defined once, not per application: FastAPI keeps what it learns of each endpoint for the
# life of the process, and an endpoint made inside `create_app` would keep its runtime too.
health_router = APIRouter(tags=["health"])


@health_router.get(
    "/healthz",
    responses={503: {"description": "The database did not answer."}},
)
def healthz(request: Request) -> JSONResponse:
    """Liveness and database reachability: 200 when the database answers, else 503."""
    runtime: Runtime = request.app.state.runtime
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("health check: the database did not answer: %s", error)
        return JSONResponse(
            {"status": "unavailable", "message": "the database did not answer"}, 503
        )
    return JSONResponse({"status": "ok"})
