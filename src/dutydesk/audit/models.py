"""The audit log: who changed what, and when."""

from __future__ import annotations

from dutydesk.db import Base

__all__ = ["Base"]
