"""Notification tables: the outbox of messages to deliver, and the log of delivery attempts."""

from __future__ import annotations

from dutydesk.db import Base

__all__ = ["Base"]
