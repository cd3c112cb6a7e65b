"""An override as the calendar marks it, apart from the calendar's view code: the on-call
service makes them, and every command's path goes through the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OverrideMark:
    """An override row as the calendar needs it: who, when, and how it came about."""

    person: str
    start: datetime
    end: datetime
    kind: str  # Override.kind: "override", "cover" or "swap"
