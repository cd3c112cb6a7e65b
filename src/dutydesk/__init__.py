"""Dutydesk: support operations for a platform team."""

__version__ = "0.1.0"
