"""The navigation bar of signed-in pages, as the composition root lists it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dutydesk.contributions import NavEntry


class Navigation:
    """The links every domain adds, in order; some shown only to some users."""

    def __init__(self, entries: Sequence[NavEntry]) -> None:
        self._links = tuple(
            (entry.key, entry.href, entry.label, entry.shown.load() if entry.shown else None)
            for entry in entries
        )

    def links(self, page: Any) -> list[tuple[str, str, str]]:
        """(key, href, label) of each link this page's user gets."""
        return [
            (key, href, label)
            for key, href, label, shown in self._links
            if shown is None or _shown(shown, page)
        ]


def _shown(shown: Callable[[Any], bool], page: Any) -> bool:
    return bool(shown(page))
