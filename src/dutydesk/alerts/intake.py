"""What every inbound alert route shares: reading a JSON body within the size limit, and
documenting a body it checks by hand in the OpenAPI document.

The Events API and the webhooks read their bodies themselves rather than letting FastAPI
validate them, so that each answers bad input in its own shape and never reads an oversized body.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from fastapi import Request
from pydantic import BaseModel

MAX_BODY_BYTES = 512 * 1024


class BadBody(Exception):
    """A body that is not one JSON object of at most MAX_BODY_BYTES; the message says why."""


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object, read no further than the size limit."""
    content_type = request.headers.get("content-type", "")
    check_media_type(content_type)
    return json_object(await read_limited_body(request))


async def read_limited_body(request: Request) -> bytes:
    """The raw body, read no further than MAX_BODY_BYTES (BadBody past it)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise too_large()
    return bytes(body)


def too_large() -> BadBody:
    return BadBody(f"the body is larger than {MAX_BODY_BYTES // 1024} KB")


def check_media_type(content_type: str) -> None:
    """BadBody unless the Content-Type header says JSON."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise BadBody("Content-Type must be application/json")


def json_object(body: bytes | bytearray) -> dict[str, Any]:
    """A body (read within the size limit) as a JSON object; BadBody if it is not one."""
    try:
        # As json.loads(body, parse_constant=…) does, with the decoder made once, not per body.
        data = _DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    except (ValueError, RecursionError):  # bad JSON or UTF-8; absurdly deep nesting
        raise BadBody("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadBody("the body must be a JSON object")
    return data


def _refuse_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON; PostgreSQL's json type refuses them.
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def field_path(location: Any, prefix: str = "") -> str:
    """A pydantic error location as a field name: `alerts[0].labels`, `payload.summary`."""
    where = prefix.rstrip(".")
    for part in location:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def json_body_openapi(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` documenting a route's JSON body as this model, definitions inlined."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    content = {"application/json": {"schema": dict(inline(schema))}}
    return {"requestBody": {"required": True, "content": content}}
