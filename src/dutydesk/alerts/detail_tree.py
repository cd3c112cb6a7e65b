"""An alert's custom_details as the alert page shows them: a tree of keys and values.

The tree is cut at the intake's depth limit and after a number of values, so that whatever a
sender stored (however deep or large) makes a page of bounded size; the template escapes
every key and value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dutydesk.alerts.untrusted import within_depth

SHOWN_VALUES = 500  # keys and values on the page; the API has them all


@dataclass(frozen=True)
class DetailNode:
    """One key (or list position) and its value: text for a scalar, children for the rest."""

    key: str | None  # None for a value that is the whole of custom_details
    text: str | None
    children: tuple[DetailNode, ...] = ()


@dataclass(frozen=True)
class DetailTree:
    """The nodes shown; `complete` is False when some were left out to keep the page short."""

    nodes: tuple[DetailNode, ...]
    complete: bool


def detail_tree(value: Any) -> DetailTree:
    """custom_details as a tree of nodes, cut to the depth limit and SHOWN_VALUES values."""
    if value is None:
        return DetailTree((), True)
    budget = _Budget(SHOWN_VALUES)
    cut = within_depth(value)
    nodes = _children(cut, budget) if isinstance(cut, dict | list) else (_node(None, cut, budget),)
    return DetailTree(nodes, budget.left >= 0)


class _Budget:
    def __init__(self, left: int) -> None:
        self.left = left

    def take(self) -> bool:
        """One more node, if there is room; once there is none, left goes below zero."""
        self.left -= 1
        return self.left >= 0


def _children(value: dict[str, Any] | list[Any], budget: _Budget) -> tuple[DetailNode, ...]:
    items = value.items() if isinstance(value, dict) else enumerate(value, start=1)
    nodes = []
    for key, child in items:
        if not budget.take():
            break
        nodes.append(_node(str(key), child, budget))
    return tuple(nodes)


def _node(key: str | None, value: Any, budget: _Budget) -> DetailNode:
    if isinstance(value, dict | list):
        if not value:
            return DetailNode(key, "(empty)")
        return DetailNode(key, None, _children(value, budget))
    return DetailNode(key, _scalar_text(value))


def _scalar_text(value: Any) -> str:
    # Strings as they are; numbers, true, false and null as JSON writes them.
    return value if isinstance(value, str) else json.dumps(value)
