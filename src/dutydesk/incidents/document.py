"""The incident document: made from a template that follows an incident state document, kept
as Markdown, and shown as HTML that can carry nothing active (dutydesk.markdown renders it).
"""

from __future__ import annotations

from datetime import datetime

from dutydesk.markdown import render as render


def template(
    *,
    title: str,
    priority: str,
    declared_at_text: str,
    declared_by: str,
    roles: list[tuple[str, str]],
) -> str:
    """A new incident's document, its sections those of an incident state document."""
    role_lines = "\n".join(f"- **{name}**: {holder}" for name, holder in roles)
    return f"""# {_one_line(title)}

## Summary

What is happening, in two or three sentences a tenant-facing colleague can repeat.

## Status

{priority}, active. Declared {declared_at_text} by {_one_line(declared_by)}.

## Impact

Who is affected (tenants, services, regions) and how badly.

## Command roles

{role_lines}

## Detailed status

Last updated {declared_at_text} by {_one_line(declared_by)}.

What is known, what is being tried, what is next.

## Exit criteria

- [ ] The service works for every affected tenant
- [ ] Tenants have been told it is resolved

## TODO

- [ ] Next step, and who has it

## Timeline

The incident's timeline is kept on its page and exported with it; add here only what
explains the story.
"""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def stamp_text(at: datetime) -> str:
    """A time as the template writes it (the page shows it in the team's zone as well)."""
    return at.strftime("%Y-%m-%d %H:%M UTC")
