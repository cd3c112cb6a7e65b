"""The one place where errors become HTTP answers: `{"error": code, "message": text}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from dutydesk.errors import Conflict, DutydeskError, Forbidden, Invalid, NotFound, Unauthorized
from dutydesk.http_headers import SecurityHeaders, secure
from dutydesk.http_limits import BodyTooLarge, LimitRequestBody
from dutydesk.web.errors import html_error, sign_in_redirect, wants_html
from dutydesk.web.page import SignInNeeded

log = logging.getLogger(__name__)

STATUS_OF: dict[type[DutydeskError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Unauthorized: 401,
    Forbidden: 403,
}


class ErrorRead(BaseModel):
    """The body of every error answer."""

    error: str = Field(examples=["not_found"], description="A stable code for scripts.")
    message: str = Field(examples=["no rota 'enginering' (rotas: engineering, escalation)"])


def _described(text: str) -> dict[str, Any]:
    return {"model": ErrorRead, "description": text}


API_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _described("No valid bearer token."),
    403: _described("The token's user lacks the role this needs."),
    404: _described("The rota, person or override does not exist."),
    409: _described("The request clashes with the current state."),
    413: _described("The body is larger than DUTYDESK_MAX_BODY_BYTES."),
    422: _described("A parameter or the body is invalid; the message names it."),
}


class RefuseNulCharacters:
    """Answers a path or query with a NUL character before any route sees it: PostgreSQL
    cannot store or even compare text with NUL in it, and no id or time has one.

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs every request through
    a task group and memory streams, a cost the busiest routes (the Events API) notice.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = _nul_refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _nul_refusal(scope: Scope) -> Response | None:
    if "\x00" in scope.get("root_path", "") + scope["path"]:
        return JSONResponse(error_body(NotFound("nothing here has that name")), 404)
    if scope.get("query_string") and any(
        "\x00" in key + value for key, value in QueryParams(scope["query_string"]).multi_items()
    ):
        return JSONResponse(error_body(Invalid("query: NUL characters are not allowed")), 422)
    return None


def error_body(error: DutydeskError) -> dict[str, Any]:
    """The JSON body of an error answer."""
    return {"error": error.code, "message": error.message}


def install_error_mapper(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors to JSON bodies, in one place."""

    app.add_middleware(RefuseNulCharacters)
    app.add_middleware(
        LimitRequestBody,
        limit_bytes=app.state.runtime.settings.max_body_bytes,
        refuse=body_too_large,
    )
    # Outermost, so that every answer above gets the headers (the 500 handler adds its own).
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(SignInNeeded)
    async def sign_in_needed(_request: Request, error: SignInNeeded) -> Response:
        return sign_in_redirect(error)

    @app.exception_handler(DutydeskError)
    async def domain_error(request: Request, error: DutydeskError) -> Response:
        status = next((s for kind, s in STATUS_OF.items() if isinstance(error, kind)), 400)
        if wants_html(request):
            # A person's bad input is a Bad Request; 422 is for programs that read codes.
            return html_error(
                400 if status == 422 else status, error.message, path=request.url.path
            )
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(error), status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        if wants_html(request):
            return html_error(400, validation_message(error), path=request.url.path)
        return JSONResponse(error_body(Invalid(validation_message(error))), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400 and isinstance(error.__cause__, UnicodeDecodeError):
            # FastAPI's answer to a JSON body that is not UTF-8: answered as any other bad JSON.
            return await domain_error(request, Invalid("body: not valid JSON (it is not UTF-8)"))
        if isinstance(error, BodyTooLarge):
            return body_too_large(request, error)
        if wants_html(request):
            # Starlette's own errors (404, 405, a form it cannot parse: "Too many fields…")
            # reach a browser as a page, like every other error.
            return html_error(
                error.status_code,
                "there is no page at this address"
                if error.status_code == 404
                else str(error.detail),
                path=request.url.path,
            )
        code = _HTTP_CODES.get(error.status_code, "http_error")
        headers = getattr(error, "headers", None)
        if error.status_code == 405:
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return JSONResponse(
            {"error": code, "message": str(error.detail)},
            status_code=error.status_code,
            headers=headers,
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> Response:
        log.exception("unhandled error", exc_info=error)
        # Starlette sends this answer from outside every middleware: the headers are added here.
        if wants_html(request):
            return secure(
                html_error(
                    500, "Dutydesk hit an internal error; it is logged.", path=request.url.path
                )
            )
        return secure(
            JSONResponse(
                {"error": "internal", "message": "Dutydesk hit an internal error; it is logged."},
                status_code=500,
            )
        )


def body_too_large(request: Request, error: BodyTooLarge) -> Response:
    """413: a page for a browser's form, `{"error": "too_large", …}` for programs."""
    message = f"{error.detail} (DUTYDESK_MAX_BODY_BYTES)"
    if wants_html(request):
        return html_error(413, message, path=request.url.path)
    return JSONResponse({"error": "too_large", "message": message}, status_code=413)


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


def _allowed_methods(request: Request) -> str:
    """Every method the path answers. Starlette's 405 names only the first route's methods, and
    GET and POST of one path are often two routes, so each method is tried against them all."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
