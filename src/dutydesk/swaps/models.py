"""Swap requests: a shift (or part) offered to colleagues, taken or exchanged."""

from __future__ import annotations

from dutydesk.db import Base

__all__ = ["Base"]
