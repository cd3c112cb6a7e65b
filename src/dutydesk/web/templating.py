"""Jinja2 templates: one environment, autoescaped, with the helpers every page uses."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from dutydesk.timeparse import duration_text


@cache
def environment() -> Environment:
    """The template environment (built once, on first use: nothing happens at import)."""
    env = Environment(
        loader=PackageLoader("dutydesk", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["duration"] = duration_text
    return env


def render_template(name: str, context: dict[str, Any]) -> str:
    """The page `name` rendered with `context`."""
    return environment().get_template(name).render(context)


def iso_local(instant: datetime | None, zone: Any) -> str:
    """A time as a form field shows it: 'YYYY-MM-DDTHH:MM' in the team's zone."""
    if instant is None:
        return ""
    return instant.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
