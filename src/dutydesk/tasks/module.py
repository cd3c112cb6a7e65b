"""What tasks add to Dutydesk: the table of small tasks, made today by incident reviews'
follow-ups (the backlog's pages and commands come with the support-week work)."""

from __future__ import annotations

from dutydesk.contributions import Module

MODULE = Module(name="tasks")
