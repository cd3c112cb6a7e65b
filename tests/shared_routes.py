"""Every test builds its own application (`create_app(runtime)`), and FastAPI works out each
included router's routes (their parameters, bodies and answers) on that application's first
request to them: about a fifth of a second for the whole route table, paid again by every
test. What it works out depends only on the router and how it was included, so the tests'
applications share it: an application including a router the way an earlier one did takes
the earlier inclusion, with its routes already worked out. Each application keeps its own
state, middleware and runtime; only the route table's bookkeeping is shared.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI

_original_include_router = APIRouter.include_router
_included: dict[tuple[int, str], Any] = {}


def _include_router(self: APIRouter, router: APIRouter, **options: Any) -> None:
    _original_include_router(self, router, **options)
    # Only inclusions into an application's own router: a router's inclusions in its module
    # are made once anyway.
    if getattr(self, "dependency_overrides_provider", None) is None:
        return
    if not isinstance(self.dependency_overrides_provider, FastAPI):
        return
    key = (id(router), repr(sorted(options.items())))
    earlier = _included.setdefault(key, self.routes[-1])
    self.routes[-1] = earlier


def share_route_tables() -> None:
    """Make applications built from now on share their included routers' route tables."""
    APIRouter.include_router = _include_router  # type: ignore[method-assign]
