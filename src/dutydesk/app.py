"""The web application: JSON API, calendar feeds and pages, with one error mapper."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from dutydesk import __version__
from dutydesk.calendars.api import router as calendars_router
from dutydesk.errors import Conflict, DutydeskError, Forbidden, Invalid, NotFound, Unauthorized
from dutydesk.overrides.api import router as overrides_router
from dutydesk.people.api import router as people_router
from dutydesk.rotas.api import router as rotas_router
from dutydesk.runtime import Runtime

log = logging.getLogger(__name__)

STATUS_OF: dict[type[DutydeskError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Unauthorized: 401,
    Forbidden: 403,
}


def create_app(runtime: Runtime) -> FastAPI:
    """Build the application around a runtime (settings, database, clock)."""
    app = FastAPI(
        title="Dutydesk",
        version=__version__,
        description=(
            "Who is on support now and next. Authenticate with `Authorization: Bearer <token>`"
            " (tokens from `dutydesk token create`). Times without an offset are the team's"
            " local time; answers carry the team's UTC offset."
        ),
    )
    app.state.runtime = runtime
    for router in (people_router, rotas_router, overrides_router, calendars_router):
        app.include_router(router)
    _install_error_mapper(app)

    @app.get("/healthz", tags=["health"])
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

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        return _HOME_PAGE

    return app


def error_body(error: DutydeskError) -> dict[str, Any]:
    """The JSON body of an error answer."""
    return {"error": error.code, "message": error.message}


def _install_error_mapper(app: FastAPI) -> None:
    @app.middleware("http")
    async def refuse_nul_characters(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        # PostgreSQL cannot store or even compare text with NUL in it; no id or time has one.
        if "\x00" in request.url.path:
            return JSONResponse(error_body(NotFound("nothing here has that name")), 404)
        if any("\x00" in key + value for key, value in request.query_params.multi_items()):
            return JSONResponse(error_body(Invalid("query: NUL characters are not allowed")), 422)
        return await call_next(request)

    @app.exception_handler(DutydeskError)
    async def domain_error(_request: Request, error: DutydeskError) -> JSONResponse:
        status = next((s for kind, s in STATUS_OF.items() if isinstance(error, kind)), 400)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(error), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(Invalid(validation_message(error))), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return JSONResponse(
            {"error": code, "message": str(error.detail)},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected_error(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse(
            {"error": "internal", "message": "Dutydesk hit an internal error; it is logged."},
            status_code=500,
        )


def validation_message(error: RequestValidationError) -> str:
    """One line naming the first bad field: "from: Field required", "body: not valid JSON …"."""
    first = error.errors()[0]
    location = [str(part) for part in first.get("loc", ())]
    # The first part says where the field was (body, query, path, header); the rest names it.
    where = ".".join(location[1:]) if len(location) > 1 else (location[0] if location else "")
    if first.get("type") == "json_invalid":
        reason = first.get("ctx", {}).get("error", "")
        return f"body: not valid JSON ({reason})" if reason else "body: not valid JSON"
    message = str(first.get("msg", "invalid input")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


_HOME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dutydesk</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
 line-height: 1.5">
<h1>Dutydesk</h1>
<p>Who is on support now and next.</p>
<ul>
<li><code>dutydesk who</code> in a terminal, or <code>GET /api/v1/oncall</code> with a token</li>
<li><a href="/docs">API reference</a> (OpenAPI at <a href="/openapi.json">/openapi.json</a>)</li>
<li><a href="/healthz">Health</a></li>
</ul>
</body></html>
"""
